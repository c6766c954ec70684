"""Background tasks of the culture diagnostic (django-tasks; see echoorg/common/tasks.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_response_import(job_id: str) -> None:
    """Import a large responses file kept on a `ResponseImport` job."""
    from . import services

    services.run_import(job_id)
