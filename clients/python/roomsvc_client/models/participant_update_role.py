from enum import StrEnum


class ParticipantUpdateRole(StrEnum):
    ADMIN = "admin"
    AUDIENCE = "audience"
    MEMBER = "member"
    OWNER = "owner"

    def __str__(self) -> str:
        return str(self.value)
