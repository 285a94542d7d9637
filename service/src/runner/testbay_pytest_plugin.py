"""Tells Testbay how many tests pytest collected, so a run can show its progress.

Loaded by Testbay with `-p testbay_pytest_plugin`; it adds one line to the run's report log.
"""

import json


def pytest_collection_finish(session):
    path = session.config.getoption("report_log", None)
    if path:
        with open(path, "a", encoding="utf-8") as report_log:
            report_log.write(json.dumps({"$report_type": "TestbayCollected", "count": len(session.items)}) + "\n")
