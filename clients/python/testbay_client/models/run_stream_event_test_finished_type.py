from enum import StrEnum


class RunStreamEventTestFinishedType(StrEnum):
    TEST = "test"

    def __str__(self) -> str:
        return str(self.value)
