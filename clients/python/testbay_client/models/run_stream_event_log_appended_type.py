from enum import StrEnum


class RunStreamEventLogAppendedType(StrEnum):
    LOG = "log"

    def __str__(self) -> str:
        return str(self.value)
