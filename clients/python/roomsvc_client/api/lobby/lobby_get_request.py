from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.join_request_out import JoinRequestOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    room: str,
    request_id: str,
    *,
    roomsvc_project: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(roomsvc_project, Unset):
        headers["Roomsvc-Project"] = roomsvc_project

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/rooms/{room}/join-requests/{request_id}".format(
            room=quote(str(room), safe=""),
            request_id=quote(str(request_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> JoinRequestOut | Problem | None:
    if response.status_code == 200:
        response_200 = JoinRequestOut.from_dict(response.json())

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
) -> Response[JoinRequestOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    room: str,
    request_id: str,
    *,
    client: AuthenticatedClient,
    roomsvc_project: str | Unset = UNSET,
) -> Response[JoinRequestOut | Problem]:
    """One join request: poll it until it is decided

    Args:
        room (str):
        request_id (str):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JoinRequestOut | Problem]
    """

    kwargs = _get_kwargs(
        room=room,
        request_id=request_id,
        roomsvc_project=roomsvc_project,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    room: str,
    request_id: str,
    *,
    client: AuthenticatedClient,
    roomsvc_project: str | Unset = UNSET,
) -> JoinRequestOut | Problem | None:
    """One join request: poll it until it is decided

    Args:
        room (str):
        request_id (str):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JoinRequestOut | Problem
    """

    return sync_detailed(
        room=room,
        request_id=request_id,
        client=client,
        roomsvc_project=roomsvc_project,
    ).parsed


async def asyncio_detailed(
    room: str,
    request_id: str,
    *,
    client: AuthenticatedClient,
    roomsvc_project: str | Unset = UNSET,
) -> Response[JoinRequestOut | Problem]:
    """One join request: poll it until it is decided

    Args:
        room (str):
        request_id (str):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[JoinRequestOut | Problem]
    """

    kwargs = _get_kwargs(
        room=room,
        request_id=request_id,
        roomsvc_project=roomsvc_project,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    room: str,
    request_id: str,
    *,
    client: AuthenticatedClient,
    roomsvc_project: str | Unset = UNSET,
) -> JoinRequestOut | Problem | None:
    """One join request: poll it until it is decided

    Args:
        room (str):
        request_id (str):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        JoinRequestOut | Problem
    """

    return (
        await asyncio_detailed(
            room=room,
            request_id=request_id,
            client=client,
            roomsvc_project=roomsvc_project,
        )
    ).parsed
