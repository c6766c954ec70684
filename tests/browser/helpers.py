"""Helpers shared by the browser tests: finding headings, matching URLs and checking for
sideways scrolling. Logging in is on the `Browser` itself (tests/browser/conftest.py):
`log_in` through the real form, `login_as` by session cookie."""

from __future__ import annotations

import re


def heading(page):
    """The page's one level-1 heading."""
    return page.get_by_role("heading", level=1)


def path_is(path: str) -> re.Pattern:
    """Matches a full URL whose path is exactly `path` (any query string or fragment)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"([?#].*)?$")


def path_matches(pattern: str) -> re.Pattern:
    """Matches a full URL whose path matches the regular expression `pattern`."""
    return re.compile(r"^https?://[^/]+" + pattern + r"([?#].*)?$")


def assert_no_horizontal_scroll(page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width + 1, (
        f"{page.url} scrolls sideways at {width} px: content is {scroll_width} px wide"
    )
