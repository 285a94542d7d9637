from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_stream_event_reload import ListStreamEventReload
from ...models.list_stream_event_run_listed import ListStreamEventRunListed
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    last_event_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(last_event_id, Unset):
        headers["Last-Event-ID"] = last_event_id

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/events",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> list[ListStreamEventReload | ListStreamEventRunListed] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.text
        for response_200_item_data in _response_200:

            def _parse_response_200_item(data: object) -> ListStreamEventReload | ListStreamEventRunListed:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_list_stream_event_type_0 = ListStreamEventRunListed.from_dict(data)

                    return componentsschemas_list_stream_event_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_list_stream_event_type_1 = ListStreamEventReload.from_dict(data)

                return componentsschemas_list_stream_event_type_1

            response_200_item = _parse_response_200_item(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[list[ListStreamEventReload | ListStreamEventRunListed]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    last_event_id: str | Unset = UNSET,
) -> Response[list[ListStreamEventReload | ListStreamEventRunListed]]:
    """Follow the runs list

     A `run` event for every run created or changed (status, counts). Reconnect with
    `Last-Event-ID` to get what was missed; a `reload` event says the list must be fetched
    again because the missed events are no longer known.

    Args:
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[list[ListStreamEventReload | ListStreamEventRunListed]]
    """

    kwargs = _get_kwargs(
        last_event_id=last_event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    last_event_id: str | Unset = UNSET,
) -> list[ListStreamEventReload | ListStreamEventRunListed] | None:
    """Follow the runs list

     A `run` event for every run created or changed (status, counts). Reconnect with
    `Last-Event-ID` to get what was missed; a `reload` event says the list must be fetched
    again because the missed events are no longer known.

    Args:
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        list[ListStreamEventReload | ListStreamEventRunListed]
    """

    return sync_detailed(
        client=client,
        last_event_id=last_event_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    last_event_id: str | Unset = UNSET,
) -> Response[list[ListStreamEventReload | ListStreamEventRunListed]]:
    """Follow the runs list

     A `run` event for every run created or changed (status, counts). Reconnect with
    `Last-Event-ID` to get what was missed; a `reload` event says the list must be fetched
    again because the missed events are no longer known.

    Args:
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[list[ListStreamEventReload | ListStreamEventRunListed]]
    """

    kwargs = _get_kwargs(
        last_event_id=last_event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    last_event_id: str | Unset = UNSET,
) -> list[ListStreamEventReload | ListStreamEventRunListed] | None:
    """Follow the runs list

     A `run` event for every run created or changed (status, counts). Reconnect with
    `Last-Event-ID` to get what was missed; a `reload` event says the list must be fetched
    again because the missed events are no longer known.

    Args:
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        list[ListStreamEventReload | ListStreamEventRunListed]
    """

    return (
        await asyncio_detailed(
            client=client,
            last_event_id=last_event_id,
        )
    ).parsed
