"""The check that keeps the report cache's leak out: it fails while rendering a report keeps
more than a megabyte, and memray's report names the line that allocated what stayed.
pytest-memray tracks a test that carries its markers in any run where it is installed (as in
Testbay's venv), profiled or not."""

import pytest

from test_report_cache import render_report


@pytest.mark.limit_leaks("1 MB")
def test_rendering_reports_keeps_nothing():
    for request_id in range(9000, 9005):
        render_report(request_id)
