"""Seeded generator for echoorg's demonstration organisation.

Everything produced here is FICTIONAL. "Northmoor Borough Council" is an invented
English local authority; its directorates, services, teams and people do not exist,
and any resemblance to real councils or real people is coincidental. Email addresses
use the reserved ``northmoor.example`` domain, so they can never reach a real inbox.

The generator uses only the standard library and its own ``random.Random`` instance,
so the same ``seed`` and ``staff`` always give exactly the same organisation.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from echoorg.core.roles import ROLES as _ROLE_LABELS

ROLES: tuple[str, ...] = tuple(_ROLE_LABELS)
DOMAIN = "northmoor.example"
ORG_SLUG = "northmoor"
ORG_NAME = "Northmoor Borough Council (fictional)"


@dataclass(frozen=True)
class DemoUnit:
    """A directorate, service or team; ``parent`` is the parent unit's name."""

    name: str
    parent: str | None
    kind: str


@dataclass(frozen=True)
class DemoPerson:
    """A fictional member of staff belonging to one team."""

    email: str
    full_name: str
    unit: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class DemoOrganisation:
    """The whole demo organisation; units list parents before their children."""

    slug: str
    name: str
    units: tuple[DemoUnit, ...]
    people: tuple[DemoPerson, ...]


# Directorate -> services -> teams. Written for this project; all invented.
_STRUCTURE: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    (
        "Children's Services",
        (
            (
                "Front Door and Early Help",
                (
                    "Multi-Agency Safeguarding Hub",
                    "Early Help Locality Team East",
                    "Early Help Locality Team West",
                ),
            ),
            (
                "Children's Social Work",
                (
                    "Assessment and Intervention Team North",
                    "Assessment and Intervention Team South",
                    "Child Protection and Court Team",
                    "Disabled Children's Team",
                ),
            ),
            (
                "Children in Care and Permanence",
                (
                    "Children in Care Team",
                    "Leaving Care Team",
                    "Fostering Recruitment",
                    "Private Fostering Team",
                ),
            ),
        ),
    ),
    (
        "Adults' Services",
        (
            (
                "Adult Social Care Localities",
                (
                    "Adult Social Care Front Door",
                    "Hospital Discharge Team",
                    "Reablement East",
                    "Reablement West",
                ),
            ),
            (
                "Safeguarding and Mental Health",
                (
                    "Safeguarding Adults Hub",
                    "Community Mental Health Social Work Team",
                    "Approved Mental Health Professional Hub",
                ),
            ),
            ("Community Support and Carers", ("Carers Support Team", "Shared Lives Scheme")),
        ),
    ),
    (
        "Education and Inclusion",
        (
            (
                "Special Educational Needs and Disabilities",
                ("SEND Assessment Team", "Educational Psychology Service"),
            ),
            (
                "Inclusion and Attendance",
                ("Virtual School", "Education Welfare Team", "Elective Home Education Team"),
            ),
        ),
    ),
    (
        "Workforce, Practice and Improvement",
        (
            ("Practice Development", ("Social Work Academy", "Practice Quality Assurance Team")),
            (
                "Organisational Development and Insight",
                (
                    "Organisational Development Team",
                    "Research and Intelligence Team",
                    "Executive Support Office",
                ),
            ),
        ),
    ),
)

# Deliberately small teams, so anonymity thresholds have something to suppress.
_SMALL_TEAMS = frozenset(
    {
        "Private Fostering Team",
        "Approved Mental Health Professional Hub",
        "Shared Lives Scheme",
        "Elective Home Education Team",
    }
)

# The fixed demo login accounts: role -> (full name, team).
_DEMO_ACCOUNTS: dict[str, tuple[str, str]] = {
    "facilitator": ("Morgan Ashdown", "Organisational Development Team"),
    "leader": ("Helen Oduya", "Multi-Agency Safeguarding Hub"),
    "staff": ("Sam Kettleby", "Assessment and Intervention Team North"),
    "guardian": ("Ruth Penhallow", "Practice Quality Assurance Team"),
    "mentor": ("Dev Ramanathan", "Social Work Academy"),
    "researcher": ("Ingrid Solberg", "Research and Intelligence Team"),
    "board": ("Cllr Patrick Whitmore", "Executive Support Office"),
}

