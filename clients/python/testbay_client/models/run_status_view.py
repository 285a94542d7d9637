from enum import StrEnum


class RunStatusView(StrEnum):
    CANCELLED = "cancelled"
    ERROR = "error"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    PASSED = "passed"
    QUEUED = "queued"
    RUNNING = "running"
    TIMED_OUT = "timed_out"

    def __str__(self) -> str:
        return str(self.value)
