"""Small helpers every app may use: form binding, email through the task queue, the
configured vault, and the registry through which each app contributes its parts.

This package sits below the apps: it imports the core and Django, never an app or the
shell (`echoorg.web`). The import-linter contracts in pyproject.toml hold it there.
"""
