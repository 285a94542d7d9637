from enum import StrEnum


class CallerKind(StrEnum):
    ANYONE = "anyone"
    SERVICE_TOKEN = "service_token"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
