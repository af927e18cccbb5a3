from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ParticipantJoinedData")


@_attrs_define
class ParticipantJoinedData:
    """
    Attributes:
        identity (str):
        kind (str): `standard`, `agent`, `ingress`, `egress` or `sip`
        participant_sid (str):
        repaired (bool):
        room_sid (str):
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    identity: str
    kind: str
    participant_sid: str
    repaired: bool
    room_sid: str
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        identity = self.identity

        kind = self.kind

        participant_sid = self.participant_sid

        repaired = self.repaired

        room_sid = self.room_sid

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "identity": identity,
                "kind": kind,
                "participant_sid": participant_sid,
                "repaired": repaired,
                "room_sid": room_sid,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        identity = d.pop("identity")

        kind = d.pop("kind")

        participant_sid = d.pop("participant_sid")

        repaired = d.pop("repaired")

        room_sid = d.pop("room_sid")

        request_id = d.pop("request_id", UNSET)

        participant_joined_data = cls(
            identity=identity,
            kind=kind,
            participant_sid=participant_sid,
            repaired=repaired,
            room_sid=room_sid,
            request_id=request_id,
        )

        participant_joined_data.additional_properties = d
        return participant_joined_data

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
