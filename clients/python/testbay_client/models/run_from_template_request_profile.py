from enum import StrEnum


class RunFromTemplateRequestProfile(StrEnum):
    MEMORY = "memory"

    def __str__(self) -> str:
        return str(self.value)
