"""clients/examples/run_and_report.py against the real service: the binary TESTBAY_BIN, started on a
free port with a fresh data dir and the sample tests (scripts/test-python-client.sh runs this)."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "clients" / "examples" / "run_and_report.py"
TOKEN = "example-test-token"


class Service:
    def __init__(self, url: str, token: str | None = None):
        self.url = url
        self.token = token

    def api(self, method: str, path: str, body: dict | None = None) -> dict:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, method=method, data=data, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)


def clean_env() -> dict[str, str]:
    """The environment without TESTBAY_* variables: each would also configure the service."""
    return {name: value for name, value in os.environ.items() if not name.startswith("TESTBAY_")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_service(tmp_path: Path, *args: str):
    binary = os.environ.get("TESTBAY_BIN")
    if not binary or not Path(binary).is_file():
        pytest.fail(f"set TESTBAY_BIN to a built testbay binary (got {binary!r})", pytrace=False)
    python = os.environ.get("TESTBAY_TEST_PYTHON", str(REPO / ".venv" / "bin" / "python"))
    port = free_port()
    log_path = tmp_path / "service.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(tmp_path / "data"),
             "--tests-root", str(REPO / "sample_tests"), "--python", python, *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, env=clean_env(),
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the service exited with {process.returncode}:\n{log_path.read_text()}", pytrace=False)
            with contextlib.suppress(OSError):
                # /api/healthz needs the token too when there is one: any HTTP answer means it is up.
                with contextlib.suppress(urllib.error.HTTPError):
                    urllib.request.urlopen(url + "/api/healthz", timeout=2).close()
                break
            if time.monotonic() > deadline:
                pytest.fail(f"the service did not answer on {url}:\n{log_path.read_text()}", pytrace=False)
            time.sleep(0.1)
        yield Service(url, args[args.index("--token") + 1] if "--token" in args else None)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    with running_service(tmp_path_factory.mktemp("service")) as started:
        yield started


def run_example(service: Service, *args: str, token: str | None = None) -> subprocess.CompletedProcess:
    """The example, with this Python (the tools venv's) and the generated client from clients/python."""
    env = clean_env() | {
        "TESTBAY_URL": service.url,
        "PYTHONPATH": str(REPO / "clients" / "python"),
        "PYTHONDONTWRITEBYTECODE": "1",  # keep clients/python generated files only
    }
    if token:
        env["TESTBAY_TOKEN"] = token
    return subprocess.run([sys.executable, str(EXAMPLE), *args], env=env, capture_output=True, text=True, timeout=300)


def run_id(result: subprocess.CompletedProcess) -> int:
    first = result.stdout.splitlines()[0]
    assert first.startswith("run "), result.stdout
    return int(first.split()[1])


def test_a_passing_run_exits_0(service):
    result = run_example(service, "--user", "ada", "--env", "1", "math/test_arithmetic.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0].startswith(f"run {run_id(result)} passed: ")
    assert service.api("GET", f"/api/runs/{run_id(result)}")["status"] == "passed"
    assert not [line for line in result.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))]


def test_a_failing_run_exits_1_and_names_exactly_the_failed_tests(service):
    result = run_example(service, "--user", "ada", "--env", "2", "math/test_broken.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[0].startswith(f"run {run_id(result)} failed: ")

    printed = [
        tuple(line.split(" - ", 1)[0].split(" ", 1))
        for line in result.stdout.splitlines()
        if line.startswith(("FAILED ", "ERROR "))
    ]
    tests = service.api("GET", f"/api/runs/{run_id(result)}/tests")["items"]
    failed = [(test["outcome"].upper(), test["node_id"]) for test in tests if test["outcome"] in ("failed", "error")]
    assert failed, tests
    assert printed == failed


def test_an_invalid_request_exits_3_with_the_problem(service):
    result = run_example(service, "--user", "ada", "--env", "3", "math/no_such_test.py")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "does not exist in the test tree" in result.stderr


def test_a_busy_environment_exits_3_naming_the_run_holding_it(service):
    holder = service.api("POST", "/api/runs", {"user": "bob", "environment": 4, "paths": ["slow/test_slow.py"]})
    try:
        result = run_example(service, "--user", "ada", "--env", "4", "math/test_arithmetic.py")
        assert result.returncode == 3, result.stdout + result.stderr
        assert f"run {holder['id']}" in result.stderr
    finally:
        service.api("POST", f"/api/runs/{holder['id']}/cancel")


def test_with_a_token(tmp_path):
    with running_service(tmp_path, "--token", TOKEN) as secured:
        result = run_example(secured, "--user", "ada", "--env", "1", "math/test_arithmetic.py", token=TOKEN)
        assert result.returncode == 0, result.stdout + result.stderr
        refused = run_example(secured, "--user", "ada", "--env", "1", "math/test_arithmetic.py")
        assert refused.returncode == 3, refused.stdout + refused.stderr
        assert "needs a token" in refused.stderr, refused.stderr


def test_with_a_users_token(tmp_path):
    """A user's token works as the service's does; a run for someone else is refused (403, exit 3)."""
    with running_service(tmp_path) as service:
        root = service.api("POST", "/api/users", {"name": "root", "admin": True})["token"]
        admin = Service(service.url, root)
        ada = admin.api("POST", "/api/users", {"name": "ada"})["token"]
        result = run_example(service, "--user", "ada", "--env", "2", "math/test_arithmetic.py", token=ada)
        assert result.returncode == 0, result.stdout + result.stderr
        runs = admin.api("GET", "/api/runs?user=ada")["items"]
        assert [(run["user"], run["created_by"]) for run in runs] == [("ada", "ada")]
        posing = run_example(service, "--user", "bob", "--env", "3", "math/test_arithmetic.py", token=ada)
        assert posing.returncode == 3, posing.stdout + posing.stderr
        assert "only admins" in posing.stderr, posing.stderr
