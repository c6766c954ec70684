"""The culture diagnostic's pages, one module per family of pages. The view functions are
re-exported here, so `echoorg.diagnostic.views.<name>` names every page."""

from .comments import wave_comments
from .imports import wave_import, wave_import_job
from .instruments import instrument_detail, instruments
from .links import wave_links
from .results import (
    trends,
    wave_psychometrics,
    wave_results_export,
    wave_results_page,
    wave_rows_export,
)
from .waves import wave_close, wave_detail, wave_new, waves

__all__ = [
    "instrument_detail",
    "instruments",
    "trends",
    "wave_close",
    "wave_comments",
    "wave_detail",
    "wave_import",
    "wave_import_job",
    "wave_links",
    "wave_new",
    "wave_psychometrics",
    "wave_results_export",
    "wave_results_page",
    "wave_rows_export",
    "waves",
]
