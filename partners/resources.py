"""Import and export of partners and their contacts (django-import-export).

Files speak the language of the people who fill them in: headers are French
labels, a kind or a sector is read by its label or its code and written by its
label, dates are JJ/MM/AAAA, booleans oui/non. A coordinator's file never names a
territory: the rows land in the coordinator's own, and partners (and linked
structures) are looked up there only. An administrator's file carries a
"Territoire" column (the département code).

Every problem of a row is a validation error of that row (never an exception), so
that the import page lists each bad row with its line in the file and the reason;
and the admin imports nothing while one row is bad.

A file past the limits (its size, its rows, a cell's length: see MAX_UPLOAD_SIZE)
is refused as a whole before it is read any further (ImportFileRefused), and the
import form says why.
"""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.utils.text import Truncator, capfirst
from import_export import fields, resources, widgets

from pacte import audit
from pacte.models import Structure, Territory
from partners.models import Contact, Partner, PartnerKind, Sector

# Cells a spreadsheet would run as a formula (CSV/formula injection): written
# with a leading apostrophe on export, which is removed again on import.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_LIKE = re.compile(r"^[+-]?[\d\s().,]+$")  # "+33 6 12 34 56 78" is no formula
HISTORY_CHANGE_REASON_LENGTH = 100


def plain(text) -> str:
    """Lower case, no accents, one kind of apostrophe, single spaces: to match labels."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = text.replace("’", "'")
    return " ".join(text.casefold().split())


def cell_text(value) -> str:
    """A cell as text: None is empty, 42.0 from a spreadsheet is "42", spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in FORMULA_START:
        text = text[1:]  # our own protection against formulas, see FORMULA_START
    return text


def change_reason(file_name) -> str:
    """What the history says of an imported row, within its column's 100 characters
    (simple-history's history_change_reason): a file's name may be 255 long."""
    if not file_name:
        return "Import"
    template = "Import du fichier « {} »"
    room = HISTORY_CHANGE_REASON_LENGTH - len(template.format(""))
    return template.format(Truncator(file_name).chars(room))


def neutralise_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER_LIKE.match(value):
        return "'" + value
    return value


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class SiretWidget(TextWidget):
    """Accepts "812 345 678 00012" or a number typed in a spreadsheet."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float):
            # A spreadsheet drops leading zeros of a number.
            return cell_text(value).zfill(14)
        return re.sub(r"[\s.\u00a0\u202f]", "", cell_text(value))


class ChoiceWidget(widgets.Widget):
    """A choice read by its French label or its code (any case, accents or not)."""

    def __init__(self, choices, *, what: str, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.what = what

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return ""
        lookup = {}
        for code, label in self.choices.choices:
            lookup[plain(code)] = code
            lookup[plain(label)] = code
        try:
            return lookup[plain(text)]
        except KeyError:
            labels = " ; ".join(str(label) for _code, label in self.choices.choices)
            raise ValueError(
                f"{self.what} inconnu : « {text} ». Valeurs possibles : {labels}."
            ) from None

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        try:
            return str(self.choices(value).label)
        except ValueError:
            return value


class FrenchDateWidget(widgets.Widget):
    """JJ/MM/AAAA (AAAA-MM-JJ too); a spreadsheet's own dates are taken as they are."""

    INPUT_FORMATS = (
        "%d/%m/%Y",
        "%Y-%m-%d",
        "%d/%m/%y",
        "%d-%m-%Y",
        "%d.%m.%Y",
        "%Y-%m-%d %H:%M:%S",
    )

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        for input_format in self.INPUT_FORMATS:
            try:
                return dt.datetime.strptime(text, input_format).date()
            except ValueError:
                continue
        raise ValueError(f"Date illisible : « {text} » (attendue au format JJ/MM/AAAA).")

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        if kwargs.get("force_native_type"):
            return value  # a real date cell in XLSX
        return value.strftime("%d/%m/%Y")


class YesNoWidget(widgets.Widget):
    """oui/non (vrai/faux, 1/0, x…); an empty cell leaves the value as it is."""

    TRUE = {"oui", "o", "vrai", "true", "1", "x", "yes", "y"}
    FALSE = {"non", "n", "faux", "false", "0", "no"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = plain(cell_text(value))
        if not text:
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"« {cell_text(value)} » n’est pas compris : écrivez oui ou non.")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "oui" if value else "non"


