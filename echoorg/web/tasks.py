"""Where `send_email` lived before it moved to echoorg.common.tasks.

Kept only so that emails queued by an earlier version (the database task backend stores
each task's import path, "echoorg.web.tasks.send_email") still run on a new worker.
Nothing in echoorg imports this module; remove it once no such task can be waiting.
"""

from echoorg.common.tasks import send_email  # noqa: F401
