from enum import StrEnum


class NodeStateView(StrEnum):
    LIVE = "live"
    LOST = "lost"
    STOPPED = "stopped"

    def __str__(self) -> str:
        return str(self.value)
