"""The culture diagnostic's pages, one module per family of pages. The view functions are
re-exported here, so `echoorg.diagnostic.views.<name>` names every page."""

from .comments import wave_comments
from .conversations import conversation_guide
from .imports import wave_import, wave_import_job
from .instruments import instrument_detail, instruments
from .links import wave_links
from .plans import (
    published_result,
    published_results,
    wave_plan,
    wave_plan_action,
    wave_plan_publish,
    wave_plan_unpublish,
)
from .results import (
    trends,
    wave_psychometrics,
    wave_results_export,
    wave_results_page,
    wave_rows_export,
)
from .waves import wave_close, wave_detail, wave_new, waves

__all__ = [
    "conversation_guide",
    "instrument_detail",
    "instruments",
    "published_result",
    "published_results",
    "trends",
    "wave_close",
    "wave_comments",
    "wave_detail",
    "wave_import",
    "wave_import_job",
    "wave_links",
    "wave_new",
    "wave_plan",
    "wave_plan_action",
    "wave_plan_publish",
    "wave_plan_unpublish",
    "wave_psychometrics",
    "wave_results_export",
    "wave_results_page",
    "wave_rows_export",
    "waves",
]
