from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.ingress_updated_data_event import IngressUpdatedDataEvent
from ..types import UNSET, Unset

T = TypeVar("T", bound="IngressUpdatedData")


@_attrs_define
class IngressUpdatedData:
    """
    Attributes:
        event (IngressUpdatedDataEvent):
        ingress_id (str):
        status (str):
        request_id (str | Unset): The `X-Request-ID` of the API request that caused the event; absent otherwise.
    """

    event: IngressUpdatedDataEvent
    ingress_id: str
    status: str
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event = self.event.value

        ingress_id = self.ingress_id

        status = self.status

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event": event,
                "ingress_id": ingress_id,
                "status": status,
            }
        )
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event = IngressUpdatedDataEvent(d.pop("event"))

        ingress_id = d.pop("ingress_id")

        status = d.pop("status")

        request_id = d.pop("request_id", UNSET)

        ingress_updated_data = cls(
            event=event,
            ingress_id=ingress_id,
            status=status,
            request_id=request_id,
        )

        ingress_updated_data.additional_properties = d
        return ingress_updated_data

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
