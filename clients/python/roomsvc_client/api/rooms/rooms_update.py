from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.room_out import RoomOut
from ...models.room_update import RoomUpdate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    room: str,
    *,
    body: RoomUpdate,
    roomsvc_project: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(roomsvc_project, Unset):
        headers["Roomsvc-Project"] = roomsvc_project

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/rooms/{room}".format(
            room=quote(str(room), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RoomOut | None:
    if response.status_code == 200:
        response_200 = RoomOut.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 410:
        response_410 = Problem.from_dict(response.json())

        return response_410

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | RoomOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    room: str,
    *,
    client: AuthenticatedClient,
    body: RoomUpdate,
    roomsvc_project: str | Unset = UNSET,
) -> Response[Problem | RoomOut]:
    """Update metadata (live), max_participants, the schedule; lock, reopen or end the room

    Args:
        room (str):
        roomsvc_project (str | Unset):
        body (RoomUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RoomOut]
    """

    kwargs = _get_kwargs(
        room=room,
        body=body,
        roomsvc_project=roomsvc_project,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    room: str,
    *,
    client: AuthenticatedClient,
    body: RoomUpdate,
    roomsvc_project: str | Unset = UNSET,
) -> Problem | RoomOut | None:
    """Update metadata (live), max_participants, the schedule; lock, reopen or end the room

    Args:
        room (str):
        roomsvc_project (str | Unset):
        body (RoomUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RoomOut
    """

    return sync_detailed(
        room=room,
        client=client,
        body=body,
        roomsvc_project=roomsvc_project,
    ).parsed


async def asyncio_detailed(
    room: str,
    *,
    client: AuthenticatedClient,
    body: RoomUpdate,
    roomsvc_project: str | Unset = UNSET,
) -> Response[Problem | RoomOut]:
    """Update metadata (live), max_participants, the schedule; lock, reopen or end the room

    Args:
        room (str):
        roomsvc_project (str | Unset):
        body (RoomUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RoomOut]
    """

    kwargs = _get_kwargs(
        room=room,
        body=body,
        roomsvc_project=roomsvc_project,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    room: str,
    *,
    client: AuthenticatedClient,
    body: RoomUpdate,
    roomsvc_project: str | Unset = UNSET,
) -> Problem | RoomOut | None:
    """Update metadata (live), max_participants, the schedule; lock, reopen or end the room

    Args:
        room (str):
        roomsvc_project (str | Unset):
        body (RoomUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RoomOut
    """

    return (
        await asyncio_detailed(
            room=room,
            client=client,
            body=body,
            roomsvc_project=roomsvc_project,
        )
    ).parsed