class InTerritoryWidget(widgets.ForeignKeyWidget):
    """A related row found by its name among those of one territory.

    The territory is the coordinator's (`territory_id`, set by the resource); for an
    administrator, the one whose code is in the row's "Territoire" column.
    Not found is a validation error of the row, never an exception.
    """

    def __init__(self, model, field, *, what: str, territory_path: str = "territory"):
        super().__init__(model, field)
        self.what = what
        self.territory_path = territory_path
        self.territory_id = None
        self.territory_column = None

    def get_queryset(self, value, row, *args, **kwargs):
        queryset = self.model.objects.all()
        if self.territory_id is not None:
            return queryset.filter(**{f"{self.territory_path}_id": self.territory_id})
        if self.territory_column is not None:
            code = cell_text((row or {}).get(self.territory_column))
            return queryset.filter(**{f"{self.territory_path}__code": code})
        return queryset.none()

    def where(self, row) -> str:
        if self.territory_id is not None:
            return "dans votre territoire"
        code = cell_text((row or {}).get(self.territory_column)) if self.territory_column else ""
        return f"dans le territoire « {code} »" if code else "(colonne Territoire vide)"

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        candidates = list(
            self.get_queryset(value, row).filter(**{f"{self.field}__iexact": text})[:5]
        )
        exact = [obj for obj in candidates if getattr(obj, self.field) == text]
        if len(exact) == 1:
            return exact[0]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise ValueError(
                f"{self.what} « {text} » ambigu {self.where(row)} : respectez les majuscules."
            )
        raise ValueError(f"{self.what} « {text} » introuvable {self.where(row)}.")

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.field)


class TerritoryCodeWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Territory, "code")

    def clean(self, value, row=None, **kwargs):
        code = cell_text(value)
        if not code:
            return None
        try:
            return Territory.objects.get(code=code)
        except Territory.DoesNotExist:
            raise ValueError(f"Territoire inconnu : « {code} » (code du département).") from None


