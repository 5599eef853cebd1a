from django.db import migrations, models

import events.models


def give_each_table_a_token(apps, schema_editor):
    RecruiterTable = apps.get_model("events", "RecruiterTable")
    for table in RecruiterTable.objects.using(schema_editor.connection.alias).all():
        table.access_token = events.models.new_check_in_token()
        table.save(update_fields=["access_token"], using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("events", "0004_job_dating")]

    operations = [
        migrations.AddField(
            model_name="recruitertable",
            name="access_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_each_table_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="recruitertable",
            name="access_token",
            field=models.CharField(
                default=events.models.new_check_in_token, editable=False, max_length=64,
                unique=True,
            ),
        ),
    ]
