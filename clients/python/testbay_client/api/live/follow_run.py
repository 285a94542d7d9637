from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.run_stream_event_log_appended import RunStreamEventLogAppended
from ...models.run_stream_event_run_changed import RunStreamEventRunChanged
from ...models.run_stream_event_test_finished import RunStreamEventTestFinished
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: int,
    *,
    last_event_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(last_event_id, Unset):
        headers["Last-Event-ID"] = last_event_id

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/runs/{id}/events".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[RunStreamEventLogAppended | RunStreamEventRunChanged | RunStreamEventTestFinished] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.text
        for response_200_item_data in _response_200:

            def _parse_response_200_item(
                data: object,
            ) -> RunStreamEventLogAppended | RunStreamEventRunChanged | RunStreamEventTestFinished:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_run_stream_event_type_0 = RunStreamEventRunChanged.from_dict(data)

                    return componentsschemas_run_stream_event_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_run_stream_event_type_1 = RunStreamEventTestFinished.from_dict(data)

                    return componentsschemas_run_stream_event_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_run_stream_event_type_2 = RunStreamEventLogAppended.from_dict(data)

                return componentsschemas_run_stream_event_type_2

            response_200_item = _parse_response_200_item(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | list[RunStreamEventLogAppended | RunStreamEventRunChanged | RunStreamEventTestFinished]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: int,
    *,
    client: AuthenticatedClient | Client,
    last_event_id: str | Unset = UNSET,
) -> Response[Problem | list[RunStreamEventLogAppended | RunStreamEventRunChanged | RunStreamEventTestFinished]]:
    """Follow a run

     The run's state, test results and log text as they happen. Event ids are the run's
    sequence numbers: reconnect with `Last-Event-ID` to continue after the last one seen.
    Without it the stream starts from the beginning, so it also replays a finished run.

    Args:
        id (int):
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[RunStreamEventLogAppended | RunStreamEventRunChanged | RunStreamEventTestFinished]]
    """

    kwargs = _get_kwargs(
        id=id,
        last_event_id=last_event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient | Client,
    last_event_id: str | Unset = UNSET,
) -> Problem | list[RunStreamEventLogAppended | RunStreamEventRunChanged | RunStreamEventTestFinished] | None:
    """Follow a run

     The run's state, test results and log text as they happen. Event ids are the run's
    sequence numbers: reconnect with `Last-Event-ID` to continue after the last one seen.
    Without it the stream starts from the beginning, so it also replays a finished run.

    Args:
        id (int):
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[RunStreamEventLogAppended | RunStreamEventRunChanged | RunStreamEventTestFinished]
    """

    return sync_detailed(
        id=id,
        client=client,
        last_event_id=last_event_id,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient | Client,
    last_event_id: str | Unset = UNSET,
) -> Response[Problem | list[RunStreamEventLogAppended | RunStreamEventRunChanged | RunStreamEventTestFinished]]:
    """Follow a run

     The run's state, test results and log text as they happen. Event ids are the run's
    sequence numbers: reconnect with `Last-Event-ID` to continue after the last one seen.
    Without it the stream starts from the beginning, so it also replays a finished run.

    Args:
        id (int):
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[RunStreamEventLogAppended | RunStreamEventRunChanged | RunStreamEventTestFinished]]
    """

    kwargs = _get_kwargs(
        id=id,
        last_event_id=last_event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient | Client,
    last_event_id: str | Unset = UNSET,
) -> Problem | list[RunStreamEventLogAppended | RunStreamEventRunChanged | RunStreamEventTestFinished] | None:
    """Follow a run

     The run's state, test results and log text as they happen. Event ids are the run's
    sequence numbers: reconnect with `Last-Event-ID` to continue after the last one seen.
    Without it the stream starts from the beginning, so it also replays a finished run.

    Args:
        id (int):
        last_event_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[RunStreamEventLogAppended | RunStreamEventRunChanged | RunStreamEventTestFinished]
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            last_event_id=last_event_id,
        )
    ).parsed
