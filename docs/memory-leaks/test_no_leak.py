"""The test that keeps the leak fixed: with `pytest --memray`, it fails while rendering a
report keeps memory (pytest-memray's limit_leaks), naming the line that allocated it."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "sample_tests" / "memory"))
import test_report_cache as app  # noqa: E402


@pytest.mark.limit_leaks("1 MB")
def test_rendering_a_report_keeps_nothing():
    for request_id in range(5000, 5010):
        app.render_report(request_id)
