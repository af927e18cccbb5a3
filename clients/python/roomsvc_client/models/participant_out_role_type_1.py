from enum import StrEnum


class ParticipantOutRoleType1(StrEnum):
    ADMIN = "admin"
    AUDIENCE = "audience"
    MEMBER = "member"
    OWNER = "owner"

    def __str__(self) -> str:
        return str(self.value)
