"""gunicorn settings for `echoorg serve` (`gunicorn -c python:echoorg.web.gunicorn_conf`).

gunicorn's access log would write every request's path, and a survey path holds the
link token that names the invited person. So it is off: echoorg's own middleware
(`echoorg.web.request_log`) logs the route's name instead. gunicorn's error log keeps
its lines, scrubbed of paths and client addresses.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from echoorg.web.request_log import PathScrubbingFilter

accesslog = None
disable_redirect_access_to_syslog = True


def pre_request(worker, req) -> None:
    """gunicorn's default logs each request's path at debug level; this logs nothing."""


class RouteOnlyLogger(Logger):
    """gunicorn's logger with the access log silenced and the error log scrubbed."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(isinstance(f, PathScrubbingFilter) for f in self.error_log.filters):
            self.error_log.addFilter(PathScrubbingFilter())

    def access(self, resp, req, environ, request_time) -> None:
        return None


logger_class = RouteOnlyLogger
