from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.recording_create_kind import RecordingCreateKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.storage_target import StorageTarget


T = TypeVar("T", bound="RecordingCreate")


@_attrs_define
class RecordingCreate:
    """
    Attributes:
        kind (RecordingCreateKind): `room_audio`: every audio track mixed into one Ogg/Opus file; `tracks`: one file per
            track (audio Ogg/Opus, video WebM)
        actor (None | str | Unset):
        identities (list[str] | Unset): record only these participants (empty: everyone)
        storage (None | StorageTarget | Unset):
        track_sids (list[str] | Unset): record only these tracks (empty: every track)
    """

    kind: RecordingCreateKind
    actor: None | str | Unset = UNSET
    identities: list[str] | Unset = UNSET
    storage: None | StorageTarget | Unset = UNSET
    track_sids: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.storage_target import StorageTarget  # noqa: PLC0415

        kind = self.kind.value

        actor: None | str | Unset
        if isinstance(self.actor, Unset):
            actor = UNSET
        else:
            actor = self.actor

        identities: list[str] | Unset = UNSET
        if not isinstance(self.identities, Unset):
            identities = self.identities

        storage: dict[str, Any] | None | Unset
        if isinstance(self.storage, Unset):
            storage = UNSET
        elif isinstance(self.storage, StorageTarget):
            storage = self.storage.to_dict()
        else:
            storage = self.storage

        track_sids: list[str] | Unset = UNSET
        if not isinstance(self.track_sids, Unset):
            track_sids = self.track_sids

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
            }
        )
        if actor is not UNSET:
            field_dict["actor"] = actor
        if identities is not UNSET:
            field_dict["identities"] = identities
        if storage is not UNSET:
            field_dict["storage"] = storage
        if track_sids is not UNSET:
            field_dict["track_sids"] = track_sids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.storage_target import StorageTarget  # noqa: PLC0415

        d = dict(src_dict)
        kind = RecordingCreateKind(d.pop("kind"))

        def _parse_actor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor = _parse_actor(d.pop("actor", UNSET))

        identities = cast(list[str], d.pop("identities", UNSET))

        def _parse_storage(data: object) -> None | StorageTarget | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                storage_type_0 = StorageTarget.from_dict(data)

                return storage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StorageTarget | Unset, data)

        storage = _parse_storage(d.pop("storage", UNSET))

        track_sids = cast(list[str], d.pop("track_sids", UNSET))

        recording_create = cls(
            kind=kind,
            actor=actor,
            identities=identities,
            storage=storage,
            track_sids=track_sids,
        )

        return recording_create
