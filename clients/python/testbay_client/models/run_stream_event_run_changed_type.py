from enum import StrEnum


class RunStreamEventRunChangedType(StrEnum):
    RUN = "run"

    def __str__(self) -> str:
        return str(self.value)
