from enum import StrEnum


class RunStreamEventResourcesSampledType(StrEnum):
    RESOURCES = "resources"

    def __str__(self) -> str:
        return str(self.value)
