from enum import StrEnum


class AgentsListDispatchesStateType3Type1(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"

    def __str__(self) -> str:
        return str(self.value)
