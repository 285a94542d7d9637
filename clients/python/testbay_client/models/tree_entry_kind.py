from enum import StrEnum


class TreeEntryKind(StrEnum):
    FILE = "file"
    FOLDER = "folder"

    def __str__(self) -> str:
        return str(self.value)
