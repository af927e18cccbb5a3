import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.call_page import CallPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    room: None | str | Unset = UNSET,
    identity: None | str | Unset = UNSET,
    started_after: datetime.datetime | None | Unset = UNSET,
    started_before: datetime.datetime | None | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(roomsvc_project, Unset):
        headers["Roomsvc-Project"] = roomsvc_project

    params: dict[str, Any] = {}

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    json_room: None | str | Unset
    if isinstance(room, Unset):
        json_room = UNSET
    else:
        json_room = room
    params["room"] = json_room

    json_identity: None | str | Unset
    if isinstance(identity, Unset):
        json_identity = UNSET
    else:
        json_identity = identity
    params["identity"] = json_identity

    json_started_after: None | str | Unset
    if isinstance(started_after, Unset):
        json_started_after = UNSET
    elif isinstance(started_after, datetime.datetime):
        json_started_after = started_after.isoformat()
    else:
        json_started_after = started_after
    params["started_after"] = json_started_after

    json_started_before: None | str | Unset
    if isinstance(started_before, Unset):
        json_started_before = UNSET
    elif isinstance(started_before, datetime.datetime):
        json_started_before = started_before.isoformat()
    else:
        json_started_before = started_before
    params["started_before"] = json_started_before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/calls",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CallPage | Problem | None:
    if response.status_code == 200:
        response_200 = CallPage.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CallPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    room: None | str | Unset = UNSET,
    identity: None | str | Unset = UNSET,
    started_after: datetime.datetime | None | Unset = UNSET,
    started_before: datetime.datetime | None | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[CallPage | Problem]:
    """Call records (room sessions), newest first

    Args:
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        room (None | str | Unset):
        identity (None | str | Unset):
        started_after (datetime.datetime | None | Unset):
        started_before (datetime.datetime | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallPage | Problem]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
        room=room,
        identity=identity,
        started_after=started_after,
        started_before=started_before,
        roomsvc_project=roomsvc_project,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    room: None | str | Unset = UNSET,
    identity: None | str | Unset = UNSET,
    started_after: datetime.datetime | None | Unset = UNSET,
    started_before: datetime.datetime | None | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> CallPage | Problem | None:
    """Call records (room sessions), newest first

    Args:
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        room (None | str | Unset):
        identity (None | str | Unset):
        started_after (datetime.datetime | None | Unset):
        started_before (datetime.datetime | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallPage | Problem
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        limit=limit,
        room=room,
        identity=identity,
        started_after=started_after,
        started_before=started_before,
        roomsvc_project=roomsvc_project,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    room: None | str | Unset = UNSET,
    identity: None | str | Unset = UNSET,
    started_after: datetime.datetime | None | Unset = UNSET,
    started_before: datetime.datetime | None | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[CallPage | Problem]:
    """Call records (room sessions), newest first

    Args:
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        room (None | str | Unset):
        identity (None | str | Unset):
        started_after (datetime.datetime | None | Unset):
        started_before (datetime.datetime | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallPage | Problem]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
        room=room,
        identity=identity,
        started_after=started_after,
        started_before=started_before,
        roomsvc_project=roomsvc_project,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    room: None | str | Unset = UNSET,
    identity: None | str | Unset = UNSET,
    started_after: datetime.datetime | None | Unset = UNSET,
    started_before: datetime.datetime | None | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> CallPage | Problem | None:
    """Call records (room sessions), newest first

    Args:
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        room (None | str | Unset):
        identity (None | str | Unset):
        started_after (datetime.datetime | None | Unset):
        started_before (datetime.datetime | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            limit=limit,
            room=room,
            identity=identity,
            started_after=started_after,
            started_before=started_before,
            roomsvc_project=roomsvc_project,
        )
    ).parsed
