from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.run_page import RunPage
from ...models.run_status_view import RunStatusView
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: RunStatusView | Unset = UNSET,
    user: str | Unset = UNSET,
    environment: int | Unset = UNSET,
    template: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["user"] = user

    params["environment"] = environment

    params["template"] = template

    params["cursor"] = cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/runs",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RunPage | None:
    if response.status_code == 200:
        response_200 = RunPage.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | RunPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    status: RunStatusView | Unset = UNSET,
    user: str | Unset = UNSET,
    environment: int | Unset = UNSET,
    template: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[Problem | RunPage]:
    """List runs

     Newest first, optionally filtered. Pages hold `limit` runs (1-200, default 50); pass
    `next_cursor` as `cursor` for the next page.

    Args:
        status (RunStatusView | Unset): Where a run is in its life. `queued` and `running` are
            active: they hold the environment.
        user (str | Unset):
        environment (int | Unset):
        template (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunPage]
    """

    kwargs = _get_kwargs(
        status=status,
        user=user,
        environment=environment,
        template=template,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    status: RunStatusView | Unset = UNSET,
    user: str | Unset = UNSET,
    environment: int | Unset = UNSET,
    template: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Problem | RunPage | None:
    """List runs

     Newest first, optionally filtered. Pages hold `limit` runs (1-200, default 50); pass
    `next_cursor` as `cursor` for the next page.

    Args:
        status (RunStatusView | Unset): Where a run is in its life. `queued` and `running` are
            active: they hold the environment.
        user (str | Unset):
        environment (int | Unset):
        template (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunPage
    """

    return sync_detailed(
        client=client,
        status=status,
        user=user,
        environment=environment,
        template=template,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    status: RunStatusView | Unset = UNSET,
    user: str | Unset = UNSET,
    environment: int | Unset = UNSET,
    template: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[Problem | RunPage]:
    """List runs

     Newest first, optionally filtered. Pages hold `limit` runs (1-200, default 50); pass
    `next_cursor` as `cursor` for the next page.

    Args:
        status (RunStatusView | Unset): Where a run is in its life. `queued` and `running` are
            active: they hold the environment.
        user (str | Unset):
        environment (int | Unset):
        template (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunPage]
    """

    kwargs = _get_kwargs(
        status=status,
        user=user,
        environment=environment,
        template=template,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    status: RunStatusView | Unset = UNSET,
    user: str | Unset = UNSET,
    environment: int | Unset = UNSET,
    template: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Problem | RunPage | None:
    """List runs

     Newest first, optionally filtered. Pages hold `limit` runs (1-200, default 50); pass
    `next_cursor` as `cursor` for the next page.

    Args:
        status (RunStatusView | Unset): Where a run is in its life. `queued` and `running` are
            active: they hold the environment.
        user (str | Unset):
        environment (int | Unset):
        template (str | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunPage
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            user=user,
            environment=environment,
            template=template,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
