"""A stand-in for a leaking web worker: it "serves" a request every 50 ms, rendering a report
through the module-level cache of sample_tests/memory (a new request id each time)."""

import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "sample_tests" / "memory"))
import test_report_cache as app  # noqa: E402

request_id = 0
while True:
    app.render_report(request_id)
    request_id += 1
    time.sleep(0.05)
