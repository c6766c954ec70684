"""What each kind of audit entry means, in words: one table for the whole product.

The trail stores an action code (`concern.viewed`) and a few details as JSON; people
reading the trail need a sentence and an explanation. Every `record("...")` call in the
code has its entry here (tests/test_audit_action_labels.py reads the calls and fails
when one is missing), so the table and the code cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from echoorg.core.roles import ROLES


@dataclass(frozen=True)
class ActionLabel:
    """`label`: what happened, as a short sentence; `meaning`: why it is recorded and how
    to read it."""

    label: str
    meaning: str


# The roles that a second person must confirm (orgs.services.CONFIRMED_ROLES); their
# requests and grants are recorded as `<role>.<step>`.
CONFIRMED_ROLE_CODES = ("guardian", "board")

ACTIONS: dict[str, ActionLabel] = {
    # People and logins
    "account.login": ActionLabel(
        "Logged in",
        "Someone logged in to echoorg; two-factor or a recovery code is noted when used.",
    ),
    "account.logout": ActionLabel("Logged out", "Someone ended their session."),
    "account.2fa_enabled": ActionLabel(
        "Turned on two-factor login",
        "The person now needs a code from an authenticator app as well as a password.",
    ),
    "account.2fa_disabled": ActionLabel(
        "Turned off two-factor login",
        "The person logs in with a password alone from now on.",
    ),
    "account.2fa_reset_by_administrator": ActionLabel(
        "Two-factor login reset by whoever runs echoorg",
        "Done on the command line, usually when someone lost their phone; the reason "
        "given is kept.",
    ),
    "account.recovery_code_used": ActionLabel(
        "Logged in with a recovery code",
        "A one-time code replaced the authenticator app; the number of codes left is shown.",
    ),
    "account.recovery_codes_regenerated": ActionLabel(
        "Made new recovery codes",
        "The old recovery codes stopped working and new ones were shown once.",
    ),
    "concern.guardian_assigned": ActionLabel(
        "Assigned a concern to a guardian",
        "The guardian named now looks after the case; it appears under their 'Mine' list.",
    ),
    "concern.public_page_changed": ActionLabel(
        "Changed the public speak-up page",
        "A guardian switched the organisation's public speak-up page on or off, or changed "
        "how the page says guardians can be reached.",
    ),
    "library.code_added": ActionLabel(
        "Added a code to the organisation's ECHO taxonomy",
        "A facilitator added a code of the organisation's own beside the shipped codebook, "
        "which stays as published.",
    ),
    "concern.shared_for_learning": ActionLabel(
        "Shared a concluded concern for learning",
        "A guardian wrote (or rewrote) an anonymised summary and timeline of a concluded "
        "case for leaders' case analyses; leaders see only those words, never the concern.",
    ),
    "concern.learning_withdrawn": ActionLabel(
        "Withdrew a concern from learning",
        "A guardian stopped sharing a case's anonymised summary; no leader sees it any more.",
    ),
    # The ECHO case analysis (issue 12): what a leader writes is encrypted and never in the
    # trail; the entries say who did what to which analysis.
    "analysis.started": ActionLabel(
        "Started a case analysis",
        "A leader began analysing a case: an inquiry, a case of their own or a shared one.",
    ),
    "analysis.step_saved": ActionLabel(
        "Saved a step of a case analysis", "The step's name is kept, not what was written."
    ),
    "analysis.renamed": ActionLabel("Renamed a case analysis", "Its author changed its title."),
    "analysis.shared": ActionLabel(
        "Shared a case analysis with a mentor",
        "The author let one named mentor read the analysis.",
    ),
    "analysis.unshared": ActionLabel(
        "Stopped sharing a case analysis",
        "The mentor named can no longer read the analysis.",
    ),
    "analysis.completed": ActionLabel(
        "Finished a case analysis", "Its author marked it as finished."
    ),
    "analysis.reopened": ActionLabel(
        "Reopened a case analysis", "Its author marked it as in progress again."
    ),
    "analysis.read_by_mentor": ActionLabel(
        "A mentor read a shared case analysis",
        "Who read an analysis other than its author is part of its record.",
    ),
    "analysis.example_added": ActionLabel(
        "Added the worked example of a case analysis",
        "A fictional worked example that leaders and mentors can read.",
    ),
    # Leader development: never the reflection's words, only who shared it with whom.
    "reflection.started": ActionLabel(
        "Started a reflection",
        "A leader began a guided critical reflection; its words are private and encrypted, "
        "and never written to the audit trail.",
    ),
    "reflection.deleted": ActionLabel(
        "Deleted a reflection", "The author removed one of their reflections for good."
    ),
    "reflection.shared": ActionLabel(
        "Shared a reflection with a mentor",
        "The author let the named mentor read the reflection (and comment on it); nobody "
        "else can read it.",
    ),
    "reflection.unshared": ActionLabel(
        "Stopped sharing a reflection",
        "The mentor who could read the reflection no longer can.",
    ),
    "reflection.read_by_mentor": ActionLabel(
        "A mentor read a shared reflection",
        "Recorded so the author can see when their mentor opened it.",
    ),
    "reflection.commented": ActionLabel(
        "A mentor commented on a shared reflection",
        "The comment is encrypted and shown only to the author and that mentor.",
    ),
    "reflection.word_lists_changed": ActionLabel(
        "Changed the reflection aid's word lists",
        "A facilitator changed the words the reflection aid counts for this organisation; "
        "the lists changed and their numbers of entries are noted.",
    ),
    "scenario.started": ActionLabel(
        "Started a branching scenario",
        "A leader began practising a fictional scenario; their choices stay visible to them "
        "alone. The scenario's name is shown.",
    ),
    "scenario.finished": ActionLabel(
        "Finished a branching scenario",
        "The person reached the scenario's debrief; the ending they reached is shown.",
    ),
    "workshop.started": ActionLabel(
        "Started a scenario workshop",
        "A facilitator began running a scenario live for a room; participants join with a "
        "code and vote anonymously. The scenario's name is shown.",
    ),
    "workshop.finished": ActionLabel(
        "Finished a scenario workshop",
        "The room reached the scenario's debrief; the ending and the number of decisions "
        "are shown (never who voted).",
    ),
    "api_token.created": ActionLabel(
        "Created an API token",
        "A key that lets another system (HR, a survey tool) act as this person.",
    ),
    "api_token.revoked": ActionLabel(
        "Revoked an API token", "The named key no longer works for any system."
    ),
    # The organisation and its people
    "organisation.created": ActionLabel(
        "Set up the organisation", "The organisation was created in echoorg."
    ),
    "organisation.security_changed": ActionLabel(
        "Changed who must use two-factor login",
        "The roles that must log in with a second factor, before and after.",
    ),
    "unit.created": ActionLabel(
        "Added a unit", "A team, ward or department was added to the organisation's tree."
    ),
    "unit.updated": ActionLabel(
        "Changed a unit",
        "A unit was renamed, moved or given another kind; closed waves keep the old tree.",
    ),
    "units.imported": ActionLabel(
        "Imported units", "Several units were added at once from a file."
    ),
    "membership.created": ActionLabel(
        "Added a person", "Someone was given access to the organisation, with their roles."
    ),
    "membership.changed": ActionLabel(
        "Changed a person's roles", "The person's roles before and after the change."
    ),
    "membership.removed": ActionLabel(
        "Removed a person", "Someone lost access to the organisation."
    ),
    "demo.loaded": ActionLabel(
        "Loaded the demonstration data",
        "Made-up people and units for trying echoorg; none of it is about real people.",
    ),
    "audit.sealed": ActionLabel(
        "Sealed the audit trail with a new key",
        "From here on entries are chained with a key kept outside the database, so an "
        "entry changed in the database alone no longer checks out.",
    ),
    # The culture diagnostic
    "instrument.added": ActionLabel(
        "Added a survey instrument", "The organisation's own questionnaire was stored."
    ),
    "wave.created": ActionLabel(
        "Set up a survey wave",
        "Its instrument, the units it covers, how it collects answers and the smallest "
        "group whose results are shown.",
    ),
    "wave.opened": ActionLabel(
        "Opened a survey wave",
        "Everyone in the units covered was sent a link. People who joined between set-up "
        "and opening are counted, because padding a wave with made-up people would start "
        "there.",
    ),
    "wave.reminded": ActionLabel(
        "Sent survey reminders",
        "People who had not answered were sent a fresh link; who they are is not recorded.",
    ),
    "wave.links_printed": ActionLabel(
        "Printed survey links",
        "Fresh single-use links were printed for people without email. The entry keeps "
        "the number only: which link went to whom is written nowhere.",
    ),
    "wave.closed": ActionLabel(
        "Closed a survey wave",
        "The wave took no more answers and its results were released.",
    ),
    "wave.figures_stored": ActionLabel(
        "Stored a closed wave's results",
        "The figures of a wave closed before results were stored were computed once and "
        "kept, so every page and export reads the same figures from now on.",
    ),
    "survey.responses_added": ActionLabel(
        "Stored a wave's answers",
        "When the wave closed, its answers were stored in one shuffled batch, so their "
        "order says nothing about who answered when.",
    ),
    "survey.responses_imported": ActionLabel(
        "Imported survey answers", "Answers collected by another survey tool were added."
    ),
    "survey.import_queued": ActionLabel(
        "Started a large import",
        "A large file of answers was kept for a background import.",
    ),
    "wave.results_exported": ActionLabel(
        "Downloaded a wave's unit figures", "The same figures as the results page, as a file."
    ),
    "wave.rows_exported": ActionLabel(
        "Downloaded de-identified answers",
        "One row per respondent, coarsened so that no small group stands out.",
    ),
    "wave.full_rows_exported": ActionLabel(
        "Downloaded full answers under an agreement",
        "Rows that are not coarsened, for research covered by the data-sharing agreement named.",
    ),
    "plan.summary_saved": ActionLabel(
        "Saved what staff told us",
        "The summary at the head of a wave's action plan was written or changed; staff see "
        "it only once the plan is published again.",
    ),
    "plan.action_added": ActionLabel(
        "Added an action to a plan", "A leader added something they will do about a survey."
    ),
    "plan.action_changed": ActionLabel(
        "Changed an action of a plan",
        "What, who, when, status or scale of an action changed; the fields are listed.",
    ),
    "plan.action_removed": ActionLabel(
        "Removed an action from a plan",
        "An action was taken out of the plan; versions already published keep it.",
    ),
    "plan.published": ActionLabel(
        "Published a survey's results and plan",
        "Every member of the organisation can now read the whole organisation's figures "
        "and the plan as they stood at this moment (a numbered version).",
    ),
    "plan.unpublished": ActionLabel(
        "Withdrew a published plan",
        "Staff no longer see the survey's results and plan; the version stays in the "
        "history leaders see.",
    ),
    "demo.wave_loaded": ActionLabel(
        "Loaded a demonstration survey wave", "Made-up answers for trying the results pages."
    ),
    # Speak up
    "concern.received": ActionLabel(
        "Received a concern", "Someone raised a concern; its reference is kept, not its text."
    ),
    "concern.viewed": ActionLabel(
        "Read a concern",
        "Who opened a case is part of its record, so that a reporter's trust can be checked.",
    ),
    "concern.attachment_opened": ActionLabel(
        "Opened a concern's attachment", "A file sent with the concern was opened."
    ),
    "concern.assigned": ActionLabel(
        "Assigned a concern",
        "The unit the concern is about, or the person responsible for it, was set.",
    ),
    "concern.event": ActionLabel(
        "Recorded a step in a concern",
        "A step in handling the case, with its date. A response that turns on the person "
        "who spoke up rather than the concern is marked as defensive.",
    ),
    "concern.message": ActionLabel(
        "Sent a message about a concern",
        "A message between the guardian and the person who raised it; its words are "
        "encrypted and not in the trail.",
    ),
    "concern.speak_up_again_answered": ActionLabel(
        "Reporter said whether they would speak up again",
        "Their answer is kept with the case, not here.",
    ),
    "concern.clocks_changed": ActionLabel(
        "Changed the speak-up time limits",
        "The days allowed to acknowledge, give feedback and check for detriment, and the "
        "smallest group shown in statistics.",
    ),
    "concerns.imported": ActionLabel("Imported concerns", "Past cases were added from a file."),
    "concerns.intake_limit_reached": ActionLabel(
        "Speak-up intake limit reached",
        "More concerns arrived than the installation takes in an hour (or space ran "
        "short); guardians were emailed.",
    ),
    "concerns.keys_rotated": ActionLabel(
        "Re-encrypted concerns with a new key",
        "The number of encrypted fields re-sealed with the newest key.",
    ),
}

_ROLE_STEPS = {
    "requested": ("Asked for a new {role}", "A second person must confirm before it is given."),
    "granted": ("Gave the {role} role", "Confirmed by a second person or set on the command line."),
    "declined": ("Declined a request for a {role}", "The role was not given."),
    "request_withdrawn": ("Withdrew a request for a {role}", "Nobody needs to decide it now."),
    "request_lapsed": (
        "A request for a {role} lapsed",
        "Nobody decided it in time, so it was closed.",
    ),
    "removed": ("Removed the {role} role", "The person no longer holds it."),
}
for _role in CONFIRMED_ROLE_CODES:
    for _step, (_label, _meaning) in _ROLE_STEPS.items():
        ACTIONS[f"{_role}.{_step}"] = ActionLabel(
            _label.format(role=ROLES[_role].lower()), _meaning
        )

# Detail keys in words, where the code's name would puzzle a reader.
DETAIL_WORDS = {
    "two_factor": "two-factor login",
    "recovery_code": "with a recovery code",
    "left": "codes left",
    "unkeyed_entries": "entries before the key",
    "key_id": "key",
    "previous_key_id": "previous key",
    "joined_since_set_up": "people added after set-up",
    "min_group": "smallest group shown",
    "invited": "people invited",
    "reminded": "people reminded",
    "printed": "links printed",
    "replaced_printed": "printed links replaced",
    "responses": "answers",
    "from_reporter": "from the person who raised it",
    "via": "through",
    "agreement_reference": "agreement",
    "requested_by": "asked by",
    "confirmed_by": "confirmed by",
}

_CODE = re.compile(r"^[a-z]+(?:_[a-z]+)+$")


@dataclass(frozen=True)
class Described:
    """An entry in words: what happened, what that means, and its details as pairs."""

    code: str
    label: str
    meaning: str
    details: list[tuple[str, str]]


def label_for(action: str) -> ActionLabel:
    """The action's label; an action missing from the table reads as its code in words."""
    found = ACTIONS.get(action)
    if found is not None:
        return found
    return ActionLabel(action.replace(".", ": ").replace("_", " ").capitalize(), "")


def value_in_words(value: Any) -> str:
    """A detail's value as text: lists joined, true/false as yes/no, codes as words."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, list | tuple):
        return ", ".join(value_in_words(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{key_in_words(k)}: {value_in_words(v)}" for k, v in value.items())
    text = str(value)
    return text.replace("_", " ") if _CODE.match(text) else text


def key_in_words(key: str) -> str:
    return DETAIL_WORDS.get(key, key.replace("_", " "))


def describe(action: str, detail: dict[str, Any] | None) -> Described:
    """An audit entry (`action` and its `detail` mapping) in words."""
    found = label_for(action)
    pairs = [(key_in_words(k), value_in_words(v)) for k, v in (detail or {}).items()]
    return Described(action, found.label, found.meaning, pairs)
