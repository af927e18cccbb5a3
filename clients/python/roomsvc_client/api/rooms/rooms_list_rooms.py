import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.room_page import RoomPage
from ...models.rooms_list_rooms_status_type_1 import RoomsListRoomsStatusType1
from ...models.rooms_list_rooms_status_type_2_type_1 import RoomsListRoomsStatusType2Type1
from ...models.rooms_list_rooms_status_type_3_type_1 import RoomsListRoomsStatusType3Type1
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    status: None
    | RoomsListRoomsStatusType1
    | RoomsListRoomsStatusType2Type1
    | RoomsListRoomsStatusType3Type1
    | Unset = UNSET,
    creator: None | str | Unset = UNSET,
    source_channel_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    name_prefix: None | str | Unset = UNSET,
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

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, RoomsListRoomsStatusType1):
        json_status = status.value
    elif isinstance(status, RoomsListRoomsStatusType2Type1):
        json_status = status.value
    elif isinstance(status, RoomsListRoomsStatusType3Type1):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_creator: None | str | Unset
    if isinstance(creator, Unset):
        json_creator = UNSET
    else:
        json_creator = creator
    params["creator"] = json_creator

    json_source_channel_id: None | str | Unset
    if isinstance(source_channel_id, Unset):
        json_source_channel_id = UNSET
    else:
        json_source_channel_id = source_channel_id
    params["source_channel_id"] = json_source_channel_id

    json_created_after: None | str | Unset
    if isinstance(created_after, Unset):
        json_created_after = UNSET
    elif isinstance(created_after, datetime.datetime):
        json_created_after = created_after.isoformat()
    else:
        json_created_after = created_after
    params["created_after"] = json_created_after

    json_created_before: None | str | Unset
    if isinstance(created_before, Unset):
        json_created_before = UNSET
    elif isinstance(created_before, datetime.datetime):
        json_created_before = created_before.isoformat()
    else:
        json_created_before = created_before
    params["created_before"] = json_created_before

    json_name_prefix: None | str | Unset
    if isinstance(name_prefix, Unset):
        json_name_prefix = UNSET
    else:
        json_name_prefix = name_prefix
    params["name_prefix"] = json_name_prefix

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/rooms",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RoomPage | None:
    if response.status_code == 200:
        response_200 = RoomPage.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | RoomPage]:
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
    status: None
    | RoomsListRoomsStatusType1
    | RoomsListRoomsStatusType2Type1
    | RoomsListRoomsStatusType3Type1
    | Unset = UNSET,
    creator: None | str | Unset = UNSET,
    source_channel_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    name_prefix: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[Problem | RoomPage]:
    """List rooms, newest first

    Args:
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        status (None | RoomsListRoomsStatusType1 | RoomsListRoomsStatusType2Type1 |
            RoomsListRoomsStatusType3Type1 | Unset):
        creator (None | str | Unset):
        source_channel_id (None | str | Unset):
        created_after (datetime.datetime | None | Unset):
        created_before (datetime.datetime | None | Unset):
        name_prefix (None | str | Unset): only rooms whose name starts with this (case-sensitive)
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RoomPage]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
        status=status,
        creator=creator,
        source_channel_id=source_channel_id,
        created_after=created_after,
        created_before=created_before,
        name_prefix=name_prefix,
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
    status: None
    | RoomsListRoomsStatusType1
    | RoomsListRoomsStatusType2Type1
    | RoomsListRoomsStatusType3Type1
    | Unset = UNSET,
    creator: None | str | Unset = UNSET,
    source_channel_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    name_prefix: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Problem | RoomPage | None:
    """List rooms, newest first

    Args:
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        status (None | RoomsListRoomsStatusType1 | RoomsListRoomsStatusType2Type1 |
            RoomsListRoomsStatusType3Type1 | Unset):
        creator (None | str | Unset):
        source_channel_id (None | str | Unset):
        created_after (datetime.datetime | None | Unset):
        created_before (datetime.datetime | None | Unset):
        name_prefix (None | str | Unset): only rooms whose name starts with this (case-sensitive)
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RoomPage
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        limit=limit,
        status=status,
        creator=creator,
        source_channel_id=source_channel_id,
        created_after=created_after,
        created_before=created_before,
        name_prefix=name_prefix,
        roomsvc_project=roomsvc_project,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    status: None
    | RoomsListRoomsStatusType1
    | RoomsListRoomsStatusType2Type1
    | RoomsListRoomsStatusType3Type1
    | Unset = UNSET,
    creator: None | str | Unset = UNSET,
    source_channel_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    name_prefix: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[Problem | RoomPage]:
    """List rooms, newest first

    Args:
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        status (None | RoomsListRoomsStatusType1 | RoomsListRoomsStatusType2Type1 |
            RoomsListRoomsStatusType3Type1 | Unset):
        creator (None | str | Unset):
        source_channel_id (None | str | Unset):
        created_after (datetime.datetime | None | Unset):
        created_before (datetime.datetime | None | Unset):
        name_prefix (None | str | Unset): only rooms whose name starts with this (case-sensitive)
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RoomPage]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
        status=status,
        creator=creator,
        source_channel_id=source_channel_id,
        created_after=created_after,
        created_before=created_before,
        name_prefix=name_prefix,
        roomsvc_project=roomsvc_project,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    status: None
    | RoomsListRoomsStatusType1
    | RoomsListRoomsStatusType2Type1
    | RoomsListRoomsStatusType3Type1
    | Unset = UNSET,
    creator: None | str | Unset = UNSET,
    source_channel_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    name_prefix: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Problem | RoomPage | None:
    """List rooms, newest first

    Args:
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        status (None | RoomsListRoomsStatusType1 | RoomsListRoomsStatusType2Type1 |
            RoomsListRoomsStatusType3Type1 | Unset):
        creator (None | str | Unset):
        source_channel_id (None | str | Unset):
        created_after (datetime.datetime | None | Unset):
        created_before (datetime.datetime | None | Unset):
        name_prefix (None | str | Unset): only rooms whose name starts with this (case-sensitive)
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RoomPage
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            limit=limit,
            status=status,
            creator=creator,
            source_channel_id=source_channel_id,
            created_after=created_after,
            created_before=created_before,
            name_prefix=name_prefix,
            roomsvc_project=roomsvc_project,
        )
    ).parsed
