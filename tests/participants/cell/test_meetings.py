"""The Cellule Emploi (domain.md): the pilot leads meetings and records decisions, which
may create tasks and plan actions for the referent; the agenda is built from new
referrals, young people needing attention and outcome checks due."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pacte.exceptions import DomainError
from pacte.factories import UserFactory
from pacte.models import AccessAction, AccessLog
from pacte.roles import Role
from participants.cell import services
from participants.factories import (
    JusticeMeasureFactory,
    ParticipantFactory,
    ProgrammeYearFactory,
    TaskFactory,
)
from participants.models import (
    AgendaItem,
    AgendaReason,
    CellMeeting,
    Outcome,
    PlanAction,
    Status,
    Task,
    TaskKind,
)
from participants.selectors import participant_timeline
from tests.helpers import require_pdf_engine

TODAY = timezone.localdate


@pytest.fixture
def pilot(users):
    return users[Role.PILOT]


@pytest.fixture
def cohort(users, paris, mission_locale, other_territory):
    """One Paris case per reason, a young person doing fine, one who left, one elsewhere."""
    year = ProgrammeYearFactory(territory=paris)
    counsellor = users[Role.COUNSELLOR]

    def young(**kwargs):
        defaults = {
            "programme_year": year,
            "structure_in_charge": mission_locale,
            "referent": counsellor,
            "last_follow_up_on": TODAY() - dt.timedelta(days=3),
        }
        return ParticipantFactory(**{**defaults, **kwargs})

    fine = young(last_name="Bien")
    referred = young(last_name="Oriente", status=Status.REFERRED, referred_on=TODAY())
    stale = young(last_name="Silencieux", last_follow_up_on=TODAY() - dt.timedelta(days=45))
    ending = young(last_name="Fin")
    JusticeMeasureFactory(participant=ending, ends_on=TODAY() + dt.timedelta(days=20))
    checked = young(last_name="Verifie")
    outcome = Outcome.objects.create(
        participant=checked,
        kind="cdi",
        starts_on=TODAY() - dt.timedelta(days=180),
        recorded_by=counsellor,
    )
    TaskFactory(
        participant=checked,
        kind=TaskKind.OUTCOME_CHECK,
        outcome=outcome,
        check_months=6,
        title="Vérifier la sortie à 6 mois",
        due_on=TODAY() + dt.timedelta(days=5),
    )
    exited = young(
        last_name="Sorti", status=Status.EXITED, last_follow_up_on=TODAY() - dt.timedelta(days=90)
    )
    elsewhere = ParticipantFactory(
        programme_year=ProgrammeYearFactory(territory=other_territory),
        status=Status.REFERRED,
    )
    return {
        "fine": fine,
        "referred": referred,
        "stale": stale,
        "ending": ending,
        "checked": checked,
        "exited": exited,
        "elsewhere": elsewhere,
        # Users' fixture participant: enrolled 60 days ago, never followed up.
        "never_followed": users["participant"],
    }


def meeting_on(pilot, day=None, **kwargs):
    return services.meeting_create(
        by=pilot,
        meeting=CellMeeting(held_on=day or TODAY() + dt.timedelta(days=7), **kwargs),
    )


def reasons(meeting):
    return {item.participant.last_name: item.reasons for item in meeting.items.all()}


class TestAgenda:
    def test_built_from_referrals_attention_and_checks_due_by_the_meeting(self, pilot, cohort):
        meeting = meeting_on(pilot)
        assert reasons(meeting) == {
            "Oriente": [AgendaReason.NEW_REFERRAL],
            "Silencieux": [AgendaReason.NO_RECENT_FOLLOW_UP],
            "Fin": [AgendaReason.JUSTICE_ENDING],
            "Verifie": [AgendaReason.CHECK_DUE],
            cohort["never_followed"].last_name: [AgendaReason.NO_RECENT_FOLLOW_UP],
        }

    def test_a_check_due_after_the_meeting_waits_for_a_later_one(self, pilot, cohort):
        meeting = meeting_on(pilot, day=TODAY() + dt.timedelta(days=2))
        assert "Verifie" not in reasons(meeting)

    def test_new_referrals_come_first_then_the_most_pressing(self, pilot, cohort):
        meeting = meeting_on(pilot)
        order = [item.participant.last_name for item in meeting.items.all()]
        assert order[:3] == ["Oriente", "Fin", "Verifie"]

    def test_rebuilding_adds_what_is_new_and_nothing_twice(self, pilot, cohort, users):
        meeting = meeting_on(pilot)
        assert services.agenda_build(by=pilot, meeting=meeting) == 0
        latecomer = ParticipantFactory(
            programme_year=cohort["fine"].programme_year, status=Status.REFERRED
        )
        assert services.agenda_build(by=pilot, meeting=meeting) == 1
        assert meeting.items.filter(participant=latecomer).count() == 1
        assert meeting.items.count() == 6

    def test_what_the_pilot_withdrew_stays_withdrawn(self, pilot, cohort):
        meeting = meeting_on(pilot)
        item = meeting.items.get(participant=cohort["stale"])
        services.agenda_withdraw(by=pilot, item=item)
        services.agenda_build(by=pilot, meeting=meeting)
        assert AgendaItem.objects.get(pk=item.pk).withdrawn

    def test_the_pilot_adds_a_case_by_hand(self, pilot, cohort):
        meeting = meeting_on(pilot)
        item = services.agenda_add(by=pilot, meeting=meeting, participant=cohort["fine"])
        assert item.reasons == [AgendaReason.ADDED]
        assert item.position == meeting.items.count()
        with pytest.raises(DomainError, match="déjà à l’ordre du jour"):
            services.agenda_add(by=pilot, meeting=meeting, participant=cohort["fine"])
        # A rebuild keeps the pilot's reason.
        services.agenda_build(by=pilot, meeting=meeting)
        assert AgendaItem.objects.get(pk=item.pk).reasons == [AgendaReason.ADDED]

    def test_a_young_person_of_another_territory_is_refused(self, pilot, cohort):
        meeting = meeting_on(pilot)
        with pytest.raises(DomainError):
            services.agenda_add(by=pilot, meeting=meeting, participant=cohort["elsewhere"])

    def test_moving_a_case_up_and_down(self, pilot, cohort):
        meeting = meeting_on(pilot)
        first, second = list(meeting.items.all())[:2]
        services.agenda_move(by=pilot, item=second, step=-1)
        assert list(meeting.items.all())[:2] == [second, first]
        services.agenda_move(by=pilot, item=second, step=-1)  # already first: no change
        assert list(meeting.items.all())[0] == second

    def test_only_the_pilot_leads(self, users, cohort, pilot):
        with pytest.raises(DomainError):
            meeting_on(users[Role.COORDINATOR])
        meeting = meeting_on(pilot)
        with pytest.raises(DomainError):
            services.agenda_build(by=users[Role.COORDINATOR], meeting=meeting)


class TestDecisions:
    def test_a_decision_gives_the_referent_a_task_and_adds_a_step(self, pilot, cohort, users):
        meeting = meeting_on(pilot)
        item = meeting.items.get(participant=cohort["stale"])
        services.decision_record(
            by=pilot,
            item=item,
            decision="Reprendre contact cette semaine ; orienter vers une formation CACES.",
            task_title="Appeler le jeune",
            task_due_on=TODAY() + dt.timedelta(days=5),
            action_category="training",
            action_description="Formation CACES",
        )
        item.refresh_from_db()
        assert item.is_decided and item.decided_by == pilot
        task = item.task
        assert (task.assignee, task.kind, task.participant) == (
            users[Role.COUNSELLOR],
            TaskKind.CELL_DECISION,
            cohort["stale"],
        )
        assert item.plan_action.description == "Formation CACES"
        assert item.plan_action.created_by == pilot

    def test_amending_a_decision_creates_nothing_twice(self, pilot, cohort):
        meeting = meeting_on(pilot)
        item = meeting.items.get(participant=cohort["stale"])
        for text in ("Première version", "Version corrigée"):
            services.decision_record(
                by=pilot,
                item=item,
                decision=text,
                task_title="Appeler le jeune",
                task_due_on=TODAY(),
            )
        assert Task.objects.filter(kind=TaskKind.CELL_DECISION).count() == 1
        assert AgendaItem.objects.get(pk=item.pk).decision == "Version corrigée"

    def test_a_task_needs_a_due_date(self, pilot, cohort):
        meeting = meeting_on(pilot)
        item = meeting.items.get(participant=cohort["referred"])
        with pytest.raises(DomainError) as error:
            services.decision_record(by=pilot, item=item, decision="Oui", task_title="Appeler")
        assert error.value.field == "task_due_on"
        assert not Task.objects.filter(kind=TaskKind.CELL_DECISION).exists()

    def test_a_refused_decision_writes_nothing(self, pilot, cohort):
        meeting = meeting_on(pilot)
        item = meeting.items.get(participant=cohort["stale"])
        with pytest.raises(DomainError):
            services.decision_record(
                by=pilot,
                item=item,
                decision="Orienter",
                task_title="Appeler",
                task_due_on=TODAY(),
                action_description="Formation sans domaine",
            )
        assert not Task.objects.filter(kind=TaskKind.CELL_DECISION).exists()
        assert not AgendaItem.objects.get(pk=item.pk).is_decided

    def test_a_closed_meeting_no_longer_changes(self, pilot, cohort):
        meeting = meeting_on(pilot)
        item = meeting.items.first()
        services.meeting_close(by=pilot, meeting=meeting)
        with pytest.raises(DomainError, match="close"):
            services.decision_record(by=pilot, item=item, decision="Trop tard")
        with pytest.raises(DomainError):
            services.agenda_build(by=pilot, meeting=meeting)

    def test_the_decision_shows_on_the_timeline_and_the_task_in_the_referents_list(
        self, pilot, cohort, users, client_for
    ):
        meeting = meeting_on(pilot)
        item = meeting.items.get(participant=cohort["stale"])
        services.decision_record(
            by=pilot,
            item=item,
            decision="Proposer un atelier CV",
            task_title="Inscrire à l’atelier CV",
            task_due_on=TODAY(),
        )
        entry = next(e for e in participant_timeline(cohort["stale"]) if e.kind == "cell_decision")
        assert entry.text == "Proposer un atelier CV"
        response = client_for(users[Role.COUNSELLOR]).get(reverse("participants:tasks"))
        assert "Inscrire à l’atelier CV" in response.content.decode()


class TestPages:
    def test_the_pilot_creates_a_meeting_and_finds_its_agenda(self, pilot, cohort, client_for):
        response = client_for(pilot).post(
            reverse("cell:create"),
            {
                "held_on": (TODAY() + dt.timedelta(days=7)).isoformat(),
                "starts_at": "10:00",
                "place": "Préfecture, salle 3",
                "other_attendees": "Mme Roux (France Travail)",
            },
        )
        meeting = CellMeeting.objects.get()
        assert response.status_code == 302
        assert (meeting.pilot, meeting.territory_id) == (pilot, pilot.territory_id)
        page = client_for(pilot).get(reverse("cell:detail", args=[meeting.pk])).content.decode()
        for name in ("Oriente", "Silencieux", "Fin", "Verifie"):
            assert name.upper() in page.upper()
        assert "Bien".upper() not in page.upper()

    def test_a_missing_date_is_reported_next_to_the_field(self, pilot, client_for):
        response = client_for(pilot).post(reverse("cell:create"), {"place": "Salle 3"})
        assert response.status_code == 200
        assert "Ce champ est obligatoire" in response.content.decode()
        assert not CellMeeting.objects.exists()

    def test_an_empty_decision_is_refused_in_french(self, pilot, cohort, client_for):
        meeting = meeting_on(pilot)
        item = meeting.items.first()
        response = client_for(pilot).post(
            reverse("cell:decision", args=[meeting.pk, item.pk]), {"decision": ""}
        )
        assert response.status_code == 200
        assert "Ce champ est obligatoire" in response.content.decode()
        assert not AgendaItem.objects.get(pk=item.pk).is_decided

    def test_deciding_through_the_page(self, pilot, cohort, client_for):
        meeting = meeting_on(pilot)
        item = meeting.items.get(participant=cohort["stale"])
        response = client_for(pilot).post(
            reverse("cell:decision", args=[meeting.pk, item.pk]),
            {
                "decision": "Relancer",
                "task_title": "Appeler le jeune",
                "task_due_on": TODAY().isoformat(),
                "action_category": "",
                "action_description": "",
            },
        )
        assert response.status_code == 302
        assert response.url.endswith(f"#cas-{item.pk}")
        assert AgendaItem.objects.get(pk=item.pk).task.title == "Appeler le jeune"
        assert not PlanAction.objects.filter(agenda_item__isnull=False).exists()

    def test_adding_by_an_accent_insensitive_search(self, pilot, cohort, client_for):
        cohort["fine"].first_name, cohort["fine"].last_name = "Hélène", "Bien"
        cohort["fine"].search_name = "helene bien"
        cohort["fine"].save()
        meeting = meeting_on(pilot)
        client = client_for(pilot)
        page = client.get(reverse("cell:agenda_add", args=[meeting.pk]), {"q": "HELENE"})
        assert "Hélène" in page.content.decode()
        client.post(
            reverse("cell:agenda_add", args=[meeting.pk]), {"participant": cohort["fine"].pk}
        )
        assert meeting.items.filter(participant=cohort["fine"]).exists()

    def test_a_participant_of_another_territory_cannot_be_posted(self, pilot, cohort, client_for):
        meeting = meeting_on(pilot)
        response = client_for(pilot).post(
            reverse("cell:agenda_add", args=[meeting.pk]), {"participant": cohort["elsewhere"].pk}
        )
        assert response.status_code == 404

    def test_withdraw_and_put_back(self, pilot, cohort, client_for):
        meeting = meeting_on(pilot)
        item = meeting.items.get(participant=cohort["stale"])
        url = reverse("cell:agenda_withdraw", args=[meeting.pk, item.pk])
        client_for(pilot).post(url, {"withdrawn": "1"})
        assert AgendaItem.objects.get(pk=item.pk).withdrawn
        client_for(pilot).post(url, {"withdrawn": "0"})
        assert not AgendaItem.objects.get(pk=item.pk).withdrawn

    def test_the_coordination_reads_but_does_not_lead(self, pilot, cohort, users, client_for):
        meeting = meeting_on(pilot)
        coordinator = client_for(users[Role.COORDINATOR])
        page = coordinator.get(reverse("cell:detail", args=[meeting.pk]))
        assert page.status_code == 200
        assert reverse("cell:close", args=[meeting.pk]) not in page.content.decode()
        assert coordinator.post(reverse("cell:close", args=[meeting.pk])).status_code == 403

    def test_another_territory_does_not_see_the_meeting(self, pilot, cohort, users, client_for):
        meeting = meeting_on(pilot)
        other = client_for(users["other_coordinator"])
        assert other.get(reverse("cell:detail", args=[meeting.pk])).status_code == 404
        assert (
            meeting.held_on.strftime("%Y") not in other.get(reverse("cell:list")).content.decode()
        )

    def test_reading_a_meeting_is_logged(self, pilot, cohort, client_for):
        meeting = meeting_on(pilot)
        client_for(pilot).get(reverse("cell:detail", args=[meeting.pk]))
        assert AccessLog.objects.filter(
            user=pilot, action=AccessAction.READ, object_type="cellmeeting", object_id=meeting.pk
        ).exists()

    def test_list_and_detail_keep_a_fixed_number_of_queries(
        self, pilot, cohort, client_for, django_assert_max_num_queries
    ):
        meeting = meeting_on(pilot)
        for _ in range(8):
            services.agenda_add(
                by=pilot,
                meeting=meeting,
                participant=ParticipantFactory(programme_year=cohort["fine"].programme_year),
            )
        client = client_for(pilot)
        with django_assert_max_num_queries(14):
            client.get(reverse("cell:detail", args=[meeting.pk]))
        with django_assert_max_num_queries(10):
            client.get(reverse("cell:list"))


class TestMinutes:
    def test_the_minutes_are_a_pdf_with_decisions_and_cases_not_examined(
        self, pilot, cohort, users, client_for
    ):
        require_pdf_engine()
        from pypdf import PdfReader  # noqa: PLC0415 - only for this check

        meeting = meeting_on(pilot, place="Préfecture de Paris")
        meeting.attendees.add(users[Role.COUNSELLOR])
        item = meeting.items.get(participant=cohort["stale"])
        services.decision_record(
            by=pilot,
            item=item,
            decision="Orienter vers le garage solidaire",
            task_title="Prendre rendez-vous au garage",
            task_due_on=TODAY(),
        )
        services.meeting_close(by=pilot, meeting=meeting)
        response = client_for(users[Role.COORDINATOR]).get(
            reverse("cell:minutes", args=[meeting.pk])
        )
        assert response["Content-Type"] == "application/pdf"
        import io  # noqa: PLC0415

        text = " ".join(
            " ".join(page.extract_text().split())
            for page in PdfReader(io.BytesIO(response.content)).pages
        )
        assert "Lieu : Préfecture de Paris. Pilote" in text
        assert "Orienter vers le garage solidaire" in text
        assert "Prendre rendez-vous au garage" in text
        assert "Cas non examinés (4)" in text
        assert AccessLog.objects.filter(
            action=AccessAction.EXPORT, object_type="cellmeeting", object_id=meeting.pk
        ).exists()


def test_anonymisation_clears_the_decisions(pilot, cohort):
    from participants.retention import anonymise  # noqa: PLC0415

    meeting = meeting_on(pilot)
    item = meeting.items.get(participant=cohort["stale"])
    services.decision_record(by=pilot, item=item, decision="Parle de sa famille")
    anonymise(cohort["stale"])
    assert AgendaItem.objects.get(pk=item.pk).decision == ""


def test_the_right_of_access_holds_the_decisions(pilot, cohort):
    from participants.right_of_access import collect  # noqa: PLC0415

    meeting = meeting_on(pilot)
    item = meeting.items.get(participant=cohort["stale"])
    services.decision_record(by=pilot, item=item, decision="Formation CACES")
    data = collect(cohort["stale"])
    (row,) = data["décisions de la Cellule Emploi"]
    assert row["réunion"] == str(meeting) and row["décision"] == "Formation CACES"


def test_another_pilot_of_the_territory_may_lead(pilot, cohort):
    meeting = meeting_on(pilot)
    colleague = UserFactory(role=Role.PILOT, structure=pilot.structure)
    assert services.agenda_build(by=colleague, meeting=meeting) == 0


def test_a_pilot_of_another_territory_may_not_lead(pilot, cohort, other_territory):
    from pacte.factories import StructureFactory  # noqa: PLC0415

    meeting = meeting_on(pilot)
    stranger = UserFactory(
        role=Role.PILOT, structure=StructureFactory(territory=other_territory, prefecture=True)
    )
    with pytest.raises(DomainError):
        services.agenda_build(by=stranger, meeting=meeting)


def test_a_referral_decided_at_an_earlier_meeting_is_no_longer_new(pilot, cohort):
    first = meeting_on(pilot, day=TODAY() + dt.timedelta(days=1))
    item = first.items.get(participant=cohort["referred"])
    services.decision_record(by=pilot, item=item, decision="Entretien d’accueil à fixer")
    services.meeting_close(by=pilot, meeting=first)

    later = meeting_on(pilot, day=TODAY() + dt.timedelta(days=30))
    assert "Oriente" not in reasons(later)
    # A referral no meeting has decided about stays new.
    ParticipantFactory(
        programme_year=cohort["fine"].programme_year,
        status=Status.REFERRED,
        last_name="Attente",
        last_follow_up_on=TODAY(),
    )
    assert reasons(meeting_on(pilot, day=TODAY() + dt.timedelta(days=60)))["Attente"] == [
        AgendaReason.NEW_REFERRAL
    ]
