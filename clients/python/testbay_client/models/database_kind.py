from enum import StrEnum


class DatabaseKind(StrEnum):
    EMBEDDED = "embedded"
    SERVER = "server"

    def __str__(self) -> str:
        return str(self.value)
