from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.flaky_test_list import FlakyTestList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    days: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["days"] = days

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tests/flaky",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> FlakyTestList | Problem | None:
    if response.status_code == 200:
        response_200 = FlakyTestList.from_dict(response.json())

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
) -> Response[FlakyTestList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    days: int | Unset = UNSET,
) -> Response[FlakyTestList | Problem]:
    """List flaky tests

     Tests whose verdict (passed or failed) flipped on unchanged file content in one
    environment within the last `days` days (1-365, default 14), highest flip rate first. A
    test whose file changed between the two results is not flaky: it changed.

    Args:
        days (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FlakyTestList | Problem]
    """

    kwargs = _get_kwargs(
        days=days,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    days: int | Unset = UNSET,
) -> FlakyTestList | Problem | None:
    """List flaky tests

     Tests whose verdict (passed or failed) flipped on unchanged file content in one
    environment within the last `days` days (1-365, default 14), highest flip rate first. A
    test whose file changed between the two results is not flaky: it changed.

    Args:
        days (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FlakyTestList | Problem
    """

    return sync_detailed(
        client=client,
        days=days,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    days: int | Unset = UNSET,
) -> Response[FlakyTestList | Problem]:
    """List flaky tests

     Tests whose verdict (passed or failed) flipped on unchanged file content in one
    environment within the last `days` days (1-365, default 14), highest flip rate first. A
    test whose file changed between the two results is not flaky: it changed.

    Args:
        days (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FlakyTestList | Problem]
    """

    kwargs = _get_kwargs(
        days=days,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    days: int | Unset = UNSET,
) -> FlakyTestList | Problem | None:
    """List flaky tests

     Tests whose verdict (passed or failed) flipped on unchanged file content in one
    environment within the last `days` days (1-365, default 14), highest flip rate first. A
    test whose file changed between the two results is not flaky: it changed.

    Args:
        days (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FlakyTestList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            days=days,
        )
    ).parsed
