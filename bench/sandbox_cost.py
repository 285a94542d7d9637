#!/usr/bin/env python3
"""What the sandbox costs: the same runs under `--sandbox auto` (a cgroup per run) and
`--sandbox rlimit`, timed by the service itself (started_at to finished_at), plus the peak
memory and CPU time the cgroup accounted for the sample runs.

Usage: bench/sandbox_cost.py [--binary PATH] [--runs N] [--paths P ...]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_binary():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "debug", "testbay")


class Service:
    def __init__(self, binary, sandbox):
        self.data_dir = tempfile.TemporaryDirectory()
        self.process = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir.name,
             "--tests-root", os.path.join(ROOT, "sample_tests"),
             "--python", os.path.join(ROOT, ".venv", "bin", "python"), "--sandbox", sandbox],
            stderr=subprocess.PIPE, text=True, env={**os.environ, "RUST_LOG": "info"})
        for line in self.process.stderr:
            if "url=" in line:
                self.url = line.split("url=")[1].split()[0].rstrip("/")
                break
        self.system = self.get("/api/system")

    def get(self, path):
        with urllib.request.urlopen(self.url + path) as response:
            return json.load(response)

    def run(self, paths):
        request = urllib.request.Request(
            self.url + "/api/runs", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"user": "bench", "environment": 1, "paths": paths}).encode())
        with urllib.request.urlopen(request) as response:
            run = json.load(response)
        while not run["finished_at"]:
            time.sleep(0.02)
            run = self.get(f"/api/runs/{run['id']}")
        return run

    def stop(self):
        self.process.terminate()
        self.process.wait()
        self.data_dir.cleanup()


def seconds(run):
    start = datetime.fromisoformat(run["started_at"])
    end = datetime.fromisoformat(run["finished_at"])
    return (end - start).total_seconds()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=default_binary())
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--paths", nargs="+", default=["math", "text"])
    args = parser.parse_args()

    results = {}
    for sandbox in ["auto", "rlimit"]:
        service = Service(args.binary, sandbox)
        try:
            enforcement = service.system["enforcement"]
            service.run(args.paths)  # warm-up: Python's imports, the page cache
            runs = [service.run(args.paths) for _ in range(args.runs)]
            results[enforcement] = runs
        finally:
            service.stop()

    print(f"{args.runs} runs of {' '.join(args.paths)} each, timed from start to end by the service")
    print(f"{'enforcement':<12} {'median s':>9} {'mean s':>8} {'min s':>7} {'max s':>7}")
    for enforcement, runs in results.items():
        times = [seconds(run) for run in runs]
        print(f"{enforcement:<12} {statistics.median(times):9.3f} {statistics.mean(times):8.3f} "
              f"{min(times):7.3f} {max(times):7.3f}")
    cgroup = [e for e in results if e.startswith("cgroup")]
    if cgroup and "rlimit" in results:
        with_cgroup = statistics.median(seconds(run) for run in results[cgroup[0]])
        without = statistics.median(seconds(run) for run in results["rlimit"])
        print(f"sandbox cost: {1000 * (with_cgroup - without):+.1f} ms per run "
              f"({100 * (with_cgroup - without) / without:+.1f} %)")
        peaks = [run["resources"]["peak_memory_bytes"] for run in results[cgroup[0]]]
        cpus = [run["resources"]["cpu_seconds"] for run in results[cgroup[0]]]
        print(f"peak memory per run: median {statistics.median(peaks) / 2**20:.1f} MiB; "
              f"CPU time per run: median {statistics.median(cpus):.3f} s")
    else:
        print("no cgroup here: only rlimits could be measured", file=sys.stderr)


if __name__ == "__main__":
    main()
