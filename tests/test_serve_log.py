"""Issue 8, finding 2, through the review's own door: run `echoorg serve` (gunicorn), send
it survey and speak-up requests that make every layer log (the request line, Django's
"Not Found" and "Forbidden" warnings, gunicorn's invalid-request warning), then read what
the server printed: no link token, no survey or speak-up path, no client address."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

TOKEN = "Zq3SECRETlinkTOKEN0123456789abcd"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url: str, data: bytes | None = None) -> int:
    try:
        with urllib.request.urlopen(url, data=data, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def _serve_and_attack(data_dir: Path) -> str:
    env = {
        **os.environ,
        "ECHOORG_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'echoorg.sqlite3'}",
        "ECHOORG_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-m", "echoorg.cli", "migrate", "--noinput", "-v0"],
        env=env,
        check=True,
        timeout=300,
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = data_dir / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "echoorg.cli", "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _status(base + "/healthz") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("echoorg serve did not start:\n" + log.read_text())
            time.sleep(0.2)
        assert _status(f"{base}/s/{TOKEN}/") == 404  # an unknown (or replaced) link
        assert _status(f"{base}/s/{TOKEN}/1/", data=b"next=1") == 403  # no CSRF cookie
        assert _status(f"{base}/speak-up/no-such-organisation/") == 404
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(f"GET /s/{TOKEN}/\r\n\r\n".encode())  # a malformed request line
            raw.recv(1024)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return log.read_text()


def test_echoorg_serve_logs_route_names_and_never_a_token(tmp_path):
    printed = _serve_and_attack(tmp_path)
    assert "GET survey_start 404" in printed and "POST survey_page 403" in printed
    assert "GET speak_up 404" in printed
    assert "Not Found: route survey_start" in printed
    assert "Invalid request from ip=[withheld]" in printed
    assert TOKEN not in printed and "SECRET" not in printed
    assert "/s/" not in printed and "speak-up/" not in printed
    for line in printed.splitlines():
        assert "ip=127.0.0.1" not in line
