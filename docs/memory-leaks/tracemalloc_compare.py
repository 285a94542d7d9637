"""Two tracemalloc snapshots of the leaking code, compared: the lines that grew, largest first."""

import pathlib
import sys
import tracemalloc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "sample_tests" / "memory"))
import test_report_cache as app  # noqa: E402

tracemalloc.start(10)
for request_id in range(10):
    app.render_report(request_id)
before = tracemalloc.take_snapshot()
for request_id in range(10, 60):
    app.render_report(request_id)
after = tracemalloc.take_snapshot()
for stat in after.compare_to(before, "lineno")[:3]:
    print(stat)
