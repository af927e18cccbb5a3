from enum import StrEnum


class RoleChangeParamsTo(StrEnum):
    ADMIN = "admin"
    AUDIENCE = "audience"
    MEMBER = "member"
    OWNER = "owner"

    def __str__(self) -> str:
        return str(self.value)
