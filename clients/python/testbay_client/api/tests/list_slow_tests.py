from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.slow_test_list import SlowTestList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = UNSET,
    growth: float | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["growth"] = growth

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tests/slow",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SlowTestList | None:
    if response.status_code == 200:
        response_200 = SlowTestList.from_dict(response.json())

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
) -> Response[Problem | SlowTestList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    growth: float | Unset = UNSET,
) -> Response[Problem | SlowTestList]:
    """List slow tests

     The tests with the longest median passed duration (over their last 20 passes in an
    environment), and those whose median over their last 10 passes is at least `growth`
    times (1.1-100, default 1.5) that of the 10 before. At most `limit` (1-200, default
    20) of each.

    Args:
        limit (int | Unset):
        growth (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SlowTestList]
    """

    kwargs = _get_kwargs(
        limit=limit,
        growth=growth,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    growth: float | Unset = UNSET,
) -> Problem | SlowTestList | None:
    """List slow tests

     The tests with the longest median passed duration (over their last 20 passes in an
    environment), and those whose median over their last 10 passes is at least `growth`
    times (1.1-100, default 1.5) that of the 10 before. At most `limit` (1-200, default
    20) of each.

    Args:
        limit (int | Unset):
        growth (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SlowTestList
    """

    return sync_detailed(
        client=client,
        limit=limit,
        growth=growth,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    growth: float | Unset = UNSET,
) -> Response[Problem | SlowTestList]:
    """List slow tests

     The tests with the longest median passed duration (over their last 20 passes in an
    environment), and those whose median over their last 10 passes is at least `growth`
    times (1.1-100, default 1.5) that of the 10 before. At most `limit` (1-200, default
    20) of each.

    Args:
        limit (int | Unset):
        growth (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SlowTestList]
    """

    kwargs = _get_kwargs(
        limit=limit,
        growth=growth,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = UNSET,
    growth: float | Unset = UNSET,
) -> Problem | SlowTestList | None:
    """List slow tests

     The tests with the longest median passed duration (over their last 20 passes in an
    environment), and those whose median over their last 10 passes is at least `growth`
    times (1.1-100, default 1.5) that of the 10 before. At most `limit` (1-200, default
    20) of each.

    Args:
        limit (int | Unset):
        growth (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SlowTestList
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            growth=growth,
        )
    ).parsed
