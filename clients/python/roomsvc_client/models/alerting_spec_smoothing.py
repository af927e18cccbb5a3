from enum import StrEnum


class AlertingSpecSmoothing(StrEnum):
    EMA = "ema"
    MEAN = "mean"

    def __str__(self) -> str:
        return str(self.value)
