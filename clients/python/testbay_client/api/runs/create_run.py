from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.run_from_paths_request import RunFromPathsRequest
from ...models.run_from_template_request import RunFromTemplateRequest
from ...models.run_view import RunView
from ...types import Response


def _get_kwargs(
    *,
    body: RunFromPathsRequest | RunFromTemplateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/runs",
    }

    if isinstance(body, RunFromPathsRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json; charset=utf-8"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RunView | None:
    if response.status_code == 201:
        response_201 = RunView.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 411:
        response_411 = Problem.from_dict(response.json())

        return response_411

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | RunView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RunFromPathsRequest | RunFromTemplateRequest,
) -> Response[Problem | RunView]:
    """Create a run

     Once users exist, a run is the token's user's (`user` may be left out), and only admins
    start runs for others (`created_by` records who did). Stores the run as `queued`,
    holding its environment until it ends, and queues it. At
    most one run per environment is active: if another queued or running run holds it, the
    answer is 409 with code `environment_busy` and that run's id.

    Args:
        body (RunFromPathsRequest | RunFromTemplateRequest): A request for a run. `environment`
            and `paths` are required unless `template` gives them.
            The body's rules (lengths, patterns, bounds) are in the spec's schema (see `api::spec`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunView]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: RunFromPathsRequest | RunFromTemplateRequest,
) -> Problem | RunView | None:
    """Create a run

     Once users exist, a run is the token's user's (`user` may be left out), and only admins
    start runs for others (`created_by` records who did). Stores the run as `queued`,
    holding its environment until it ends, and queues it. At
    most one run per environment is active: if another queued or running run holds it, the
    answer is 409 with code `environment_busy` and that run's id.

    Args:
        body (RunFromPathsRequest | RunFromTemplateRequest): A request for a run. `environment`
            and `paths` are required unless `template` gives them.
            The body's rules (lengths, patterns, bounds) are in the spec's schema (see `api::spec`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunView
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RunFromPathsRequest | RunFromTemplateRequest,
) -> Response[Problem | RunView]:
    """Create a run

     Once users exist, a run is the token's user's (`user` may be left out), and only admins
    start runs for others (`created_by` records who did). Stores the run as `queued`,
    holding its environment until it ends, and queues it. At
    most one run per environment is active: if another queued or running run holds it, the
    answer is 409 with code `environment_busy` and that run's id.

    Args:
        body (RunFromPathsRequest | RunFromTemplateRequest): A request for a run. `environment`
            and `paths` are required unless `template` gives them.
            The body's rules (lengths, patterns, bounds) are in the spec's schema (see `api::spec`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunView]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: RunFromPathsRequest | RunFromTemplateRequest,
) -> Problem | RunView | None:
    """Create a run

     Once users exist, a run is the token's user's (`user` may be left out), and only admins
    start runs for others (`created_by` records who did). Stores the run as `queued`,
    holding its environment until it ends, and queues it. At
    most one run per environment is active: if another queued or running run holds it, the
    answer is 409 with code `environment_busy` and that run's id.

    Args:
        body (RunFromPathsRequest | RunFromTemplateRequest): A request for a run. `environment`
            and `paths` are required unless `template` gives them.
            The body's rules (lengths, patterns, bounds) are in the spec's schema (see `api::spec`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunView
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
