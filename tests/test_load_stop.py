"""Stopping the load benchmark mid-run (SIGTERM, as `kill` or a CI timeout sends) stops the
server it started and removes the data it made, as Ctrl-C does."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
STARTED = re.compile(r"against custodes serve --port (\d+)")


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_sigterm_mid_run_stops_the_server_and_removes_its_data(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TMPDIR"] = str(tmp_path)  # where the benchmark makes its data directory
    command = [sys.executable, str(REPOSITORY / "benchmarks" / "load.py"), "--backend", "sqlite"]
    command += ["--scenario", "a", "--steady-respondents", "3", "--steady-think", "1"]
    command += ["--steady-duration", "120", "--no-baseline"]
    benchmark = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    port = None
    try:
        assert benchmark.stdout is not None
        seen = []
        for line in benchmark.stdout:
            seen.append(line)
            if match := STARTED.search(line):
                port = int(match.group(1))
                break
        assert port is not None, "".join(seen)
        # Mid-run: the server has logged a respondent's save.
        assert _wait(lambda: _saved(tmp_path, port), 60), "".join(seen)
        benchmark.send_signal(signal.SIGTERM)
        output, _ = benchmark.communicate(timeout=60)
        assert benchmark.returncode == 130, "".join(seen) + output
        assert "Interrupted" in output
        assert not _answers(port)
        assert not list(tmp_path.glob("custodes-load-*"))
    finally:
        if benchmark.poll() is None:
            benchmark.kill()
            benchmark.wait()
        if port is not None and _answers(port):  # the test failed: do not leave a server behind
            subprocess.run(["pkill", "-f", f"custodes serve --port {port}"], check=False)


def _saved(directory: Path, port: int) -> bool:
    """Whether the server on ``port`` has logged a form save (its log is in the data it made)."""
    logs = directory.glob(f"custodes-load-*/custodes-{port}.log")
    return any("POST /respond/" in log.read_text(errors="replace") for log in logs)


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
