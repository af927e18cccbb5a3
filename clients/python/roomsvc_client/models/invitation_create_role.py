from enum import StrEnum


class InvitationCreateRole(StrEnum):
    ADMIN = "admin"
    AUDIENCE = "audience"
    MEMBER = "member"

    def __str__(self) -> str:
        return str(self.value)
