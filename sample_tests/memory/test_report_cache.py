"""A memory leak through a module-level cache, and the same work without one.

`render_report` memoises what it renders in `_rendered`, a module-level dict that nothing ever
empties: the pattern behind many leaks in long-lived Python web workers (a cache keyed by
something that never repeats, such as a request id). Each call of the leaking test keeps 2 MiB
for good; the test without the cache does the same work and keeps nothing. Testbay's memory
chart of a run of this file stays flat while the test without the cache runs, then rises while
the leaking test runs; sorted by memory growth, its tests table puts the leaking test first.
"""

import time

import pytest

REPORT_BYTES = 2 * 1024 * 1024
REQUESTS = 30

_rendered: dict[int, bytes] = {}


def render(request_id: int) -> bytes:
    # Writing every byte makes the pages resident, as a real rendered report's would be.
    line = f"report for request {request_id:08d}\n".encode()
    return line * (REPORT_BYTES // len(line))


def render_report(request_id: int) -> bytes:
    if request_id not in _rendered:
        _rendered[request_id] = render(request_id)
    return _rendered[request_id]


def test_reports_are_rendered_and_let_go():
    for request_id in range(REQUESTS):
        assert render(request_id).startswith(b"report for request")
        time.sleep(0.1)


def test_reports_are_cached_forever():
    for request_id in range(REQUESTS):
        assert render_report(request_id).startswith(b"report for request")
        time.sleep(0.1)


@pytest.mark.parametrize("request_id", range(5))
def test_each_request_grows_the_cache(request_id):
    assert render_report(1000 + request_id)
