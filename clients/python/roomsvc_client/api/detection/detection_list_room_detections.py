import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.detection_list_room_detections_kind_type_1 import DetectionListRoomDetectionsKindType1
from ...models.detection_list_room_detections_kind_type_2_type_1 import DetectionListRoomDetectionsKindType2Type1
from ...models.detection_list_room_detections_kind_type_3_type_1 import DetectionListRoomDetectionsKindType3Type1
from ...models.detection_list_room_detections_state_type_1 import DetectionListRoomDetectionsStateType1
from ...models.detection_list_room_detections_state_type_2_type_1 import DetectionListRoomDetectionsStateType2Type1
from ...models.detection_list_room_detections_state_type_3_type_1 import DetectionListRoomDetectionsStateType3Type1
from ...models.detection_page import DetectionPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    room: str,
    *,
    identity: None | str | Unset = UNSET,
    state: DetectionListRoomDetectionsStateType1
    | DetectionListRoomDetectionsStateType2Type1
    | DetectionListRoomDetectionsStateType3Type1
    | None
    | Unset = UNSET,
    kind: DetectionListRoomDetectionsKindType1
    | DetectionListRoomDetectionsKindType2Type1
    | DetectionListRoomDetectionsKindType3Type1
    | None
    | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    roomsvc_project: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(roomsvc_project, Unset):
        headers["Roomsvc-Project"] = roomsvc_project

    params: dict[str, Any] = {}

    json_identity: None | str | Unset
    if isinstance(identity, Unset):
        json_identity = UNSET
    else:
        json_identity = identity
    params["identity"] = json_identity

    json_state: None | str | Unset
    if isinstance(state, Unset):
        json_state = UNSET
    elif isinstance(state, DetectionListRoomDetectionsStateType1):
        json_state = state.value
    elif isinstance(state, DetectionListRoomDetectionsStateType2Type1):
        json_state = state.value
    elif isinstance(state, DetectionListRoomDetectionsStateType3Type1):
        json_state = state.value
    else:
        json_state = state
    params["state"] = json_state

    json_kind: None | str | Unset
    if isinstance(kind, Unset):
        json_kind = UNSET
    elif isinstance(kind, DetectionListRoomDetectionsKindType1):
        json_kind = kind.value
    elif isinstance(kind, DetectionListRoomDetectionsKindType2Type1):
        json_kind = kind.value
    elif isinstance(kind, DetectionListRoomDetectionsKindType3Type1):
        json_kind = kind.value
    else:
        json_kind = kind
    params["kind"] = json_kind

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    elif isinstance(since, datetime.datetime):
        json_since = since.isoformat()
    else:
        json_since = since
    params["since"] = json_since

    json_until: None | str | Unset
    if isinstance(until, Unset):
        json_until = UNSET
    elif isinstance(until, datetime.datetime):
        json_until = until.isoformat()
    else:
        json_until = until
    params["until"] = json_until

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/rooms/{room}/detections".format(
            room=quote(str(room), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DetectionPage | Problem | None:
    if response.status_code == 200:
        response_200 = DetectionPage.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DetectionPage | Problem]:
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
    identity: None | str | Unset = UNSET,
    state: DetectionListRoomDetectionsStateType1
    | DetectionListRoomDetectionsStateType2Type1
    | DetectionListRoomDetectionsStateType3Type1
    | None
    | Unset = UNSET,
    kind: DetectionListRoomDetectionsKindType1
    | DetectionListRoomDetectionsKindType2Type1
    | DetectionListRoomDetectionsKindType3Type1
    | None
    | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    roomsvc_project: str | Unset = UNSET,
) -> Response[DetectionPage | Problem]:
    """Scored windows of the room, newest first

    Args:
        room (str):
        identity (None | str | Unset):
        state (DetectionListRoomDetectionsStateType1 | DetectionListRoomDetectionsStateType2Type1
            | DetectionListRoomDetectionsStateType3Type1 | None | Unset):
        kind (DetectionListRoomDetectionsKindType1 | DetectionListRoomDetectionsKindType2Type1 |
            DetectionListRoomDetectionsKindType3Type1 | None | Unset):
        since (datetime.datetime | None | Unset):
        until (datetime.datetime | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DetectionPage | Problem]
    """

    kwargs = _get_kwargs(
        room=room,
        identity=identity,
        state=state,
        kind=kind,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
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
    identity: None | str | Unset = UNSET,
    state: DetectionListRoomDetectionsStateType1
    | DetectionListRoomDetectionsStateType2Type1
    | DetectionListRoomDetectionsStateType3Type1
    | None
    | Unset = UNSET,
    kind: DetectionListRoomDetectionsKindType1
    | DetectionListRoomDetectionsKindType2Type1
    | DetectionListRoomDetectionsKindType3Type1
    | None
    | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    roomsvc_project: str | Unset = UNSET,
) -> DetectionPage | Problem | None:
    """Scored windows of the room, newest first

    Args:
        room (str):
        identity (None | str | Unset):
        state (DetectionListRoomDetectionsStateType1 | DetectionListRoomDetectionsStateType2Type1
            | DetectionListRoomDetectionsStateType3Type1 | None | Unset):
        kind (DetectionListRoomDetectionsKindType1 | DetectionListRoomDetectionsKindType2Type1 |
            DetectionListRoomDetectionsKindType3Type1 | None | Unset):
        since (datetime.datetime | None | Unset):
        until (datetime.datetime | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DetectionPage | Problem
    """

    return sync_detailed(
        room=room,
        client=client,
        identity=identity,
        state=state,
        kind=kind,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
        roomsvc_project=roomsvc_project,
    ).parsed


