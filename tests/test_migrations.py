"""The models and the migrations agree, so an upgrade builds the schema the code expects."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exit_:  # --check exits 1 when a migration is missing
        pytest.fail(f"models differ from migrations (exit {exit_.code}):\n{out.getvalue()}")
