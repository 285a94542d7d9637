from enum import StrEnum


class ListStreamEventReloadType(StrEnum):
    RELOAD = "reload"

    def __str__(self) -> str:
        return str(self.value)
