"""Each registration gets its personal link's token (#19): added empty, filled one by one
(a default would give every row the same value), made unique in 0013 (PostgreSQL refuses
to alter a table with the fill's pending trigger events in the same transaction)."""

import secrets

from django.db import migrations, models


def fill_tokens(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    rows = Registration.objects.using(schema_editor.connection.alias)
    for pk in list(rows.filter(personal_token__isnull=True).values_list("pk", flat=True)):
        rows.filter(pk=pk).update(personal_token=secrets.token_urlsafe(16))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0011_waiting_list_message"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="personal_token",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
    ]
