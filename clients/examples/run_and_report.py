"""Runs tests on Testbay, waits for the result and reports it: an example of the generated client.

    python run_and_report.py --user ada --env 3 math/test_arithmetic.py text

TESTBAY_URL is the service (default http://127.0.0.1:8080), TESTBAY_TOKEN its token, if it has one.
Exits as `testbay run --wait` does: 0 when the run passed, 1 when it failed, 2 when it ended
otherwise (error, cancelled, timed out, ...), 3 when Testbay refused the run (a busy environment,
an invalid request) and 4 when Testbay could not be asked.
"""

import argparse
import os
import sys
import time

import httpx
from testbay_client import AuthenticatedClient, Client, errors
from testbay_client.api.runs import create_run, get_run, list_run_tests
from testbay_client.models import Problem, RunFromPathsRequest, RunStatusView, TestOutcomeView


def main() -> int:
    parser = argparse.ArgumentParser(description="Run tests on Testbay and report the result.")
    parser.add_argument("--user", required=True, help="who asks for the run")
    parser.add_argument("--env", type=int, required=True, help="the test environment, 1 to 100")
    parser.add_argument("paths", nargs="+", help="test files, folders or node ids, relative to the test tree")
    args = parser.parse_args()

    # The spec's paths are relative to /api. Undocumented answers (e.g. 401) raise UnexpectedStatus.
    base_url = os.environ.get("TESTBAY_URL", "http://127.0.0.1:8080").rstrip("/") + "/api"
    token = os.environ.get("TESTBAY_TOKEN")
    if token:
        client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)
    else:
        client = Client(base_url=base_url, raise_on_unexpected_status=True)

    with client:
        request = RunFromPathsRequest(user=args.user, environment=args.env, paths=args.paths)
        response = create_run.sync_detailed(client=client, body=request)
        run = response.parsed
        if isinstance(run, Problem):  # e.g. 401 without the token, 409 environment_busy, 422, 500
            print(f"testbay: {run.message}", file=sys.stderr)
            return 3 if 400 <= response.status_code < 500 else 4

        while run.status in (RunStatusView.QUEUED, RunStatusView.RUNNING):
            time.sleep(0.5)
            run = get_run.sync(run.id, client=client)
            if isinstance(run, Problem):
                print(f"testbay: {run.message}", file=sys.stderr)
                return 4

        counts = {name: n for name, n in run.counts.to_dict().items() if n and name != "total"}
        summary = ", ".join(f"{n} {name}" for name, n in counts.items()) or "no tests"
        print(f"run {run.id} {run.status}: {summary} ({run.counts.total} tests)")
        if run.message:
            print(run.message)

        results = list_run_tests.sync(run.id, client=client)
        if isinstance(results, Problem):
            print(f"testbay: {results.message}", file=sys.stderr)
            return 4
        for test in results.items:
            if test.outcome in (TestOutcomeView.FAILED, TestOutcomeView.ERROR):
                # pytest's report quotes the code first; its "E" lines say what went wrong.
                lines = (test.failure or "").splitlines() or [""]
                reason = next((line[1:].strip() for line in lines if line.startswith("E ")), lines[0].strip())
                print(f"{test.outcome.upper()} {test.node_id} - {reason}")

    return {RunStatusView.PASSED: 0, RunStatusView.FAILED: 1}.get(run.status, 2)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except errors.UnexpectedStatus as error:  # a status the spec does not document
        print(f"testbay: {error}", file=sys.stderr)
        sys.exit(3 if 400 <= error.status_code < 500 else 4)
    except httpx.HTTPError as error:
        print(f"testbay: {error}", file=sys.stderr)
        sys.exit(4)
