from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.seat_invited_params import SeatInvitedParams


T = TypeVar("T", bound="SeatRequestInvitedData")


@_attrs_define
class SeatRequestInvitedData:
    """
    Attributes:
        actor (None | str): the identity that acted, or null (the system, or an admin-scope caller)
        params (SeatInvitedParams):
        reason (str):
        target (str):
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    actor: None | str
    params: SeatInvitedParams
    reason: str
    target: str
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actor: None | str
        actor = self.actor

        params = self.params.to_dict()

        reason = self.reason

        target = self.target

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actor": actor,
                "params": params,
                "reason": reason,
                "target": target,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.seat_invited_params import SeatInvitedParams  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))

        params = SeatInvitedParams.from_dict(d.pop("params"))

        reason = d.pop("reason")

        target = d.pop("target")

        request_id = d.pop("request_id", UNSET)

        seat_request_invited_data = cls(
            actor=actor,
            params=params,
            reason=reason,
            target=target,
            request_id=request_id,
        )

        seat_request_invited_data.additional_properties = d
        return seat_request_invited_data

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
