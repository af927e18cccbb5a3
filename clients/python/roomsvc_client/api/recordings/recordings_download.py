from http import HTTPStatus
from io import BytesIO
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    recording_id: str,
    *,
    file: None | str | Unset = UNSET,
    redirect: bool | Unset = False,
    roomsvc_project: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(roomsvc_project, Unset):
        headers["Roomsvc-Project"] = roomsvc_project

    params: dict[str, Any] = {}

    json_file: None | str | Unset
    if isinstance(file, Unset):
        json_file = UNSET
    else:
        json_file = file
    params["file"] = json_file

    params["redirect"] = redirect

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/recordings/{recording_id}/file".format(
            recording_id=quote(str(recording_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | File | Problem | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 206:
        response_206 = File(payload=BytesIO(response.content))

        return response_206

    if response.status_code == 307:
        response_307 = cast(Any, None)
        return response_307

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

    if response.status_code == 416:
        response_416 = Problem.from_dict(response.json())

        return response_416

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
) -> Response[Any | File | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    recording_id: str,
    *,
    client: AuthenticatedClient,
    file: None | str | Unset = UNSET,
    redirect: bool | Unset = False,
    roomsvc_project: str | Unset = UNSET,
) -> Response[Any | File | Problem]:
    """Download a file of the recording (HTTP Range; `redirect=true`: a presigned S3 URL)

    Args:
        recording_id (str):
        file (None | str | Unset): file id, when the recording has several (default: the only one)
        redirect (bool | Unset): answer 307 to a presigned URL (S3 storage; ignored for local
            storage) Default: False.
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | File | Problem]
    """

    kwargs = _get_kwargs(
        recording_id=recording_id,
        file=file,
        redirect=redirect,
        roomsvc_project=roomsvc_project,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    recording_id: str,
    *,
    client: AuthenticatedClient,
    file: None | str | Unset = UNSET,
    redirect: bool | Unset = False,
    roomsvc_project: str | Unset = UNSET,
) -> Any | File | Problem | None:
    """Download a file of the recording (HTTP Range; `redirect=true`: a presigned S3 URL)

    Args:
        recording_id (str):
        file (None | str | Unset): file id, when the recording has several (default: the only one)
        redirect (bool | Unset): answer 307 to a presigned URL (S3 storage; ignored for local
            storage) Default: False.
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | File | Problem
    """

    return sync_detailed(
        recording_id=recording_id,
        client=client,
        file=file,
        redirect=redirect,
        roomsvc_project=roomsvc_project,
    ).parsed


async def asyncio_detailed(
    recording_id: str,
    *,
    client: AuthenticatedClient,
    file: None | str | Unset = UNSET,
    redirect: bool | Unset = False,
    roomsvc_project: str | Unset = UNSET,
) -> Response[Any | File | Problem]:
    """Download a file of the recording (HTTP Range; `redirect=true`: a presigned S3 URL)

    Args:
        recording_id (str):
        file (None | str | Unset): file id, when the recording has several (default: the only one)
        redirect (bool | Unset): answer 307 to a presigned URL (S3 storage; ignored for local
            storage) Default: False.
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | File | Problem]
    """

    kwargs = _get_kwargs(
        recording_id=recording_id,
        file=file,
        redirect=redirect,
        roomsvc_project=roomsvc_project,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    recording_id: str,
    *,
    client: AuthenticatedClient,
    file: None | str | Unset = UNSET,
    redirect: bool | Unset = False,
    roomsvc_project: str | Unset = UNSET,
) -> Any | File | Problem | None:
    """Download a file of the recording (HTTP Range; `redirect=true`: a presigned S3 URL)

    Args:
        recording_id (str):
        file (None | str | Unset): file id, when the recording has several (default: the only one)
        redirect (bool | Unset): answer 307 to a presigned URL (S3 storage; ignored for local
            storage) Default: False.
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | File | Problem
    """

    return (
        await asyncio_detailed(
            recording_id=recording_id,
            client=client,
            file=file,
            redirect=redirect,
            roomsvc_project=roomsvc_project,
        )
    ).parsed
