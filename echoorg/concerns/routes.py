"""The ways to speak up named on the public page, read from `speak_up_routes.yaml`:
each statement with the sources it rests on (title, publisher, date, address)."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

ROUTES_FILE = Path(__file__).with_name("speak_up_routes.yaml")
SOURCE_FIELDS = ("title", "publisher", "date", "url", "site", "research")


class RoutesFileError(ValueError):
    """The routes file breaks its own rules (a statement without a source, a source
    without a publisher); raised when the file is read, so a mistake never reaches a page."""


def check_routes(data: dict) -> list[str]:
    """Every problem in the routes data, worded for whoever edits the file."""
    problems: list[str] = []
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources:
        return ["the file has no sources"]
    for key, source in sources.items():
        if not isinstance(source, dict):
            problems.append(f"source {key}: not a mapping")
            continue
        for field in SOURCE_FIELDS:
            if not isinstance(source.get(field), str):
                problems.append(f"source {key}: {field} is missing")
        for field in ("title", "publisher", "research"):
            if not str(source.get(field) or "").strip():
                problems.append(f"source {key}: {field} is empty")
        if source.get("url") and not str(source["url"]).startswith("https://"):
            problems.append(f"source {key}: url must start with https://")
    for part in ("inside", "outside"):
        routes = data.get(part)
        if not isinstance(routes, list) or not routes:
            problems.append(f"{part}: no routes")
            continue
        for n, route in enumerate(routes, start=1):
            where = f"{part} {n}"
            if not isinstance(route, dict):
                problems.append(f"{where}: not a mapping")
                continue
            for field in ("name", "what"):
                if not str(route.get(field) or "").strip():
                    problems.append(f"{where}: {field} is empty")
            cited = route.get("sources")
            if not isinstance(cited, list) or not cited:
                problems.append(f"{where}: names no source")
                continue
            problems += [f"{where}: unknown source {c}" for c in cited if c not in sources]
    return problems


@functools.cache
def speak_up_routes() -> dict:
    """The routes with each route's sources resolved, read once per process."""
    data = yaml.safe_load(ROUTES_FILE.read_text(encoding="utf-8"))
    problems = check_routes(data)
    if problems:
        raise RoutesFileError("; ".join(problems))
    sources = data["sources"]

    def resolved(route: dict) -> dict:
        return {**route, "sources": [sources[key] for key in route["sources"]]}

    return {
        "inside": [resolved(r) for r in data["inside"]],
        "outside": [resolved(r) for r in data["outside"]],
    }
