from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.message_out_format import MessageOutFormat

T = TypeVar("T", bound="MessageOut")


@_attrs_define
class MessageOut:
    """
    Attributes:
        bytes_ (int):
        everyone (bool):
        format_ (MessageOutFormat):
        recipients (list[str]):
        reliable (bool):
        sent_at (datetime.datetime):
        topic (str):
    """

    bytes_: int
    everyone: bool
    format_: MessageOutFormat
    recipients: list[str]
    reliable: bool
    sent_at: datetime.datetime
    topic: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bytes_ = self.bytes_

        everyone = self.everyone

        format_ = self.format_.value

        recipients = self.recipients

        reliable = self.reliable

        sent_at = self.sent_at.isoformat()

        topic = self.topic

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bytes": bytes_,
                "everyone": everyone,
                "format": format_,
                "recipients": recipients,
                "reliable": reliable,
                "sent_at": sent_at,
                "topic": topic,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bytes_ = d.pop("bytes")

        everyone = d.pop("everyone")

        format_ = MessageOutFormat(d.pop("format"))

        recipients = cast(list[str], d.pop("recipients"))

        reliable = d.pop("reliable")

        sent_at = datetime.datetime.fromisoformat(d.pop("sent_at"))

        topic = d.pop("topic")

        message_out = cls(
            bytes_=bytes_,
            everyone=everyone,
            format_=format_,
            recipients=recipients,
            reliable=reliable,
            sent_at=sent_at,
            topic=topic,
        )

        message_out.additional_properties = d
        return message_out

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
