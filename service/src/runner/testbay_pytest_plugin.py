"""Tells Testbay what a run's report log alone does not.

Loaded by Testbay with `-p testbay_pytest_plugin`. It adds to the run's report log:
- how many tests pytest collected, so a run can show its progress;
- each test's memory: the pytest process's resident memory before the test's setup and after
  its call, in each report's `user_properties` as `testbay_memory`, so the test that grows
  memory (a leak) stands out. Reading it costs one small read of /proc per test;
- in a memory-profiled run (`--memray`), memray's figures for the test: its high-water mark,
  its allocations and the call sites that held the most then, as `testbay_memray`.
"""

import json
import os

import pytest

_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
# Call sites kept per test in a memory-profiled run.
_TOP_SITES = 5
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
    if report.when == "call":
        figures = _memray_figures(item)
        if figures is not None:
            report.user_properties.append(("testbay_memray", figures))
    if report.when == "teardown":
        _before.pop(item.nodeid, None)


def _site(function, path, line):
    """`function:path:line`, the path relative to the test tree when it is inside it."""
    relative = os.path.relpath(path)
    return "%s:%s:%d" % (function, path if relative.startswith("..") else relative, line)


def _memray_figures(item):
    """memray's figures for the test that just ran, when pytest-memray tracked it."""
    manager = item.config.pluginmanager.get_plugin("memray_manager")
    result = getattr(manager, "results", {}).get(item.nodeid) if manager else None
    if result is None:
        return None
    try:
        import memray

        reader = memray.FileReader(result.result_file)
        sites = {}
        for record in reader.get_high_watermark_allocation_records(merge_threads=True):
            stack = record.stack_trace(max_stacks=1)
            location = _site(*stack[0]) if stack else "<unknown>"
            sites[location] = sites.get(location, 0) + record.size
        allocations = reader.metadata.total_allocations
    except Exception:  # noqa: BLE001 - figures are extra; a run must not fail for them
        return {"peak": result.peak_memory, "allocations": 0, "top": []}
    top = sorted(sites.items(), key=lambda site: site[1], reverse=True)[:_TOP_SITES]
    return {"peak": result.peak_memory, "allocations": allocations, "top": [list(site) for site in top]}
