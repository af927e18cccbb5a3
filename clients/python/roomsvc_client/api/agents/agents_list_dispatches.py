from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.agents_list_dispatches_state_type_1 import AgentsListDispatchesStateType1
from ...models.agents_list_dispatches_state_type_2_type_1 import AgentsListDispatchesStateType2Type1
from ...models.agents_list_dispatches_state_type_3_type_1 import AgentsListDispatchesStateType3Type1
from ...models.dispatch_list import DispatchList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    room: str,
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    state: AgentsListDispatchesStateType1
    | AgentsListDispatchesStateType2Type1
    | AgentsListDispatchesStateType3Type1
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

    json_state: None | str | Unset
    if isinstance(state, Unset):
        json_state = UNSET
    elif isinstance(state, AgentsListDispatchesStateType1):
        json_state = state.value
    elif isinstance(state, AgentsListDispatchesStateType2Type1):
        json_state = state.value
    elif isinstance(state, AgentsListDispatchesStateType3Type1):
        json_state = state.value
    else:
        json_state = state
    params["state"] = json_state

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/rooms/{room}/agents".format(
            room=quote(str(room), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DispatchList | Problem | None:
    if response.status_code == 200:
        response_200 = DispatchList.from_dict(response.json())

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
) -> Response[DispatchList | Problem]:
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
    state: AgentsListDispatchesStateType1
    | AgentsListDispatchesStateType2Type1
    | AgentsListDispatchesStateType3Type1
    | None
    | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[DispatchList | Problem]:
    """The room's agent dispatches, newest first, with LiveKit's state

    Args:
        room (str):
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        state (AgentsListDispatchesStateType1 | AgentsListDispatchesStateType2Type1 |
            AgentsListDispatchesStateType3Type1 | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DispatchList | Problem]
    """

    kwargs = _get_kwargs(
        room=room,
        cursor=cursor,
        limit=limit,
        state=state,
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
    state: AgentsListDispatchesStateType1
    | AgentsListDispatchesStateType2Type1
    | AgentsListDispatchesStateType3Type1
    | None
    | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> DispatchList | Problem | None:
    """The room's agent dispatches, newest first, with LiveKit's state

    Args:
        room (str):
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        state (AgentsListDispatchesStateType1 | AgentsListDispatchesStateType2Type1 |
            AgentsListDispatchesStateType3Type1 | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DispatchList | Problem
    """

    return sync_detailed(
        room=room,
        client=client,
        cursor=cursor,
        limit=limit,
        state=state,
        roomsvc_project=roomsvc_project,
    ).parsed


async def asyncio_detailed(
    room: str,
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    state: AgentsListDispatchesStateType1
    | AgentsListDispatchesStateType2Type1
    | AgentsListDispatchesStateType3Type1
    | None
    | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[DispatchList | Problem]:
    """The room's agent dispatches, newest first, with LiveKit's state

    Args:
        room (str):
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        state (AgentsListDispatchesStateType1 | AgentsListDispatchesStateType2Type1 |
            AgentsListDispatchesStateType3Type1 | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DispatchList | Problem]
    """

    kwargs = _get_kwargs(
        room=room,
        cursor=cursor,
        limit=limit,
        state=state,
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
    state: AgentsListDispatchesStateType1
    | AgentsListDispatchesStateType2Type1
    | AgentsListDispatchesStateType3Type1
    | None
    | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> DispatchList | Problem | None:
    """The room's agent dispatches, newest first, with LiveKit's state

    Args:
        room (str):
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        state (AgentsListDispatchesStateType1 | AgentsListDispatchesStateType2Type1 |
            AgentsListDispatchesStateType3Type1 | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DispatchList | Problem
    """

    return (
        await asyncio_detailed(
            room=room,
            client=client,
            cursor=cursor,
            limit=limit,
            state=state,
            roomsvc_project=roomsvc_project,
        )
    ).parsed
