from enum import StrEnum


class EnforcementView(StrEnum):
    CGROUP_V1 = "cgroup_v1"
    CGROUP_V2 = "cgroup_v2"
    RLIMIT = "rlimit"

    def __str__(self) -> str:
        return str(self.value)
