"""Roles and the one table that says which role may do what.

Every view and API call asks `allowed(roles, action)` through the permission layer in
`echoorg.orgs.permissions`; this table is the single place where the answer is written.
"""

from __future__ import annotations

from collections.abc import Iterable

FACILITATOR = "facilitator"
LEADER = "leader"
STAFF = "staff"
GUARDIAN = "guardian"
MENTOR = "mentor"
RESEARCHER = "researcher"
BOARD = "board"

ROLES: dict[str, str] = {
    FACILITATOR: "Facilitator",
    LEADER: "Leader",
    STAFF: "Staff member",
    GUARDIAN: "Speak-up guardian",
    MENTOR: "Mentor",
    RESEARCHER: "Researcher",
    BOARD: "Board member",
}

EVERYONE = frozenset(ROLES)

# action -> roles allowed, within the organisation the object belongs to.
ACTIONS: dict[str, frozenset[str]] = {
    "organisation.view": EVERYONE,
    "organisation.configure": frozenset({FACILITATOR}),
    # Set up a new organisation: a facilitator of any organisation (asked across all of
    # the person's memberships, `echoorg.orgs.permissions.can_anywhere`).
    "organisations.create": frozenset({FACILITATOR}),
    "units.view": EVERYONE,
    "units.manage": frozenset({FACILITATOR, LEADER}),
    "members.view": frozenset({FACILITATOR, LEADER}),
    "members.manage": frozenset({FACILITATOR}),
    # A second person confirms every new guardian: a guardian or a board member (never
    # the one who asked, nor the person concerned; checked in echoorg.orgs.services).
    "guardians.confirm": frozenset({GUARDIAN, BOARD}),
    "audit.view": frozenset({FACILITATOR}),
    # Culture diagnostic. Results are always suppressed figures; rows go to researchers only.
    "survey.view": frozenset({FACILITATOR, LEADER, RESEARCHER, BOARD}),
    "survey.manage": frozenset({FACILITATOR, LEADER}),
    "survey.rows": frozenset({RESEARCHER}),
    # Who answers the leaders' items (their self-ratings) rather than the staff's.
    "survey.answer_as_leader": frozenset({LEADER}),
    # Rows with every background answer as given: a researcher, under a recorded
    # data-sharing agreement (the default rows are k-anonymous).
    "survey.rows_full": frozenset({RESEARCHER}),
    "instruments.manage": frozenset({FACILITATOR}),
    # Published results and action plans (issue 10). Those who see a wave's results read
    # its plan as it is being written and its history; facilitators and leaders write it;
    # leaders publish it, since the plan is their commitment to staff; every member reads
    # what is published (the whole organisation's suppressed figures and the plan).
    "plan.view": frozenset({FACILITATOR, LEADER, RESEARCHER, BOARD}),
    "plan.write": frozenset({FACILITATOR, LEADER}),
    "results.publish": frozenset({LEADER}),
    "results.read_published": EVERYONE,
    # Speak up: case content for guardians only; statistics (suppressed) for those who
    # oversee; the quarterly return for guardians and the board.
    "concerns.raise": EVERYONE,
    "concerns.handle": frozenset({GUARDIAN}),
    # Emailed when a concern is overdue or the speak-up form refuses concerns: those
    # who handle concerns.
    "concerns.alerted": frozenset({GUARDIAN}),
    # May be named the leader responsible for the area a concern is about.
    "concerns.be_responsible": frozenset({LEADER}),
    "concerns.stats": frozenset({FACILITATOR, LEADER, GUARDIAN, BOARD}),
    "concerns.return": frozenset({GUARDIAN, BOARD}),
    # Learning from inquiries (issue 11): public material, the same for every
    # organisation, so every member reads it, staff included (nothing in it is about the
    # organisation or its people). Facilitators add the organisation's own codes.
    "library.view": EVERYONE,
    "library.codes.manage": frozenset({FACILITATOR}),
    # The ECHO case analysis (issue 12): a leader's analyses are private to their author;
    # a mentor reads one only when its author shares it with them by name (checked on the
    # object, echoorg.analysis.services). Worked examples are read by leaders and mentors.
    "analysis.view": frozenset({LEADER, MENTOR}),
    "analysis.write": frozenset({LEADER}),
    # May be named as the mentor an analysis is shared with.
    "analysis.mentor": frozenset({MENTOR}),
    # Leader development (issue 12). A reflection is its author's alone: the action lets a
    # leader write their own; reading someone else's needs the author's share with that
    # very mentor (checked per reflection in echoorg.development.services). Facilitators
    # see uptake counts only, suppressed below five people per unit.
    "development.own": frozenset({LEADER, MENTOR}),
    "reflection.write": frozenset({LEADER}),
    "reflection.mentor": frozenset({MENTOR}),
    "reflection.uptake": frozenset({FACILITATOR}),
    "reflection.words": frozenset({FACILITATOR}),
    # Branching scenarios (issue 12): leaders practise hard decisions; facilitators, who
    # run them with groups, and mentors, who discuss them with leaders, play them too.
    # Each person sees only their own plays.
    "scenarios.play": frozenset({FACILITATOR, LEADER, MENTOR}),
    # Workshop mode: a facilitator runs a scenario live for a room, whose participants
    # join with a code and no account.
    "scenarios.facilitate": frozenset({FACILITATOR}),
}


def allowed(roles: Iterable[str], action: str) -> bool:
    """True when any of `roles` may perform `action`. Unknown actions are refused."""
    permitted = ACTIONS.get(action)
    if permitted is None:
        raise KeyError(f"unknown action {action!r}")
    return any(role in permitted for role in roles)


def clean_roles(roles: Iterable[str]) -> list[str]:
    """Validate and order a list of role names; raises ValueError naming unknown ones."""
    roles = [r.strip().lower() for r in roles if r and r.strip()]
    unknown = sorted(set(roles) - EVERYONE)
    if unknown:
        raise ValueError(f"Unknown role(s): {', '.join(unknown)}; choose from {', '.join(ROLES)}.")
    if not roles:
        raise ValueError("Give at least one role.")
    return [r for r in ROLES if r in roles]
