from enum import StrEnum


class TestOutcomeView(StrEnum):
    ERROR = "error"
    FAILED = "failed"
    PASSED = "passed"
    SKIPPED = "skipped"
    XFAILED = "xfailed"
    XPASSED = "xpassed"

    def __str__(self) -> str:
        return str(self.value)
