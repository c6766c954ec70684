"""The orgs migrations of issue 8 keep old data: look-alike unit names that already
exist side by side, and people's names, which move onto their memberships."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("orgs", "0001_initial"), ("accounts", "0001_initial")]
AFTER = [("orgs", "0003_membership_name")]


@pytest.mark.django_db(transaction=True)
def test_old_units_and_names_survive_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    org = old.get_model("orgs", "Organisation").objects.create(slug="old", name="Old")
    Unit = old.get_model("orgs", "Unit")
    first = Unit.objects.create(organisation=org, name="Team A")
    second = Unit.objects.create(organisation=org, name="team a")  # allowed before
    user = old.get_model("accounts", "User").objects.create(
        email="p@old.example", full_name="Pat Old"
    )
    old.get_model("orgs", "Membership").objects.create(user=user, organisation=org, roles=["staff"])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    keys = dict(new.get_model("orgs", "Unit").objects.values_list("pk", "name_key"))
    assert keys[first.pk] == "team a"
    assert keys[second.pk] == f"team a#{second.pk}"
    assert new.get_model("orgs", "Membership").objects.get().name == "Pat Old"

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