async def asyncio_detailed(
    room: str,
    *,
    client: AuthenticatedClient,
    identity: None | str | Unset = UNSET,
    state: DetectionListRoomDetectionsStateType1
    | DetectionListRoomDetectionsStateType2Type1
    | DetectionListRoomDetectionsStateType3Type1
    | None
    | Unset = UNSET,
    kind: DetectionListRoomDetectionsKindType1
    | DetectionListRoomDetectionsKindType2Type1
    | DetectionListRoomDetectionsKindType3Type1
    | None
    | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    roomsvc_project: str | Unset = UNSET,
) -> Response[DetectionPage | Problem]:
    """Scored windows of the room, newest first

    Args:
        room (str):
        identity (None | str | Unset):
        state (DetectionListRoomDetectionsStateType1 | DetectionListRoomDetectionsStateType2Type1
            | DetectionListRoomDetectionsStateType3Type1 | None | Unset):
        kind (DetectionListRoomDetectionsKindType1 | DetectionListRoomDetectionsKindType2Type1 |
            DetectionListRoomDetectionsKindType3Type1 | None | Unset):
        since (datetime.datetime | None | Unset):
        until (datetime.datetime | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DetectionPage | Problem]
    """

    kwargs = _get_kwargs(
        room=room,
        identity=identity,
        state=state,
        kind=kind,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
        roomsvc_project=roomsvc_project,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    room: str,
    *,
    client: AuthenticatedClient,
    identity: None | str | Unset = UNSET,
    state: DetectionListRoomDetectionsStateType1
    | DetectionListRoomDetectionsStateType2Type1
    | DetectionListRoomDetectionsStateType3Type1
    | None
    | Unset = UNSET,
    kind: DetectionListRoomDetectionsKindType1
    | DetectionListRoomDetectionsKindType2Type1
    | DetectionListRoomDetectionsKindType3Type1
    | None
    | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    roomsvc_project: str | Unset = UNSET,
) -> DetectionPage | Problem | None:
    """Scored windows of the room, newest first

    Args:
        room (str):
        identity (None | str | Unset):
        state (DetectionListRoomDetectionsStateType1 | DetectionListRoomDetectionsStateType2Type1
            | DetectionListRoomDetectionsStateType3Type1 | None | Unset):
        kind (DetectionListRoomDetectionsKindType1 | DetectionListRoomDetectionsKindType2Type1 |
            DetectionListRoomDetectionsKindType3Type1 | None | Unset):
        since (datetime.datetime | None | Unset):
        until (datetime.datetime | None | Unset):
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DetectionPage | Problem
    """

    return (
        await asyncio_detailed(
            room=room,
            client=client,
            identity=identity,
            state=state,
            kind=kind,
            since=since,
            until=until,
            cursor=cursor,
            limit=limit,
            roomsvc_project=roomsvc_project,
        )
    ).parsed
