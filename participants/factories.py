"""Factories of participants and their path (tests and demo data)."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from pacte.factories import StructureFactory, UserFactory
from pacte.models import Criteria, ProgrammeYear, StructureKind
from participants.eligibility import search_key
from participants.models import (
    EducationLevel,
    FollowUp,
    FollowUpKind,
    JusticeKind,
    JusticeMeasure,
    Participant,
    PlanAction,
    PlanActionCategory,
    Status,
    Task,
    TaskKind,
)


class ProgrammeYearFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeYear
        django_get_or_create = ("territory", "year")

    territory = factory.SubFactory("pacte.factories.TerritoryFactory")
    year = 2026
    criteria = Criteria.PRISON_LEAVERS


class ParticipantFactory(DjangoModelFactory):
    """An eligible young person (2018 criteria), referred by a SPIP, followed by a counsellor."""

    class Meta:
        model = Participant

    programme_year = factory.SubFactory(ProgrammeYearFactory)
    territory = factory.SelfAttribute("programme_year.territory")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    search_name = factory.LazyAttribute(lambda o: search_key(o.first_name, o.last_name))
    birth_date = factory.LazyAttribute(
        lambda o: o.enrolled_on.replace(year=o.enrolled_on.year - 20)
    )
    phone = "+33612345678"
    education_level = EducationLevel.CAP_BEP_UNFINISHED
    leaving_prison = True
    lives_in_qpv = True
    referred_by = factory.SubFactory(
        StructureFactory, territory=factory.SelfAttribute("..territory"), spip=True
    )
    referred_on = factory.LazyAttribute(lambda o: o.enrolled_on - dt.timedelta(days=14))
    structure_in_charge = factory.SubFactory(
        StructureFactory,
        territory=factory.SelfAttribute("..territory"),
        kind=StructureKind.MISSION_LOCALE,
    )
    referent = factory.SubFactory(
        UserFactory, role="counsellor", structure=factory.SelfAttribute("..structure_in_charge")
    )
    enrolled_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=60))
    consent_on = factory.SelfAttribute("enrolled_on")
    consent_scope = "Suivi par la mission locale et partage avec la Cellule Emploi"
    status = Status.ACTIVE


class JusticeMeasureFactory(DjangoModelFactory):
    class Meta:
        model = JusticeMeasure

    participant = factory.SubFactory(ParticipantFactory)
    kind = JusticeKind.SEMI_LIBERTE
    starts_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=90))
    ends_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=200))
    spip_counsellor = factory.Faker("name", locale="fr_FR")
    out_from = dt.time(8, 0)
    out_until = dt.time(19, 0)
    updated_by = factory.SelfAttribute("participant.referent")


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    participant = factory.SubFactory(ParticipantFactory)
    author = factory.SelfAttribute("participant.referent")
    happened_on = factory.LazyFunction(dt.date.today)
    kind = FollowUpKind.INTERVIEW
    summary = factory.Faker("paragraph", locale="fr_FR")


class TaskFactory(DjangoModelFactory):
    class Meta:
        model = Task

    participant = factory.SubFactory(ParticipantFactory)
    assignee = factory.SelfAttribute("participant.referent")
    kind = TaskKind.OTHER
    title = "Rappeler le jeune"
    due_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=7))


class PlanActionFactory(DjangoModelFactory):
    class Meta:
        model = PlanAction

    participant = factory.SubFactory(ParticipantFactory)
    category = PlanActionCategory.ID_PAPERS
    description = "Renouveler la carte d’identité"
    created_by = factory.SelfAttribute("participant.referent")
