from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.model_out import ModelOut
from ...models.model_update import ModelUpdate
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    model_id: int,
    *,
    body: ModelUpdate,
    roomsvc_project: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(roomsvc_project, Unset):
        headers["Roomsvc-Project"] = roomsvc_project

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/detection/models/{model_id}".format(
            model_id=quote(str(model_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ModelOut | Problem | None:
    if response.status_code == 200:
        response_200 = ModelOut.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ModelOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    model_id: int,
    *,
    client: AuthenticatedClient,
    body: ModelUpdate,
    roomsvc_project: str | Unset = UNSET,
) -> Response[ModelOut | Problem]:
    """Activate/deactivate, change thresholds or track-level alerting

    Args:
        model_id (int):
        roomsvc_project (str | Unset):
        body (ModelUpdate): Changing ``thresholds`` or ``alerting`` voids a validation measured
            with the old values (the gate
                then refuses automatic actions until the model is evaluated again).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelOut | Problem]
    """

    kwargs = _get_kwargs(
        model_id=model_id,
        body=body,
        roomsvc_project=roomsvc_project,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    model_id: int,
    *,
    client: AuthenticatedClient,
    body: ModelUpdate,
    roomsvc_project: str | Unset = UNSET,
) -> ModelOut | Problem | None:
    """Activate/deactivate, change thresholds or track-level alerting

    Args:
        model_id (int):
        roomsvc_project (str | Unset):
        body (ModelUpdate): Changing ``thresholds`` or ``alerting`` voids a validation measured
            with the old values (the gate
                then refuses automatic actions until the model is evaluated again).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelOut | Problem
    """

    return sync_detailed(
        model_id=model_id,
        client=client,
        body=body,
        roomsvc_project=roomsvc_project,
    ).parsed


async def asyncio_detailed(
    model_id: int,
    *,
    client: AuthenticatedClient,
    body: ModelUpdate,
    roomsvc_project: str | Unset = UNSET,
) -> Response[ModelOut | Problem]:
    """Activate/deactivate, change thresholds or track-level alerting

    Args:
        model_id (int):
        roomsvc_project (str | Unset):
        body (ModelUpdate): Changing ``thresholds`` or ``alerting`` voids a validation measured
            with the old values (the gate
                then refuses automatic actions until the model is evaluated again).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelOut | Problem]
    """

    kwargs = _get_kwargs(
        model_id=model_id,
        body=body,
        roomsvc_project=roomsvc_project,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    model_id: int,
    *,
    client: AuthenticatedClient,
    body: ModelUpdate,
    roomsvc_project: str | Unset = UNSET,
) -> ModelOut | Problem | None:
    """Activate/deactivate, change thresholds or track-level alerting

    Args:
        model_id (int):
        roomsvc_project (str | Unset):
        body (ModelUpdate): Changing ``thresholds`` or ``alerting`` voids a validation measured
            with the old values (the gate
                then refuses automatic actions until the model is evaluated again).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelOut | Problem
    """

    return (
        await asyncio_detailed(
            model_id=model_id,
            client=client,
            body=body,
            roomsvc_project=roomsvc_project,
        )
    ).parsed
