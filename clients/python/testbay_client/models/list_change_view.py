from enum import StrEnum


class ListChangeView(StrEnum):
    CHANGED = "changed"
    CREATED = "created"

    def __str__(self) -> str:
        return str(self.value)
