from enum import StrEnum


class FollowRunsResponse200Event(StrEnum):
    MESSAGE = "message"

    def __str__(self) -> str:
        return str(self.value)
