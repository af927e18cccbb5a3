from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.detection_list_models_kind_type_1 import DetectionListModelsKindType1
from ...models.detection_list_models_kind_type_2_type_1 import DetectionListModelsKindType2Type1
from ...models.detection_list_models_kind_type_3_type_1 import DetectionListModelsKindType3Type1
from ...models.model_list import ModelList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    kind: DetectionListModelsKindType1
    | DetectionListModelsKindType2Type1
    | DetectionListModelsKindType3Type1
    | None
    | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(roomsvc_project, Unset):
        headers["Roomsvc-Project"] = roomsvc_project

    params: dict[str, Any] = {}

    json_kind: None | str | Unset
    if isinstance(kind, Unset):
        json_kind = UNSET
    elif isinstance(kind, DetectionListModelsKindType1):
        json_kind = kind.value
    elif isinstance(kind, DetectionListModelsKindType2Type1):
        json_kind = kind.value
    elif isinstance(kind, DetectionListModelsKindType3Type1):
        json_kind = kind.value
    else:
        json_kind = kind
    params["kind"] = json_kind

    json_active: bool | None | Unset
    if isinstance(active, Unset):
        json_active = UNSET
    else:
        json_active = active
    params["active"] = json_active

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/detection/models",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ModelList | Problem | None:
    if response.status_code == 200:
        response_200 = ModelList.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ModelList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    kind: DetectionListModelsKindType1
    | DetectionListModelsKindType2Type1
    | DetectionListModelsKindType3Type1
    | None
    | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[ModelList | Problem]:
    """The model registry

    Args:
        kind (DetectionListModelsKindType1 | DetectionListModelsKindType2Type1 |
            DetectionListModelsKindType3Type1 | None | Unset):
        active (bool | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelList | Problem]
    """

    kwargs = _get_kwargs(
        kind=kind,
        active=active,
        roomsvc_project=roomsvc_project,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    kind: DetectionListModelsKindType1
    | DetectionListModelsKindType2Type1
    | DetectionListModelsKindType3Type1
    | None
    | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> ModelList | Problem | None:
    """The model registry

    Args:
        kind (DetectionListModelsKindType1 | DetectionListModelsKindType2Type1 |
            DetectionListModelsKindType3Type1 | None | Unset):
        active (bool | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelList | Problem
    """

    return sync_detailed(
        client=client,
        kind=kind,
        active=active,
        roomsvc_project=roomsvc_project,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    kind: DetectionListModelsKindType1
    | DetectionListModelsKindType2Type1
    | DetectionListModelsKindType3Type1
    | None
    | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> Response[ModelList | Problem]:
    """The model registry

    Args:
        kind (DetectionListModelsKindType1 | DetectionListModelsKindType2Type1 |
            DetectionListModelsKindType3Type1 | None | Unset):
        active (bool | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelList | Problem]
    """

    kwargs = _get_kwargs(
        kind=kind,
        active=active,
        roomsvc_project=roomsvc_project,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    kind: DetectionListModelsKindType1
    | DetectionListModelsKindType2Type1
    | DetectionListModelsKindType3Type1
    | None
    | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    roomsvc_project: str | Unset = UNSET,
) -> ModelList | Problem | None:
    """The model registry

    Args:
        kind (DetectionListModelsKindType1 | DetectionListModelsKindType2Type1 |
            DetectionListModelsKindType3Type1 | None | Unset):
        active (bool | None | Unset):
        roomsvc_project (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            kind=kind,
            active=active,
            roomsvc_project=roomsvc_project,
        )
    ).parsed