class TerritoryScopedResource(resources.ModelResource):
    """Rows of one territory (a coordinator's) or of all (`all_territories`)."""

    territory_path = "territory"  # from the model to its territory
    all_territories = False

    def __init__(self, territory_id=None, **kwargs):
        super().__init__(**kwargs)
        self.territory_id = territory_id
        for field in self.fields.values():
            if isinstance(field.widget, InTerritoryWidget):
                if self.all_territories:
                    field.widget.territory_column = "Territoire"
                else:
                    field.widget.territory_id = territory_id
        self._headers = {
            plain(field.column_name): field.column_name for field in self.fields.values()
        }

    def scoped(self, queryset):
        if self.all_territories:
            return queryset
        if self.territory_id is None:
            return queryset.none()
        return queryset.filter(**{f"{self.territory_path}_id": self.territory_id})

    def get_queryset(self):
        return self.scoped(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return self.scoped(queryset)

    def get_instance(self, instance_loader, row):
        # A bad key cell (unknown partner, territory) makes a new instance here, so
        # that the same cell is then reported as the row's validation error.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def before_import(self, dataset, **kwargs):
        # "nom", "Site Internet", "e-mail "… are the columns they look like.
        dataset.headers = [
            self._headers.get(plain(cell_text(header)), cell_text(header))
            for header in dataset.headers or []
        ]
        missing = [
            self.fields[name].column_name
            for name in self.get_import_id_fields()
            if self.fields[name].column_name not in dataset.headers
        ]
        if missing:
            expected = ", ".join(field.column_name for field in self.get_import_fields())
            raise ValueError(
                f"Colonne manquante : {', '.join(missing)}. "
                f"La première ligne du fichier doit nommer les colonnes : {expected}."
            )
        self.importing_user = kwargs.get("user")
        super().before_import(dataset, **kwargs)

    def do_instance_save(self, instance, is_create):
        super().do_instance_save(instance, is_create)
        # Each row written is in the access log, as a write in the admin site's forms (a
        # preview's are rolled back with its transaction).
        if getattr(self, "importing_user", None) is not None:
            audit.log_write(user=self.importing_user, obj=instance, created=is_create)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # An empty line (a spreadsheet's trailing rows) is no error: it is left out.
        if not any(cell_text(value) for value in row.values()):
            return True
        return super().skip_row(instance, original, row, import_validation_errors)

    def before_save_instance(self, instance, row, **kwargs):
        instance._change_reason = change_reason(kwargs.get("file_name"))
        if kwargs.get("user") is not None:
            # Who imported, in the history: a job has no request for simple-history to read.
            instance._history_user = kwargs["user"]
        super().before_save_instance(instance, row, **kwargs)

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    def column_of(self, attribute: str) -> str:
        if attribute == NON_FIELD_ERRORS:
            return ""
        for field in self.fields.values():
            if field.attribute == attribute:
                return field.column_name
        try:
            return capfirst(self._meta.model._meta.get_field(attribute).verbose_name)
        except FieldDoesNotExist:
            return attribute

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # What the import page shows of each bad row: its line in the file (the
        # headers are line 1) and each problem with the column it is about.
        for invalid in result.invalid_rows:
            invalid.line = invalid.number + 1
            invalid.problems = [
                (self.column_of(attribute), message)
                for attribute, messages in invalid.error_dict.items()
                for message in messages
            ]


class PartnerResource(TerritoryScopedResource):
    name = fields.Field("name", "Nom", TextWidget())
    kind = fields.Field("kind", "Type", ChoiceWidget(PartnerKind, what="Type"))
    sector = fields.Field("sector", "Secteur", ChoiceWidget(Sector, what="Secteur"))
    siret = fields.Field("siret", "SIRET", SiretWidget())
    address = fields.Field("address", "Adresse", TextWidget())
    website = fields.Field("website", "Site internet", TextWidget())
    agreement_signed_on = fields.Field(
        "agreement_signed_on", "Convention signée le", FrenchDateWidget()
    )
    agreement_ends_on = fields.Field("agreement_ends_on", "Fin de convention", FrenchDateWidget())
    is_active = fields.Field("is_active", "Actif", YesNoWidget(), saves_null_values=False)
    structure = fields.Field(
        "structure",
        "Structure liée",
        InTerritoryWidget(Structure, "name", what="Structure"),
    )
    notes = fields.Field("notes", "Notes", TextWidget())

    class Meta:
        model = Partner
        name = "Partenaires"
        fields = (
            "name",
            "kind",
            "sector",
            "siret",
            "address",
            "website",
            "agreement_signed_on",
            "agreement_ends_on",
            "is_active",
            "structure",
            "notes",
        )
        # A partner is known by its name in its territory (unique there).
        import_id_fields = ("name",)
        clean_model_instances = True
        use_transactions = True
        report_skipped = False

    def init_instance(self, row=None):
        instance = super().init_instance(row)
        instance.territory_id = self.territory_id
        return instance

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("structure", "territory")


class PartnerResourceAllTerritories(PartnerResource):
    """An administrator's: the file says which territory ("Territoire": its code)."""

    all_territories = True
    territory = fields.Field("territory", "Territoire", TerritoryCodeWidget())

    class Meta(PartnerResource.Meta):
        fields = ("territory", *PartnerResource.Meta.fields)
        import_id_fields = ("territory", "name")


class ContactResource(TerritoryScopedResource):
    territory_path = "partner__territory"

    partner = fields.Field(
        "partner",
        "Partenaire",
        InTerritoryWidget(Partner, "name", what="Partenaire"),
    )
    name = fields.Field("name", "Nom", TextWidget())
    role = fields.Field("role", "Fonction", TextWidget())
    email = fields.Field("email", "E-mail", TextWidget())
    phone = fields.Field("phone", "Téléphone", TextWidget())
    is_recruiter = fields.Field(
        "is_recruiter", "Recrute aux job-datings", YesNoWidget(), saves_null_values=False
    )

    class Meta:
        model = Contact
        name = "Contacts"
        fields = ("partner", "name", "role", "email", "phone", "is_recruiter")
        # A contact is known by its partner and its name.
        import_id_fields = ("partner", "name")
        clean_model_instances = True
        use_transactions = True
        report_skipped = False

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("partner__territory")


class ContactResourceAllTerritories(ContactResource):
    """An administrator's: "Territoire" tells in which territory to find the partner."""

    all_territories = True
    territory = fields.Field("partner__territory__code", "Territoire", TextWidget(), readonly=True)

    class Meta(ContactResource.Meta):
        fields = ("territory", *ContactResource.Meta.fields)
