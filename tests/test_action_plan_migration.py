"""The action plans' migration adds its tables beside existing waves, and can be undone:
a wave closed before it keeps everything, and gets a plan like any other."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("diagnostic", "0006_wave_figures")]
AFTER = [("diagnostic", "0007_action_plans_and_published_versions")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_a_wave_from_before_the_migration_gets_a_plan_and_the_migration_undoes():
    old = _migrate(BEFORE)
    org = old.get_model("orgs", "Organisation").objects.create(slug="old", name="Old")
    wave = old.get_model("diagnostic", "SurveyWave").objects.create(
        organisation=org,
        title="Old wave",
        instrument_id="echo-culture-v1",
        instrument_version=1,
        instrument_yaml="",
        opens_on=dt.date(2025, 1, 6),
        closes_on=dt.date(2025, 1, 31),
        status="closed",
    )

    new = _migrate(AFTER)
    assert new.get_model("diagnostic", "SurveyWave").objects.get().title == "Old wave"
    plan = new.get_model("diagnostic", "ActionPlan").objects.create(wave_id=wave.pk, summary="x")
    new.get_model("diagnostic", "PlannedAction").objects.create(
        plan=plan, what="Listen", owner="Leaders", due=dt.date(2025, 6, 30)
    )

    _migrate(BEFORE)  # undone: the plan goes, the wave stays
    assert "diagnostic_actionplan" not in connection.introspection.table_names()
    assert old.get_model("diagnostic", "SurveyWave").objects.filter(pk=wave.pk).exists()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