# Extra role holders chosen among generated people (never a service's first team).
_EXTRA_ROLES: dict[str, tuple[str, ...]] = {
    "Hospital Discharge Team": ("guardian", "staff"),
    "Leaving Care Team": ("guardian", "staff"),
    "Child Protection and Court Team": ("mentor", "staff"),
    "Reablement East": ("mentor", "staff"),
}

_FIRST_NAMES: tuple[str, ...] = (
    "Aisha",
    "Amara",
    "Amelia",
    "Aneurin",
    "Bethan",
    "Bilal",
    "Callum",
    "Chloe",
    "Chidi",
    "Ciaran",
    "Daniel",
    "Deepa",
    "Eilidh",
    "Emily",
    "Ewan",
    "Farah",
    "Fatima",
    "Finley",
    "Gareth",
    "Grace",
    "Hamza",
    "Hannah",
    "Harjit",
    "Imogen",
    "Isla",
    "Jack",
    "Jasmine",
    "Kwame",
    "Kerry",
    "Leah",
    "Liam",
    "Lowri",
    "Mei",
    "Mohammed",
    "Niamh",
    "Nkechi",
    "Oliver",
    "Olusegun",
    "Priya",
    "Rhys",
    "Rosa",
    "Ruby",
    "Saoirse",
    "Sanjay",
    "Sophie",
    "Tariq",
    "Thomas",
    "Yusuf",
    "Zainab",
    "Zoë",
    "Siân",
    "Kofi",
    "Agnieszka",
    "Tomasz",
    "Marcus",
    "Joanne",
)
_SURNAMES: tuple[str, ...] = (
    "Adeyemi",
    "Ahmed",
    "Ali",
    "Atkinson",
    "Begum",
    "Bennett",
    "Campbell",
    "Chaudhry",
    "Clarke",
    "Davies",
    "Edwards",
    "Evans",
    "Fraser",
    "Ghosh",
    "Hughes",
    "Hussain",
    "Jenkins",
    "Jones",
    "Kaur",
    "Khan",
    "Kowalski",
    "Lewis",
    "Macdonald",
    "Mensah",
    "Morris",
    "Murphy",
    "Nowak",
    "O'Brien",
    "Okonkwo",
    "Owusu",
    "Patel",
    "Pritchard",
    "Robinson",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Walsh",
    "Williams",
    "Wong",
    "Wright",
    "Yildiz",
    "Zhang",
    "Lloyd-Jones",
    "Nwosu",
    "Osei",
    "Rahman",
)


def _copies_of(team: str, copies: int) -> list[str]:
    """The team and, for a larger demo, its numbered copies ("Virtual School 2", ...)."""
    return [team] + [f"{team} {n}" for n in range(2, copies + 1)]


def _structure(copies: int) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """The structure with each team present ``copies`` times (once for the usual demo)."""
    return [
        (
            directorate,
            [
                (service, [c for team in teams for c in _copies_of(team, copies)])
                for service, teams in services
            ],
        )
        for directorate, services in _STRUCTURE
    ]


def _team_names(copies: int = 1) -> list[str]:
    """Return every team name in unit order."""
    return [t for _, services in _structure(copies) for _, teams in services for t in teams]


def _build_units(copies: int = 1) -> tuple[DemoUnit, ...]:
    """Flatten the structure into units, each parent before its children."""
    units: list[DemoUnit] = []
    for directorate, services in _structure(copies):
        units.append(DemoUnit(directorate, None, "directorate"))
        for service, teams in services:
            units.append(DemoUnit(service, directorate, "service"))
            units.extend(DemoUnit(team, service, "team") for team in teams)
    return tuple(units)


