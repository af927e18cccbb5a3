from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.detection_spec_policy import DetectionSpecPolicy
from ..types import UNSET, Unset

T = TypeVar("T", bound="DetectionSpec")


@_attrs_define
class DetectionSpec:
    """A room's detection settings (``detection`` in POST /v1/rooms, body of POST …/detection).

    Attributes:
        ban_seconds (int | None | Unset):  Default: 600.
        enabled (bool | Unset):  Default: True.
        mute_seconds (int | None | Unset):  Default: 300.
        policy (DetectionSpecPolicy | Unset):  Default: DetectionSpecPolicy.NOTIFY.
    """

    ban_seconds: int | None | Unset = 600
    enabled: bool | Unset = True
    mute_seconds: int | None | Unset = 300
    policy: DetectionSpecPolicy | Unset = DetectionSpecPolicy.NOTIFY

    def to_dict(self) -> dict[str, Any]:
        ban_seconds: int | None | Unset
        if isinstance(self.ban_seconds, Unset):
            ban_seconds = UNSET
        else:
            ban_seconds = self.ban_seconds

        enabled = self.enabled

        mute_seconds: int | None | Unset
        if isinstance(self.mute_seconds, Unset):
            mute_seconds = UNSET
        else:
            mute_seconds = self.mute_seconds

        policy: str | Unset = UNSET
        if not isinstance(self.policy, Unset):
            policy = self.policy.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if ban_seconds is not UNSET:
            field_dict["ban_seconds"] = ban_seconds
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if mute_seconds is not UNSET:
            field_dict["mute_seconds"] = mute_seconds
        if policy is not UNSET:
            field_dict["policy"] = policy

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_ban_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ban_seconds = _parse_ban_seconds(d.pop("ban_seconds", UNSET))

        enabled = d.pop("enabled", UNSET)

        def _parse_mute_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        mute_seconds = _parse_mute_seconds(d.pop("mute_seconds", UNSET))

        _policy = d.pop("policy", UNSET)
        policy: DetectionSpecPolicy | Unset
        if isinstance(_policy, Unset):
            policy = UNSET
        else:
            policy = DetectionSpecPolicy(_policy)

        detection_spec = cls(
            ban_seconds=ban_seconds,
            enabled=enabled,
            mute_seconds=mute_seconds,
            policy=policy,
        )

        return detection_spec
