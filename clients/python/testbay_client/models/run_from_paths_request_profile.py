from enum import StrEnum


class RunFromPathsRequestProfile(StrEnum):
    MEMORY = "memory"

    def __str__(self) -> str:
        return str(self.value)
