from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.alerting_spec_smoothing import AlertingSpecSmoothing
from ..types import UNSET, Unset

T = TypeVar("T", bound="AlertingSpec")


@_attrs_define
class AlertingSpec:
    """Track-level alerting (a model card's ``alerting``; docs/detection.md). Fields left out keep the
    worker's settings (``ROOMSVC_DETECTION_SMOOTHING``, ``ROOMSVC_DETECTION_HYSTERESIS``).

    Attributes:
        clear_below (float | None | Unset):
        ema_alpha (float | None | Unset):
        margin (float | None | Unset):
        mean_windows (int | None | Unset):
        min_consecutive (int | Unset):  Default: 1.
        smoothing (AlertingSpecSmoothing | Unset):  Default: AlertingSpecSmoothing.MEAN.
    """

    clear_below: float | None | Unset = UNSET
    ema_alpha: float | None | Unset = UNSET
    margin: float | None | Unset = UNSET
    mean_windows: int | None | Unset = UNSET
    min_consecutive: int | Unset = 1
    smoothing: AlertingSpecSmoothing | Unset = AlertingSpecSmoothing.MEAN

    def to_dict(self) -> dict[str, Any]:
        clear_below: float | None | Unset
        if isinstance(self.clear_below, Unset):
            clear_below = UNSET
        else:
            clear_below = self.clear_below

        ema_alpha: float | None | Unset
        if isinstance(self.ema_alpha, Unset):
            ema_alpha = UNSET
        else:
            ema_alpha = self.ema_alpha

        margin: float | None | Unset
        if isinstance(self.margin, Unset):
            margin = UNSET
        else:
            margin = self.margin

        mean_windows: int | None | Unset
        if isinstance(self.mean_windows, Unset):
            mean_windows = UNSET
        else:
            mean_windows = self.mean_windows

        min_consecutive = self.min_consecutive

        smoothing: str | Unset = UNSET
        if not isinstance(self.smoothing, Unset):
            smoothing = self.smoothing.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if clear_below is not UNSET:
            field_dict["clear_below"] = clear_below
        if ema_alpha is not UNSET:
            field_dict["ema_alpha"] = ema_alpha
        if margin is not UNSET:
            field_dict["margin"] = margin
        if mean_windows is not UNSET:
            field_dict["mean_windows"] = mean_windows
        if min_consecutive is not UNSET:
            field_dict["min_consecutive"] = min_consecutive
        if smoothing is not UNSET:
            field_dict["smoothing"] = smoothing

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_clear_below(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        clear_below = _parse_clear_below(d.pop("clear_below", UNSET))

        def _parse_ema_alpha(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        ema_alpha = _parse_ema_alpha(d.pop("ema_alpha", UNSET))

        def _parse_margin(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        margin = _parse_margin(d.pop("margin", UNSET))

        def _parse_mean_windows(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        mean_windows = _parse_mean_windows(d.pop("mean_windows", UNSET))

        min_consecutive = d.pop("min_consecutive", UNSET)

        _smoothing = d.pop("smoothing", UNSET)
        smoothing: AlertingSpecSmoothing | Unset
        if isinstance(_smoothing, Unset):
            smoothing = UNSET
        else:
            smoothing = AlertingSpecSmoothing(_smoothing)

        alerting_spec = cls(
            clear_below=clear_below,
            ema_alpha=ema_alpha,
            margin=margin,
            mean_windows=mean_windows,
            min_consecutive=min_consecutive,
            smoothing=smoothing,
        )

        return alerting_spec
