from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.join_request_list import JoinRequestList
from ...models.lobby_list_requests_status_type_1 import LobbyListRequestsStatusType1
from ...models.lobby_list_requests_status_type_2_type_1 import LobbyListRequestsStatusType2Type1
from ...models.lobby_list_requests_status_type_3_type_1 import LobbyListRequestsStatusType3Type1
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    room: str,
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    status: LobbyListRequestsStatusType1
    | LobbyListRequestsStatusType2Type1
    | LobbyListRequestsStatusType3Type1
    | None
    | Unset = UNSET,
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
    elif isinstance(status, LobbyListRequestsStatusType1):
        json_status = status.value
    elif isinstance(status, LobbyListRequestsStatusType2Type1):
        json_status = status.value
    elif isinstance(status, LobbyListRequestsStatusType3Type1):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/rooms/{room}/join-requests".format(
            room=quote(str(room), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> JoinRequestList | Problem | None:
    if response.status_code == 200:
        response_200 = JoinRequestList.from_dict(response.json())

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
) -> Response[JoinRequestList | Problem]:
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
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    status: LobbyListRequestsStatusType1
    | LobbyListRequestsStatusType2Type1
    | LobbyListRequestsStatusType3Type1
    | None
    | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[JoinRequestList | Problem]:
    """Join requests (knocks) in the order they were made (filter by status)

    Args:
        room (str):
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        status (LobbyListRequestsStatusType1 | LobbyListRequestsStatusType2Type1 |
            LobbyListRequestsStatusType3Type1 | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JoinRequestList | Problem]
    """

    kwargs = _get_kwargs(
        room=room,
        cursor=cursor,
        limit=limit,
        status=status,
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
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    status: LobbyListRequestsStatusType1
    | LobbyListRequestsStatusType2Type1
    | LobbyListRequestsStatusType3Type1
    | None
    | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> JoinRequestList | Problem | None:
    """Join requests (knocks) in the order they were made (filter by status)

    Args:
        room (str):
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        status (LobbyListRequestsStatusType1 | LobbyListRequestsStatusType2Type1 |
            LobbyListRequestsStatusType3Type1 | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JoinRequestList | Problem
    """

    return sync_detailed(
        room=room,
        client=client,
        cursor=cursor,
        limit=limit,
        status=status,
        roomsvc_project=roomsvc_project,
    ).parsed


async def asyncio_detailed(
    room: str,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    status: LobbyListRequestsStatusType1
    | LobbyListRequestsStatusType2Type1
    | LobbyListRequestsStatusType3Type1
    | None
    | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[JoinRequestList | Problem]:
    """Join requests (knocks) in the order they were made (filter by status)

    Args:
        room (str):
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        status (LobbyListRequestsStatusType1 | LobbyListRequestsStatusType2Type1 |
            LobbyListRequestsStatusType3Type1 | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JoinRequestList | Problem]
    """

    kwargs = _get_kwargs(
        room=room,
        cursor=cursor,
        limit=limit,
        status=status,
        roomsvc_project=roomsvc_project,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    room: str,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    status: LobbyListRequestsStatusType1
    | LobbyListRequestsStatusType2Type1
    | LobbyListRequestsStatusType3Type1
    | None
    | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> JoinRequestList | Problem | None:
    """Join requests (knocks) in the order they were made (filter by status)

    Args:
        room (str):
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        status (LobbyListRequestsStatusType1 | LobbyListRequestsStatusType2Type1 |
            LobbyListRequestsStatusType3Type1 | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JoinRequestList | Problem
    """

    return (
        await asyncio_detailed(
            room=room,
            client=client,
            cursor=cursor,
            limit=limit,
            status=status,
            roomsvc_project=roomsvc_project,
        )
    ).parsed
