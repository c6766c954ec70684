"""The server's own log: `echoorg serve` runs gunicorn without its access log (which
would write survey paths, holding link tokens) and with its error log scrubbed."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.management import call_command
from gunicorn.config import Config

from echoorg.web import gunicorn_conf
from echoorg.web.request_log import scrub


def test_serve_runs_gunicorn_with_echoorgs_logging_and_no_access_log(monkeypatch):
    started = []
    monkeypatch.setattr("os.execv", lambda path, argv: started.append(argv))
    call_command("serve", "--port", "8123", stdout=io.StringIO())
    argv = started[0]
    assert "--access-logfile" not in argv and "--access-logformat" not in argv
    assert argv[argv.index("--config") + 1] == "python:echoorg.web.gunicorn_conf"


def test_gunicorn_writes_no_access_line_and_scrubs_its_error_log():
    config = Config()
    config.set("accesslog", "-")  # even if someone turns the access log back on
    log = gunicorn_conf.RouteOnlyLogger(config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    log.error_log.addHandler(handler)
    log.access_log.addHandler(handler)
    try:
        log.access(None, None, {"PATH_INFO": "/s/SECRETTOKEN/"}, None)
        log.warning(
            "Invalid request from ip=2001:db8::7: Invalid HTTP request line: "
            "'GET /s/SECRETTOKEN/1/ HTTP/1.1'"
        )
        log.exception("Error handling request GET /speak-up/alpha/follow-up/")
    finally:
        log.error_log.removeHandler(handler)
        log.access_log.removeHandler(handler)
    written = stream.getvalue()
    assert "SECRETTOKEN" not in written and "2001:db8" not in written
    assert "speak-up/" not in written and "/s/" not in written
    assert "Invalid request from ip=[withheld]:" in written


@pytest.mark.parametrize(
    "line",
    [
        "GET /s/abc_DEF-123/4/ HTTP/1.1",
        "https://echo.example/s/abc/",
        "/speak-up/alpha/case/",
        "/password-reset/MQ/abc-123/",
    ],
)
def test_private_paths_are_blanked(line):
    assert scrub(line).count("[path withheld]") == 1
    assert "abc" not in scrub(line) and "alpha" not in scrub(line)


@pytest.mark.django_db
def test_each_request_is_logged_by_route_name(client, caplog):
    caplog.set_level(logging.INFO, logger="echoorg.requests")
    client.get("/s/SECRETTOKEN123456/")
    client.get("/static/echoorg/does-not-exist.css")
    client.get("/no/such/page/")
    lines = [r.getMessage() for r in caplog.records if r.name == "echoorg.requests"]
    assert [line.rsplit(" ", 1)[0] for line in lines] == [
        "GET survey_start 404",
        "GET static 404",
        "GET unmatched 404",
    ]
    assert not any("SECRETTOKEN" in r.getMessage() for r in caplog.records)
