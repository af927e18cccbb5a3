from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.usage_page import UsagePage
from ...models.usage_report_group_by import UsageReportGroupBy
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    group_by: UsageReportGroupBy | Unset = UsageReportGroupBy.DAY,
    room: None | str | Unset = UNSET,
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

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    else:
        json_to = to
    params["to"] = json_to

    json_group_by: str | Unset = UNSET
    if not isinstance(group_by, Unset):
        json_group_by = group_by.value

    params["group_by"] = json_group_by

    json_room: None | str | Unset
    if isinstance(room, Unset):
        json_room = UNSET
    else:
        json_room = room
    params["room"] = json_room

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/usage",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | UsagePage | None:
    if response.status_code == 200:
        response_200 = UsagePage.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | UsagePage]:
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
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    group_by: UsageReportGroupBy | Unset = UsageReportGroupBy.DAY,
    room: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[Problem | UsagePage]:
    """Participant-minutes, room-minutes and peak concurrency per day, room or project

     Computed from the call records over the half-open range `[from, to)`, at most 366 days (`to`
    defaults to now, `from` to 30 days before `to`). `group_by=day` lists every UTC day of the range
    (sessions that cross midnight are split), `room` the rooms with a call or a session in it, `project`
    the project (a `platform` caller naming no project in `Roomsvc-Project` gets one item per project).
    Sessions still open count up to `as_of`. `totals` covers the whole range on every page. docs/api.md,
    "Usage".

    Args:
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        from_ (None | str | Unset): start: a date (`2026-12-01`, midnight UTC) or an RFC 3339 time
            with its offset (`2026-12-01T09:30:00+01:00`)
        to (None | str | Unset): end (exclusive): a date (`2026-12-01`, midnight UTC) or an RFC
            3339 time with its offset (`2026-12-01T09:30:00+01:00`)
        group_by (UsageReportGroupBy | Unset):  Default: UsageReportGroupBy.DAY.
        room (None | str | Unset): only this room of the project
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UsagePage]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
        from_=from_,
        to=to,
        group_by=group_by,
        room=room,
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
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    group_by: UsageReportGroupBy | Unset = UsageReportGroupBy.DAY,
    room: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Problem | UsagePage | None:
    """Participant-minutes, room-minutes and peak concurrency per day, room or project

     Computed from the call records over the half-open range `[from, to)`, at most 366 days (`to`
    defaults to now, `from` to 30 days before `to`). `group_by=day` lists every UTC day of the range
    (sessions that cross midnight are split), `room` the rooms with a call or a session in it, `project`
    the project (a `platform` caller naming no project in `Roomsvc-Project` gets one item per project).
    Sessions still open count up to `as_of`. `totals` covers the whole range on every page. docs/api.md,
    "Usage".

    Args:
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        from_ (None | str | Unset): start: a date (`2026-12-01`, midnight UTC) or an RFC 3339 time
            with its offset (`2026-12-01T09:30:00+01:00`)
        to (None | str | Unset): end (exclusive): a date (`2026-12-01`, midnight UTC) or an RFC
            3339 time with its offset (`2026-12-01T09:30:00+01:00`)
        group_by (UsageReportGroupBy | Unset):  Default: UsageReportGroupBy.DAY.
        room (None | str | Unset): only this room of the project
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UsagePage
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        limit=limit,
        from_=from_,
        to=to,
        group_by=group_by,
        room=room,
        roomsvc_project=roomsvc_project,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    group_by: UsageReportGroupBy | Unset = UsageReportGroupBy.DAY,
    room: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[Problem | UsagePage]:
    """Participant-minutes, room-minutes and peak concurrency per day, room or project

     Computed from the call records over the half-open range `[from, to)`, at most 366 days (`to`
    defaults to now, `from` to 30 days before `to`). `group_by=day` lists every UTC day of the range
    (sessions that cross midnight are split), `room` the rooms with a call or a session in it, `project`
    the project (a `platform` caller naming no project in `Roomsvc-Project` gets one item per project).
    Sessions still open count up to `as_of`. `totals` covers the whole range on every page. docs/api.md,
    "Usage".

    Args:
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        from_ (None | str | Unset): start: a date (`2026-12-01`, midnight UTC) or an RFC 3339 time
            with its offset (`2026-12-01T09:30:00+01:00`)
        to (None | str | Unset): end (exclusive): a date (`2026-12-01`, midnight UTC) or an RFC
            3339 time with its offset (`2026-12-01T09:30:00+01:00`)
        group_by (UsageReportGroupBy | Unset):  Default: UsageReportGroupBy.DAY.
        room (None | str | Unset): only this room of the project
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UsagePage]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        limit=limit,
        from_=from_,
        to=to,
        group_by=group_by,
        room=room,
        roomsvc_project=roomsvc_project,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
    group_by: UsageReportGroupBy | Unset = UsageReportGroupBy.DAY,
    room: None | str | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Problem | UsagePage | None:
    """Participant-minutes, room-minutes and peak concurrency per day, room or project

     Computed from the call records over the half-open range `[from, to)`, at most 366 days (`to`
    defaults to now, `from` to 30 days before `to`). `group_by=day` lists every UTC day of the range
    (sessions that cross midnight are split), `room` the rooms with a call or a session in it, `project`
    the project (a `platform` caller naming no project in `Roomsvc-Project` gets one item per project).
    Sessions still open count up to `as_of`. `totals` covers the whole range on every page. docs/api.md,
    "Usage".

    Args:
        cursor (None | str | Unset):
        limit (int | Unset): page size, 1-100 Default: 50.
        from_ (None | str | Unset): start: a date (`2026-12-01`, midnight UTC) or an RFC 3339 time
            with its offset (`2026-12-01T09:30:00+01:00`)
        to (None | str | Unset): end (exclusive): a date (`2026-12-01`, midnight UTC) or an RFC
            3339 time with its offset (`2026-12-01T09:30:00+01:00`)
        group_by (UsageReportGroupBy | Unset):  Default: UsageReportGroupBy.DAY.
        room (None | str | Unset): only this room of the project
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UsagePage
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            limit=limit,
            from_=from_,
            to=to,
            group_by=group_by,
            room=room,
            roomsvc_project=roomsvc_project,
        )
    ).parsed
