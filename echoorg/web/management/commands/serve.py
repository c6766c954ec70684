import os
import sys

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve echoorg with gunicorn on 127.0.0.1 (use a reverse proxy in production)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("ECHOORG_HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("ECHOORG_WORKERS", "2"))
        )

    def handle(self, *args, port: int, host: str, workers: int, **options) -> None:
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        self.stdout.write(f"echoorg is serving on http://{host}:{port}/ (Ctrl+C stops it).")
        self.stdout.flush()
        # No gunicorn access log: it would write survey paths, which hold link tokens.
        # echoorg logs each request by its route's name instead (echoorg.web.request_log).
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "echoorg.web.wsgi:application",
            "--config",
            "python:echoorg.web.gunicorn_conf",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
        ]
        os.execv(sys.executable, argv)
