from enum import StrEnum


class RoleChangeParamsFromType0(StrEnum):
    ADMIN = "admin"
    AUDIENCE = "audience"
    MEMBER = "member"
    OWNER = "owner"

    def __str__(self) -> str:
        return str(self.value)
