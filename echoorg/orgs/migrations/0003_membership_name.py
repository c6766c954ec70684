"""The name an organisation knows a member by, kept on the membership."""

from django.db import migrations, models


def copy_names(apps, schema_editor) -> None:
    Membership = apps.get_model("orgs", "Membership")
    for member in Membership.objects.select_related("user").iterator():
        if member.user.full_name:
            Membership.objects.filter(pk=member.pk).update(name=member.user.full_name)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_unit_name_key"), ("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="name",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.RunPython(copy_names, migrations.RunPython.noop),
    ]
