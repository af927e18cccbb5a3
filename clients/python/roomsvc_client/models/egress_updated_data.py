from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.egress_updated_data_event import EgressUpdatedDataEvent
from ..types import UNSET, Unset

T = TypeVar("T", bound="EgressUpdatedData")


@_attrs_define
class EgressUpdatedData:
    """
    Attributes:
        egress_id (str):
        event (EgressUpdatedDataEvent):
        status (str):
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    egress_id: str
    event: EgressUpdatedDataEvent
    status: str
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        egress_id = self.egress_id

        event = self.event.value

        status = self.status

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "egress_id": egress_id,
                "event": event,
                "status": status,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        egress_id = d.pop("egress_id")

        event = EgressUpdatedDataEvent(d.pop("event"))

        status = d.pop("status")

        request_id = d.pop("request_id", UNSET)

        egress_updated_data = cls(
            egress_id=egress_id,
            event=event,
            status=status,
            request_id=request_id,
        )

        egress_updated_data.additional_properties = d
        return egress_updated_data

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
