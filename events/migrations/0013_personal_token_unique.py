import django.db.models
from django.db import migrations

import events.models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0012_personal_token"),
    ]

    operations = [
        migrations.AlterField(
            model_name="registration",
            name="personal_token",
            field=django.db.models.CharField(
                default=events.models.new_personal_token,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
