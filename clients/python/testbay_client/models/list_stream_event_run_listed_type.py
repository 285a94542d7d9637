from enum import StrEnum


class ListStreamEventRunListedType(StrEnum):
    RUN = "run"

    def __str__(self) -> str:
        return str(self.value)
