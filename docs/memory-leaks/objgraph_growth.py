"""objgraph's object counts before and after 100 requests: they miss a leak of bytes in a dict."""

import pathlib
import sys

import objgraph

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "sample_tests" / "memory"))
import test_report_cache as app  # noqa: E402

objgraph.show_growth(limit=3)
for request_id in range(100):
    app.render_report(request_id)
print("after 100 requests:")
objgraph.show_growth(limit=3)