def _team_sizes(rng: random.Random, teams: list[str], staff: int) -> list[int]:
    """Split ``staff`` across ``teams``; small teams get 3-4, the rest share."""
    homes = [home for _, home in _DEMO_ACCOUNTS.values()]
    sizes = [1 + homes.count(team) for team in teams]
    remaining = staff - sum(sizes)
    targets = {i: rng.randint(3, 4) for i, t in enumerate(teams) if t in _SMALL_TEAMS}
    weights = {i: rng.randint(12, 36) for i, t in enumerate(teams) if t not in _SMALL_TEAMS}
    for i, target in targets.items():
        extra = max(0, min(target - sizes[i], remaining))
        sizes[i] += extra
        remaining -= extra
    total_weight = sum(weights.values())
    shares = {i: divmod(remaining * w, total_weight) for i, w in weights.items()}
    for i, (whole, _) in shares.items():
        sizes[i] += whole
    leftover = remaining - sum(whole for whole, _ in shares.values())
    by_remainder = sorted(shares, key=lambda i: (-shares[i][1], i))
    for i in by_remainder[:leftover]:
        sizes[i] += 1
    return sizes


def _ascii_letters(text: str) -> str:
    """Lower-case ASCII letters of ``text``, accents stripped, other marks dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.lower() if "a" <= c <= "z")


class _EmailAllocator:
    """Hands out unique ``first.surname[N]@northmoor.example`` addresses."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def allocate(self, first: str, surname: str) -> str:
        """Return a new unique address for the given name."""
        base = f"{_ascii_letters(first)}.{_ascii_letters(surname)}"
        count = self._counts.get(base, 0) + 1
        self._counts[base] = count
        local = base if count == 1 else f"{base}{count}"
        return f"{local}@{DOMAIN}"


def generate_demo_organisation(
    seed: int = 2026, staff: int = 600, team_copies: int = 1
) -> DemoOrganisation:
    """Build the fictional Northmoor organisation deterministically from ``seed``.

    ``staff`` is the total number of people, the seven demo accounts included.
    ``team_copies`` above 1 gives each service that many copies of each of its teams
    ("Virtual School", "Virtual School 2", ...), for a larger organisation with teams
    of the usual size (query-budget tests and benchmarks); the copies are ordinary
    teams, without the extra role holders of the originals.
    Raises ``ValueError`` if it is too small to give every team at least one
    generated person in addition to the demo accounts.
    """
    if team_copies < 1:
        raise ValueError(f"team_copies must be at least 1; got {team_copies}")
    teams = _team_names(team_copies)
    minimum = len(teams) + len(ROLES)
    if staff < minimum:
        raise ValueError(
            f"staff must be at least {minimum} (one person per team for "
            f"{len(teams)} teams plus {len(ROLES)} demo accounts); got {staff}"
        )
    rng = random.Random(seed)
    sizes = _team_sizes(rng, teams, staff)
    first_teams = {ts[0] for _, services in _STRUCTURE for _, ts in services}
    emails = _EmailAllocator()
    people: list[DemoPerson] = []
    for team, size in zip(teams, sizes, strict=True):
        members = [
            DemoPerson(f"{role}@{DOMAIN}", name, team, (role,))
            for role, (name, home) in _DEMO_ACCOUNTS.items()
            if home == team
        ]
        generated: list[DemoPerson] = []
        for _ in range(size - len(members)):
            first, surname = rng.choice(_FIRST_NAMES), rng.choice(_SURNAMES)
            email = emails.allocate(first, surname)
            generated.append(DemoPerson(email, f"{first} {surname}", team, ("staff",)))
        special: tuple[str, ...] | None = None
        if team in first_teams:
            special = ("leader", "staff")  # head of service
        elif team in _EXTRA_ROLES:
            special = _EXTRA_ROLES[team]
        if special is not None:
            pick = rng.randrange(len(generated))
            chosen = generated[pick]
            generated[pick] = DemoPerson(chosen.email, chosen.full_name, team, special)
        people.extend(members + generated)
    return DemoOrganisation(ORG_SLUG, ORG_NAME, _build_units(team_copies), tuple(people))


def demo_accounts(org: DemoOrganisation) -> list[DemoPerson]:
    """Return the seven fixed demo login accounts of ``org``, in ``ROLES`` order."""
    by_email = {person.email: person for person in org.people}
    return [by_email[f"{role}@{DOMAIN}"] for role in ROLES]
