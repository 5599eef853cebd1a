"""Factories of territories, structures and accounts (tests and demo data)."""

import factory
from factory.django import DjangoModelFactory

from pacte.models import Structure, StructureKind, Territory, User
from pacte.roles import Role

DEMO_PASSWORD = "pacte-demo-2026"  # noqa: S105 - documented demo password


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n % 100:02d}")
    name = factory.Faker("department_name", locale="fr_FR")
    prefecture_name = factory.LazyAttribute(lambda o: f"Préfecture — {o.name}")

    class Params:
        paris = factory.Trait(
            code="75",
            name="Paris",
            prefecture_name="Préfecture de la région d'Île-de-France, préfecture de Paris",
        )


class StructureFactory(DjangoModelFactory):
    class Meta:
        model = Structure
        django_get_or_create = ("territory", "name")

    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = StructureKind.MISSION_LOCALE
    territory = factory.SubFactory(TerritoryFactory)
    email = factory.Faker("company_email", locale="fr_FR")
    phone = factory.Faker("phone_number", locale="fr_FR")

    class Params:
        prefecture = factory.Trait(
            kind=StructureKind.PREFECTURE,
            name=factory.LazyAttribute(lambda o: f"Préfecture {o.territory.code}"),
        )
        spip = factory.Trait(
            kind=StructureKind.SPIP,
            name=factory.LazyAttribute(lambda o: f"SPIP {o.territory.code}"),
        )
        company = factory.Trait(
            kind=StructureKind.COMPANY, name=factory.Faker("company", locale="fr_FR")
        )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"compte{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda o: f"{o.username}@exemple.gouv.fr")
    password = factory.django.Password(DEMO_PASSWORD)
    role = Role.COUNSELLOR
    structure = factory.SubFactory(StructureFactory)

    class Params:
        coordinator = factory.Trait(
            role=Role.COORDINATOR, structure=factory.SubFactory(StructureFactory, prefecture=True)
        )
        pilot = factory.Trait(
            role=Role.PILOT, structure=factory.SubFactory(StructureFactory, prefecture=True)
        )
        counsellor = factory.Trait(role=Role.COUNSELLOR)
        recruiter = factory.Trait(
            role=Role.RECRUITER, structure=factory.SubFactory(StructureFactory, company=True)
        )
        administrator = factory.Trait(role=Role.ADMINISTRATOR, structure=None)
