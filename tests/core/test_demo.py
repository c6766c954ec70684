"""Tests for the fictional Northmoor demo organisation generator."""

import re
from collections import Counter

import pytest

from echoorg.core.demo import (
    ROLES,
    DemoOrganisation,
    demo_accounts,
    generate_demo_organisation,
)


@pytest.fixture(scope="module")
def org() -> DemoOrganisation:
    return generate_demo_organisation()


def _team_sizes(org: DemoOrganisation) -> Counter:
    return Counter(person.unit for person in org.people)


def test_it_is_deterministic():
    assert generate_demo_organisation(seed=7, staff=650) == generate_demo_organisation(
        seed=7, staff=650
    )
    assert generate_demo_organisation() == generate_demo_organisation(2026, 600)


def test_a_different_seed_changes_the_people_but_not_the_structure():
    first = generate_demo_organisation(seed=1)
    second = generate_demo_organisation(seed=2)
    assert [p.full_name for p in first.people] != [p.full_name for p in second.people]
    assert first.units == second.units
    assert len(first.people) == len(second.people) == 600


def test_it_has_the_expected_identity(org):
    assert org.slug == "northmoor"
    assert "fictional" in org.name.lower()


def test_it_has_enough_directorates_teams_and_people(org):
    kinds = Counter(unit.kind for unit in org.units)
    assert kinds["directorate"] >= 3
    assert kinds["team"] >= 25
    assert set(kinds) == {"directorate", "service", "team"}
    assert len(org.people) >= 600


def test_each_directorate_has_two_to_four_services_each_with_teams(org):
    children = Counter(unit.parent for unit in org.units if unit.parent)
    for unit in org.units:
        if unit.kind == "directorate":
            assert unit.parent is None
            assert 2 <= children[unit.name] <= 4
        elif unit.kind == "service":
            assert children[unit.name] >= 1


def test_it_honours_the_requested_staff_total():
    for staff in (37, 100, 600, 1234):
        assert len(generate_demo_organisation(seed=5, staff=staff).people) == staff


def test_unit_names_and_emails_are_unique(org):
    names = [unit.name for unit in org.units]
    emails = [person.email for person in org.people]
    assert len(names) == len(set(names))
    assert len(emails) == len(set(emails))


def test_every_parent_exists_and_is_listed_before_its_child(org):
    seen: dict[str, str] = {}
    for unit in org.units:
        if unit.parent is not None:
            assert unit.parent in seen
            expected = "directorate" if unit.kind == "service" else "service"
            assert seen[unit.parent] == expected
        seen[unit.name] = unit.kind


def test_people_belong_only_to_teams(org):
    teams = {unit.name for unit in org.units if unit.kind == "team"}
    assert all(person.unit in teams for person in org.people)
    assert set(_team_sizes(org)) == teams


def test_emails_are_lower_case_ascii_on_the_example_domain(org):
    pattern = re.compile(r"^[a-z0-9.]+@northmoor\.example$")
    for person in org.people:
        assert pattern.match(person.email), person.email
        assert person.full_name


def test_roles_come_from_the_known_list(org):
    for person in org.people:
        assert person.roles
        assert set(person.roles) <= set(ROLES)


def test_all_seven_demo_accounts_are_present_in_roles_order(org):
    accounts = demo_accounts(org)
    assert [a.email for a in accounts] == [f"{r}@northmoor.example" for r in ROLES]
    assert [a.roles for a in accounts] == [(r,) for r in ROLES]
    assert all(account in org.people for account in accounts)
    assert accounts[ROLES.index("staff")].roles == ("staff",)


def test_the_leader_account_sits_in_childrens_services(org):
    parents = {unit.name: unit.parent for unit in org.units}
    leader = demo_accounts(org)[ROLES.index("leader")]
    assert parents[parents[leader.unit]] == "Children's Services"


def test_there_are_extra_role_holders_among_generated_staff(org):
    generated = [p for p in org.people if p not in demo_accounts(org)]
    holders = Counter(role for p in generated for role in p.roles if role != "staff")
    assert holders["leader"] >= 3
    assert holders["guardian"] == 2
    assert holders["mentor"] >= 2
    assert all("staff" in p.roles for p in generated)


def test_team_sizes_vary_with_some_small_and_some_large(org):
    sizes = _team_sizes(org).values()
    assert any(size < 5 for size in sizes)
    assert any(size > 10 for size in sizes)
    assert min(sizes) >= 3
    assert sum(sizes) == len(org.people)


def test_too_few_staff_raises_a_clear_error():
    teams = sum(1 for u in generate_demo_organisation().units if u.kind == "team")
    minimum = teams + len(ROLES)
    assert len(generate_demo_organisation(staff=minimum).people) == minimum
    with pytest.raises(ValueError, match="staff must be at least"):
        generate_demo_organisation(staff=minimum - 1)
    with pytest.raises(ValueError, match="staff must be at least"):
        generate_demo_organisation(staff=24)


def test_ten_times_the_demo_has_ten_times_the_people_and_teams_of_the_usual_size(org):
    large = generate_demo_organisation(staff=6000, team_copies=10)
    assert generate_demo_organisation(team_copies=1) == org
    assert len(large.people) == 10 * len(org.people)
    teams = [[u for u in d.units if u.kind == "team"] for d in (org, large)]
    assert len(teams[1]) == 10 * len(teams[0])
    # The directorates and services stay; each team's copies sit under its service.
    assert [u for u in large.units if u.kind != "team"] == [
        u for u in org.units if u.kind != "team"
    ]
    parents = {u.name: u.parent for u in teams[1]}
    assert all(parents[f"{t.name} {n}"] == t.parent for t in teams[0] for n in range(2, 11))
    assert len({u.name for u in large.units}) == len(large.units)
    assert {p.email for p in demo_accounts(large)} == {p.email for p in demo_accounts(org)}
    assert len({p.email for p in large.people}) == len(large.people)
    sizes = _team_sizes(large).values()
    assert sum(sizes) / len(sizes) == pytest.approx(
        sum(_team_sizes(org).values()) / len(teams[0]), rel=0.01
    )


def test_fewer_than_one_copy_of_each_team_is_refused():
    with pytest.raises(ValueError, match="team_copies must be at least 1"):
        generate_demo_organisation(team_copies=0)
