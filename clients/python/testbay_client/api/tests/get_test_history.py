import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.test_history_view import TestHistoryView
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    node_id: str,
    environment: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["node_id"] = node_id

    params["environment"] = environment

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    json_until: str | Unset = UNSET
    if not isinstance(until, Unset):
        json_until = until.isoformat()
    params["until"] = json_until

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tests/history",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TestHistoryView | None:
    if response.status_code == 200:
        response_200 = TestHistoryView.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | TestHistoryView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    node_id: str,
    environment: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[Problem | TestHistoryView]:
    """Get a test's history

     The test's results run by run, newest first (`limit`, 1-500, default 50), and its record
    in each environment: runs, failures, since when it fails, its flips on unchanged file
    content, its median duration. `since` and `until` bound the runs' creation time; pass
    `next_until` as `until` for older results.

    Args:
        node_id (str):
        environment (int | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TestHistoryView]
    """

    kwargs = _get_kwargs(
        node_id=node_id,
        environment=environment,
        since=since,
        until=until,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    node_id: str,
    environment: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Problem | TestHistoryView | None:
    """Get a test's history

     The test's results run by run, newest first (`limit`, 1-500, default 50), and its record
    in each environment: runs, failures, since when it fails, its flips on unchanged file
    content, its median duration. `since` and `until` bound the runs' creation time; pass
    `next_until` as `until` for older results.

    Args:
        node_id (str):
        environment (int | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TestHistoryView
    """

    return sync_detailed(
        client=client,
        node_id=node_id,
        environment=environment,
        since=since,
        until=until,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    node_id: str,
    environment: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[Problem | TestHistoryView]:
    """Get a test's history

     The test's results run by run, newest first (`limit`, 1-500, default 50), and its record
    in each environment: runs, failures, since when it fails, its flips on unchanged file
    content, its median duration. `since` and `until` bound the runs' creation time; pass
    `next_until` as `until` for older results.

    Args:
        node_id (str):
        environment (int | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TestHistoryView]
    """

    kwargs = _get_kwargs(
        node_id=node_id,
        environment=environment,
        since=since,
        until=until,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    node_id: str,
    environment: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Problem | TestHistoryView | None:
    """Get a test's history

     The test's results run by run, newest first (`limit`, 1-500, default 50), and its record
    in each environment: runs, failures, since when it fails, its flips on unchanged file
    content, its median duration. `since` and `until` bound the runs' creation time; pass
    `next_until` as `until` for older results.

    Args:
        node_id (str):
        environment (int | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TestHistoryView
    """

    return (
        await asyncio_detailed(
            client=client,
            node_id=node_id,
            environment=environment,
            since=since,
            until=until,
            limit=limit,
        )
    ).parsed
