"""Unit names are unique by their comparison key (normal form, case-folded)."""

from django.db import migrations, models

from echoorg.core.text import name_key


def fill_keys(apps, schema_editor) -> None:
    Unit = apps.get_model("orgs", "Unit")
    taken: set[tuple[int, str]] = set()
    for unit in Unit.objects.order_by("pk").iterator():
        key = name_key(unit.name)
        # Names that differ only in case or invisible characters already exist side by
        # side in old data: keep them (the later one's key is marked with its id) so that
        # nothing is lost; renaming either one makes its key plain again.
        if (unit.organisation_id, key) in taken:
            key = f"{key}#{unit.pk}"
        taken.add((unit.organisation_id, key))
        Unit.objects.filter(pk=unit.pk).update(name_key=key)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=600),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="unit", name="unique_unit_name"),
        migrations.AddConstraint(
            model_name="unit",
            constraint=models.UniqueConstraint(
                fields=("organisation", "name_key"), name="unique_unit_name_key"
            ),
        ),
    ]
