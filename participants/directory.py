"""The territory's structures, counsellors and programme years, as the list filters them.

The participants list offers them as choices on every request; a large territory has
hundreds of counsellors. They are read in one query and kept in the cache for a minute.
Any save or deletion of an account, a structure or a programme year starts a new
generation (its key in the cache): this process sees the change at once, another
process sharing no cache within CHOICES_SECONDS.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import CharField, F, IntegerField, Value
from django.db.models.functions import Cast
from django.db.models.signals import post_delete, post_save

from pacte.filters import fingerprint
from pacte.models import ProgrammeYear, Structure, User
from pacte.roles import Role

LISTS = ("structure_in_charge", "referent", "programme_year")
CHOICES_SECONDS = 60
# The column naming each row's list: it also tells the bench this query apart.
LIST_COLUMN = "directory_list"
GENERATION_KEY = "directory-generation"
# What a counsellor's choice shows or depends on: a login alone changes none of it.
USER_FIELDS = {"first_name", "last_name", "username", "role", "structure", "structure_id"}


@dataclass(frozen=True)
class Choices:
    lists: dict[str, list[tuple[int, str]]]
    digest: str  # changes whenever a list does
    structure_of: dict[int, int] = field(default_factory=dict)  # counsellor → structure

    def referents(self, structure_ids) -> list[tuple[int, str]]:
        """The counsellors of these structures, in the list's order."""
        wanted = set(structure_ids)
        return [
            (pk, label)
            for pk, label in self.lists["referent"]
            if self.structure_of.get(pk) in wanted
        ]


def territory_choices(user) -> Choices:
    scope = "all" if user.role == Role.ADMINISTRATOR else user.territory_id
    key = f"directory-choices-2:{cache.get_or_set(GENERATION_KEY, 0, None)}:{scope}"
    found = cache.get(key)
    if found is None:
        lists, structure_of = read_choices(user)
        found = Choices(lists, fingerprint(lists), structure_of)
        cache.set(key, found, CHOICES_SECONDS)
    return found


def read_choices(user) -> tuple[dict[str, list[tuple[int, str]]], dict[int, int]]:
    """(id, label) of each list, in one query (UNION ALL), each in its own order; and the
    structure of each counsellor.

    Counsellors are labelled as User.__str__ shows them.
    """
    structures = Structure.objects.in_territory_of(user)
    years = ProgrammeYear.objects.filter(territory_id=user.territory_id)
    counsellors = User.objects.filter(role=Role.COUNSELLOR, structure__in=structures)
    blank = Value("", output_field=CharField())
    no_group = Value(None, output_field=IntegerField())

    def labelled(queryset, kind, first, second=blank, third=blank, group=no_group):
        return (
            queryset.order_by()
            .annotate(
                **{LIST_COLUMN: Value(kind)},
                label_1=first,
                label_2=second,
                label_3=third,
                group_id=group,
            )
            .values_list(LIST_COLUMN, "pk", "label_1", "label_2", "label_3", "group_id")
        )

    rows = labelled(structures, "structure_in_charge", F("name")).union(
        labelled(
            counsellors,
            "referent",
            F("last_name"),
            F("first_name"),
            F("username"),
            group=F("structure_id"),
        ),
        labelled(years, "programme_year", Cast("year", CharField())),
        all=True,
    )
    found = {name: [] for name in LISTS}
    structure_of = {}
    # In the database's collation, as each list was ordered before.
    ordered = rows.order_by("label_1", "label_2", "label_3", "pk")
    for kind, pk, first, second, third, group in ordered:
        found[kind].append((pk, first, second, third))
        if kind == "referent":
            structure_of[pk] = group
    lists = {
        "structure_in_charge": [(pk, name) for pk, name, _, _ in found["structure_in_charge"]],
        "referent": [
            (pk, User.label(first, last, username))
            for pk, last, first, username in found["referent"]
        ],
        "programme_year": [
            (pk, year)
            for pk, year, _, _ in sorted(found["programme_year"], key=lambda row: -int(row[1]))
        ],
    }
    return lists, structure_of


def new_generation(sender, instance=None, update_fields=None, **kwargs):
    if sender is User and update_fields is not None and not USER_FIELDS & set(update_fields):
        return
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache (evicted, or never read): start one
        cache.set(GENERATION_KEY, 1, None)


for model in (User, Structure, ProgrammeYear):
    post_save.connect(new_generation, sender=model, dispatch_uid=f"directory-{model.__name__}")
    post_delete.connect(
        new_generation, sender=model, dispatch_uid=f"directory-del-{model.__name__}"
    )
