from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.mute_out import MuteOut


T = TypeVar("T", bound="ModerationStatus")


@_attrs_define
class ModerationStatus:
    """
    Attributes:
        ban_expires_at (datetime.datetime | None):
        identity (str):
        is_banned (bool):
        is_muted (bool):
        mute_expires_at (datetime.datetime | None):
        muted_sources (list[str]):
        mutes (list[MuteOut]):
        role (None | str):
        seat (int | None):
    """

    ban_expires_at: datetime.datetime | None
    identity: str
    is_banned: bool
    is_muted: bool
    mute_expires_at: datetime.datetime | None
    muted_sources: list[str]
    mutes: list[MuteOut]
    role: None | str
    seat: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ban_expires_at: None | str
        if isinstance(self.ban_expires_at, datetime.datetime):
            ban_expires_at = self.ban_expires_at.isoformat()
        else:
            ban_expires_at = self.ban_expires_at

        identity = self.identity

        is_banned = self.is_banned

        is_muted = self.is_muted

        mute_expires_at: None | str
        if isinstance(self.mute_expires_at, datetime.datetime):
            mute_expires_at = self.mute_expires_at.isoformat()
        else:
            mute_expires_at = self.mute_expires_at

        muted_sources = self.muted_sources

        mutes = []
        for mutes_item_data in self.mutes:
            mutes_item = mutes_item_data.to_dict()
            mutes.append(mutes_item)

        role: None | str
        role = self.role

        seat: int | None
        seat = self.seat

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ban_expires_at": ban_expires_at,
                "identity": identity,
                "is_banned": is_banned,
                "is_muted": is_muted,
                "mute_expires_at": mute_expires_at,
                "muted_sources": muted_sources,
                "mutes": mutes,
                "role": role,
                "seat": seat,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.mute_out import MuteOut  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_ban_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ban_expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return ban_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ban_expires_at = _parse_ban_expires_at(d.pop("ban_expires_at"))

        identity = d.pop("identity")

        is_banned = d.pop("is_banned")

        is_muted = d.pop("is_muted")

        def _parse_mute_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                mute_expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return mute_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        mute_expires_at = _parse_mute_expires_at(d.pop("mute_expires_at"))

        muted_sources = cast(list[str], d.pop("muted_sources"))

        mutes = []
        _mutes = d.pop("mutes")
        for mutes_item_data in _mutes:
            mutes_item = MuteOut.from_dict(mutes_item_data)

            mutes.append(mutes_item)

        def _parse_role(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        role = _parse_role(d.pop("role"))

        def _parse_seat(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seat = _parse_seat(d.pop("seat"))

        moderation_status = cls(
            ban_expires_at=ban_expires_at,
            identity=identity,
            is_banned=is_banned,
            is_muted=is_muted,
            mute_expires_at=mute_expires_at,
            muted_sources=muted_sources,
            mutes=mutes,
            role=role,
            seat=seat,
        )

        moderation_status.additional_properties = d
        return moderation_status

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
