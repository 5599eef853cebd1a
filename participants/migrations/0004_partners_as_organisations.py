"""Plan actions and outcomes point to a partner organisation, not to a login structure.

Nothing had been recorded in production; the old links (demo data) are cleared.
"""

import django.db.models.deletion
from django.db import migrations, models


def clear_old_links(apps, schema_editor):
    apps.get_model("participants", "PlanAction").objects.using(schema_editor.connection.alias).update(partner=None)
    apps.get_model("participants", "Outcome").objects.using(schema_editor.connection.alias).update(employer=None)
    apps.get_model("participants", "HistoricalOutcome").objects.using(schema_editor.connection.alias).update(employer=None)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0003_retention"),
        ("partners", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(clear_old_links, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="planaction",
            name="partner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plan_actions",
                to="partners.partner",
                verbose_name="partenaire mobilisé",
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="employer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="outcomes",
                to="partners.partner",
                verbose_name="partenaire",
            ),
        ),
        migrations.AlterField(
            model_name="historicaloutcome",
            name="employer",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="partners.partner",
                verbose_name="partenaire",
            ),
        ),
    ]
