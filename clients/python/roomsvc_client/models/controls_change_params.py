from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.controls_change_params_changed_item import ControlsChangeParamsChangedItem

if TYPE_CHECKING:
    from ..models.room_controls_state import RoomControlsState


T = TypeVar("T", bound="ControlsChangeParams")


@_attrs_define
class ControlsChangeParams:
    """
    Attributes:
        applied_live (int): connected participants whose permissions were pushed
        changed (list[ControlsChangeParamsChangedItem]): the controls this change switched on, off or re-timed
        controls (RoomControlsState): A room's four controls (what members and audience may not do), as ``GET
            …/controls`` shows them.
    """

    applied_live: int
    changed: list[ControlsChangeParamsChangedItem]
    controls: RoomControlsState
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        applied_live = self.applied_live

        changed = []
        for changed_item_data in self.changed:
            changed_item = changed_item_data.value
            changed.append(changed_item)

        controls = self.controls.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "applied_live": applied_live,
                "changed": changed,
                "controls": controls,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.room_controls_state import RoomControlsState  # noqa: PLC0415

        d = dict(src_dict)
        applied_live = d.pop("applied_live")

        changed = []
        _changed = d.pop("changed")
        for changed_item_data in _changed:
            changed_item = ControlsChangeParamsChangedItem(changed_item_data)

            changed.append(changed_item)

        controls = RoomControlsState.from_dict(d.pop("controls"))

        controls_change_params = cls(
            applied_live=applied_live,
            changed=changed,
            controls=controls,
        )

        controls_change_params.additional_properties = d
        return controls_change_params

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
