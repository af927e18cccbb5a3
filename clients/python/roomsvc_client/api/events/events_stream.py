from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.event_type import EventType
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    room: None | str | Unset = UNSET,
    type_: EventType | None | Unset = UNSET,
    last_event_id: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(last_event_id, Unset):
        headers["Last-Event-ID"] = last_event_id

    if not isinstance(roomsvc_project, Unset):
        headers["Roomsvc-Project"] = roomsvc_project

    params: dict[str, Any] = {}

    json_room: None | str | Unset
    if isinstance(room, Unset):
        json_room = UNSET
    else:
        json_room = room
    params["room"] = json_room

    json_type_: None | str | Unset
    if isinstance(type_, Unset):
        json_type_ = UNSET
    elif isinstance(type_, EventType):
        json_type_ = type_.value
    else:
        json_type_ = type_
    params["type"] = json_type_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events/stream",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 502:
        response_502 = Problem.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    room: None | str | Unset = UNSET,
    type_: EventType | None | Unset = UNSET,
    last_event_id: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[Problem | str]:
    """Server-Sent Events, resumable with Last-Event-ID

    Args:
        room (None | str | Unset):
        type_ (EventType | None | Unset):
        last_event_id (None | str | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = _get_kwargs(
        room=room,
        type_=type_,
        last_event_id=last_event_id,
        roomsvc_project=roomsvc_project,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    room: None | str | Unset = UNSET,
    type_: EventType | None | Unset = UNSET,
    last_event_id: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Problem | str | None:
    """Server-Sent Events, resumable with Last-Event-ID

    Args:
        room (None | str | Unset):
        type_ (EventType | None | Unset):
        last_event_id (None | str | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return sync_detailed(
        client=client,
        room=room,
        type_=type_,
        last_event_id=last_event_id,
        roomsvc_project=roomsvc_project,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    room: None | str | Unset = UNSET,
    type_: EventType | None | Unset = UNSET,
    last_event_id: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[Problem | str]:
    """Server-Sent Events, resumable with Last-Event-ID

    Args:
        room (None | str | Unset):
        type_ (EventType | None | Unset):
        last_event_id (None | str | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = _get_kwargs(
        room=room,
        type_=type_,
        last_event_id=last_event_id,
        roomsvc_project=roomsvc_project,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    room: None | str | Unset = UNSET,
    type_: EventType | None | Unset = UNSET,
    last_event_id: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Problem | str | None:
    """Server-Sent Events, resumable with Last-Event-ID

    Args:
        room (None | str | Unset):
        type_ (EventType | None | Unset):
        last_event_id (None | str | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return (
        await asyncio_detailed(
            client=client,
            room=room,
            type_=type_,
            last_event_id=last_event_id,
            roomsvc_project=roomsvc_project,
        )
    ).parsed
