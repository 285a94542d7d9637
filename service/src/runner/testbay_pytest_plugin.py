"""Tells Testbay what a run's report log alone does not.

Loaded by Testbay with `-p testbay_pytest_plugin`. It adds to the run's report log:
- how many tests pytest collected, so a run can show its progress;
- each test's memory: the pytest process's resident memory before the test's setup and after
  its call, in each report's `user_properties` as `testbay_memory`, so the test that grows
  memory (a leak) stands out. Reading it costs one small read of /proc per test.
"""

import json
import os

import pytest

_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
_before = {}


def _resident_bytes():
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_BYTES
    except (OSError, ValueError, IndexError):
        return None


def pytest_collection_finish(session):
    path = session.config.getoption("report_log", None)
    if path:
        with open(path, "a", encoding="utf-8") as report_log:
            report_log.write(json.dumps({"$report_type": "TestbayCollected", "count": len(session.items)}) + "\n")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _before[item.nodeid] = _resident_bytes()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    before = _before.get(item.nodeid)
    if before is None or report.when == "setup" and report.passed:
        return
    after = _resident_bytes()
    if after is not None:
        report.user_properties.append(("testbay_memory", {"before": before, "after": after}))
    if report.when == "teardown":
        _before.pop(item.nodeid, None)
