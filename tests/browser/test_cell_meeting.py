"""The pilot prepares a Cellule Emploi meeting and records a decision, in a real browser."""

import datetime as dt

from django.utils import timezone

from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from tests.browser.steps import log_in


def test_the_pilot_records_a_decision_that_becomes_the_referents_task(
    page, live_server, transactional_db, axe_check
):
    from participants.factories import ParticipantFactory, ProgrammeYearFactory
    from participants.models import Status, Task, TaskKind

    paris = TerritoryFactory(paris=True)
    UserFactory(
        username="pilote",
        role=Role.PILOT,
        structure=StructureFactory(territory=paris, prefecture=True),
    )
    young = ParticipantFactory(
        programme_year=ProgrammeYearFactory(territory=paris),
        first_name="Yanis",
        last_name="Morel",
        status=Status.REFERRED,
    )

    log_in(page, live_server, "pilote")
    page.get_by_role("link", name="Cellule Emploi").first.click()
    page.get_by_role("link", name="Nouvelle réunion").click()
    axe_check(page)
    next_week = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("Date").fill(next_week.isoformat())
    page.get_by_label("Lieu").fill("Préfecture de Paris")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Nouvelle orientation").wait_for()
    axe_check(page)

    page.get_by_role("link", name="Décider : Yanis Morel").click()
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_text("Ce champ est obligatoire").first.wait_for()
    page.get_by_label("Décision").fill("Entrée dans le programme ; premier rendez-vous à fixer.")
    page.get_by_label("Tâche pour le référent").fill("Fixer le premier rendez-vous")
    page.get_by_label("Échéance de la tâche").fill(next_week.isoformat())
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_text("Tâche confiée au référent : Fixer le premier rendez-vous").wait_for()
    axe_check(page)

    task = Task.objects.get(kind=TaskKind.CELL_DECISION)
    assert (task.participant, task.assignee) == (young, young.referent)
