from enum import StrEnum


class DispatchOutOwner(StrEnum):
    API = "api"
    DETECTION = "detection"

    def __str__(self) -> str:
        return str(self.value)
