from enum import StrEnum


class InvitationOutRole(StrEnum):
    ADMIN = "admin"
    AUDIENCE = "audience"
    MEMBER = "member"

    def __str__(self) -> str:
        return str(self.value)
