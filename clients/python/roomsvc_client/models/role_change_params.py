from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role_change_params_from_type_0 import RoleChangeParamsFromType0
from ..models.role_change_params_to import RoleChangeParamsTo
from ..types import UNSET, Unset

T = TypeVar("T", bound="RoleChangeParams")


@_attrs_define
class RoleChangeParams:
    """
    Attributes:
        from_ (None | RoleChangeParamsFromType0):
        to (RoleChangeParamsTo):
        applied_live (bool | Unset):
        invitation (str | Unset): the invitation whose acceptance changed the role
    """

    from_: None | RoleChangeParamsFromType0
    to: RoleChangeParamsTo
    applied_live: bool | Unset = UNSET
    invitation: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_: None | str
        if isinstance(self.from_, RoleChangeParamsFromType0):
            from_ = self.from_.value
        else:
            from_ = self.from_

        to = self.to.value

        applied_live = self.applied_live

        invitation = self.invitation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "to": to,
            }
        )
        if applied_live is not UNSET:
            field_dict["applied_live"] = applied_live
        if invitation is not UNSET:
            field_dict["invitation"] = invitation

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_from_(data: object) -> None | RoleChangeParamsFromType0:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_0 = RoleChangeParamsFromType0(data)

                return from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RoleChangeParamsFromType0, data)

        from_ = _parse_from_(d.pop("from"))

        to = RoleChangeParamsTo(d.pop("to"))

        applied_live = d.pop("applied_live", UNSET)

        invitation = d.pop("invitation", UNSET)

        role_change_params = cls(
            from_=from_,
            to=to,
            applied_live=applied_live,
            invitation=invitation,
        )

        role_change_params.additional_properties = d
        return role_change_params

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
