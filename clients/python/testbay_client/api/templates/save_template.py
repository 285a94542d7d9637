from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.template_request import TemplateRequest
from ...models.template_view import TemplateView
from ...types import Response


def _get_kwargs(
    name: str,
    *,
    body: TemplateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/templates/{name}".format(
            name=quote(str(name), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json; charset=utf-8"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | TemplateView | None:
    if response.status_code == 200:
        response_200 = TemplateView.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = TemplateView.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | TemplateView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: TemplateRequest,
) -> Response[Problem | TemplateView]:
    """Save a template

     Saves a run setup under `name` (letters, digits, `.`, `_`, `-`; at most 64), creating
    the template (201) or replacing the one of that name (200). Its paths must exist in the
    test tree now. Start a run from it with `POST /runs` and `template`.

    Args:
        name (str):
        body (TemplateRequest): A run setup to save as a template: a run's fields but the user.
            Example: {'description': 'Arithmetic', 'environment': 3, 'paths':
            ['math/test_arithmetic.py']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TemplateView]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: TemplateRequest,
) -> Problem | TemplateView | None:
    """Save a template

     Saves a run setup under `name` (letters, digits, `.`, `_`, `-`; at most 64), creating
    the template (201) or replacing the one of that name (200). Its paths must exist in the
    test tree now. Start a run from it with `POST /runs` and `template`.

    Args:
        name (str):
        body (TemplateRequest): A run setup to save as a template: a run's fields but the user.
            Example: {'description': 'Arithmetic', 'environment': 3, 'paths':
            ['math/test_arithmetic.py']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TemplateView
    """

    return sync_detailed(
        name=name,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: TemplateRequest,
) -> Response[Problem | TemplateView]:
    """Save a template

     Saves a run setup under `name` (letters, digits, `.`, `_`, `-`; at most 64), creating
    the template (201) or replacing the one of that name (200). Its paths must exist in the
    test tree now. Start a run from it with `POST /runs` and `template`.

    Args:
        name (str):
        body (TemplateRequest): A run setup to save as a template: a run's fields but the user.
            Example: {'description': 'Arithmetic', 'environment': 3, 'paths':
            ['math/test_arithmetic.py']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TemplateView]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: TemplateRequest,
) -> Problem | TemplateView | None:
    """Save a template

     Saves a run setup under `name` (letters, digits, `.`, `_`, `-`; at most 64), creating
    the template (201) or replacing the one of that name (200). Its paths must exist in the
    test tree now. Start a run from it with `POST /runs` and `template`.

    Args:
        name (str):
        body (TemplateRequest): A run setup to save as a template: a run's fields but the user.
            Example: {'description': 'Arithmetic', 'environment': 3, 'paths':
            ['math/test_arithmetic.py']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TemplateView
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            body=body,
        )
    ).parsed
