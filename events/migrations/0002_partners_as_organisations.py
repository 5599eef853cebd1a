"""Partners present and workshop facilitators are partner organisations.

Nothing had been recorded in production; the old links (demo data) are cleared.
"""

import django.db.models.deletion
from django.db import migrations, models


def clear_old_links(apps, schema_editor):
    apps.get_model("events", "EventPartner").objects.using(schema_editor.connection.alias).all().delete()
    apps.get_model("events", "Workshop").objects.using(schema_editor.connection.alias).update(facilitator=None)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("partners", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(clear_old_links, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="eventpartner", name="event_partner_once"),
        migrations.RemoveField(model_name="eventpartner", name="structure"),
        migrations.AddField(
            model_name="eventpartner",
            name="partner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="event_presences",
                to="partners.partner",
                verbose_name="partenaire",
            ),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="eventpartner",
            options={"ordering": ["partner__name"], "verbose_name": "partenaire présent"},
        ),
        migrations.AddConstraint(
            model_name="eventpartner",
            constraint=models.UniqueConstraint(
                fields=("event", "partner"), name="event_partner_once"
            ),
        ),
        migrations.AlterField(
            model_name="workshop",
            name="facilitator",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="workshops_led",
                to="partners.partner",
                verbose_name="animé par",
            ),
        ),
    ]
