"""Write the French plural catalog, locale/fr/LC_MESSAGES/django.po and its django.mo.

The screens are written in French in the source, so no catalog is needed for the words.
Plurals are the exception: Django applies a catalog's ``Plural-Forms`` only to the
messages that catalog holds, and any other ``ngettext`` or ``{% blocktranslate count %}``
falls back to English's rule (n == 1 singular), which prints « 0 tâches ». French puts 0
and 1 in the singular, so the catalog holds every plural message of the project with its
own words: msgstr[0] the singular, msgstr[1] the plural, as written in the source.

``makemessages`` (GNU xgettext) reads a temporary copy of the project's apps and templates,
so the work tree is never touched (makemessages writes a .py file next to each template it
reads) and two runs never meet. The .po carries no date: the same source writes the same
bytes, and ``--check`` compares them.
"""

import contextlib
import gettext
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

CATALOG_DIR = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
CATALOG_PO = CATALOG_DIR / "django.po"
CATALOG_MO = CATALOG_DIR / "django.mo"

PLURAL_FORMS = "nplurals=2; plural=(n > 1);"
# The extensions makemessages reads for the "django" domain.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}

HEADER = f"""\
# French plurals of Pacte: 0 and 1 take the singular.
# Written by `python manage.py plural_catalog` (make messages): do not edit by hand.
# Only plural messages are here, each translated by its own French words; every
# other message is shown as written in the source.
msgid ""
msgstr ""
"Project-Id-Version: pacte\\n"
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {PLURAL_FORMS}\\n"
"""

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(quoted: list[str]) -> str:
    """The text of a PO string written over one or more quoted lines."""
    return "".join(
        re.sub(r"\\(.)", lambda match: _ESCAPES.get(match[1], match[0]), line[1:-1])
        for line in quoted
    )


@dataclass(frozen=True)
class Entry:
    """One message of a PO file: its comment lines and its fields as quoted lines."""

    comments: tuple[str, ...]
    fields: dict[str, list[str]]

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        """(context, singular, plural): what gettext looks a message up by."""
        context = self.fields.get("msgctxt")
        plural = self.fields.get("msgid_plural")
        return (
            _unquote(context) if context else None,
            _unquote(self.fields.get("msgid", [])),
            _unquote(plural) if plural else None,
        )

    @property
    def is_plural(self) -> bool:
        return "msgid_plural" in self.fields

    def translations(self) -> list[str]:
        """msgstr[0], msgstr[1], … as the PO file holds them."""
        forms = sorted(
            (int(name[7:-1]), _unquote(lines))
            for name, lines in self.fields.items()
            if name.startswith("msgstr[")
        )
        return [text for _index, text in forms]


def parse(po_text: str) -> list[Entry]:
    """The messages of a PO file, header first, obsolete ones (#~) left out."""
    entries = []
    for block in re.split(r"\n\s*\n", po_text.strip()):
        comments, fields, current = [], {}, None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#~"):
                fields = {}
                break
            if line.startswith("#"):
                comments.append(line)
            elif line.startswith('"') and current is not None:
                current.append(line)
            elif line:
                keyword, _space, quoted = line.partition(" ")
                current = fields[keyword] = [quoted.strip()]
        if fields:
            entries.append(Entry(tuple(comments), fields))
    return entries


def _write_field(keyword: str, quoted: list[str]) -> list[str]:
    return [f"{keyword} {quoted[0]}", *quoted[1:]]


def render(entries: list[Entry]) -> str:
    """The catalog: the header, then each plural message translated by its own words."""
    blocks = [HEADER]
    for entry in entries:
        if not entry.is_plural or not entry.key[1]:
            continue
        lines = []
        for comment in entry.comments:
            if comment.startswith("#|"):  # msgmerge's previous msgid: meaningless here
                continue
            if comment.startswith("#,"):
                flags = [flag.strip() for flag in comment[2:].split(",")]
                flags = [flag for flag in flags if flag and flag != "fuzzy"]
                if not flags:
                    continue
                comment = "#, " + ", ".join(flags)
            lines.append(comment)
        for keyword in ("msgctxt", "msgid", "msgid_plural"):
            if keyword in entry.fields:
                lines += _write_field(keyword, entry.fields[keyword])
        lines += _write_field("msgstr[0]", entry.fields["msgid"])
        lines += _write_field("msgstr[1]", entry.fields["msgid_plural"])
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _source_roots() -> list[Path]:
    """The project's own apps and template folders: what renders its screens."""
    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(config.path).resolve() for config in apps.get_app_configs()]
    for engine in settings.TEMPLATES:
        roots += [Path(folder).resolve() for folder in engine.get("DIRS", [])]
    installed = [Path(prefix).resolve() for prefix in (sys.prefix, sys.base_prefix)]
    inside = {
        root
        for root in roots
        if root.is_relative_to(base)
        and root != base
        # Third-party apps of a virtualenv kept in the project folder (.venv) are not ours.
        and not any(root.is_relative_to(prefix) for prefix in installed)
        and not any(part.startswith(".") for part in root.relative_to(base).parts)
    }
    # A root inside another one is copied with it.
    return sorted(r for r in inside if not any(r != o and r.is_relative_to(o) for o in inside))


def _copy_sources(destination: Path) -> None:
    base = Path(settings.BASE_DIR).resolve()

    def ignore(folder, names):
        return [
            name
            for name in names
            if name.startswith(".")
            or name == "__pycache__"
            or (not Path(folder, name).is_dir() and Path(name).suffix not in SOURCE_SUFFIXES)
        ]

    for root in _source_roots():
        shutil.copytree(root, destination / root.relative_to(base), ignore=ignore)


def require_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"{name} est introuvable : installez GNU gettext (apt-get install gettext)."
        )
    return path


def extract() -> list[Entry]:
    """Every message of the source, as `makemessages -l fr` finds it today."""
    require_program("xgettext")
    with tempfile.TemporaryDirectory(prefix="pacte-messages-") as work:
        source, locale = Path(work, "src"), Path(work, "locale")
        source.mkdir()
        _copy_sources(source)
        # The copy's own "locale" folders are left out: one catalog, written in `locale`.
        with override_settings(LOCALE_PATHS=[locale]), contextlib.chdir(source):
            call_command(
                "makemessages",
                locale=["fr"],
                add_location="file",
                ignore_patterns=["locale"],
                verbosity=0,
            )
        return parse((locale / "fr" / "LC_MESSAGES" / "django.po").read_text("utf-8"))


def compile_catalog(po_path: Path = CATALOG_PO, mo_path: Path = CATALOG_MO) -> None:
    """msgfmt, with the checks compilemessages runs (placeholders kept in each form)."""
    msgfmt = require_program("msgfmt")
    result = subprocess.run(  # noqa: S603 - fixed program, our own files
        [msgfmt, "--check-format", "-o", str(mo_path), str(po_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CommandError(f"msgfmt a refusé {po_path} : {result.stderr.strip()}")


def mo_problems(po_path: Path = CATALOG_PO, mo_path: Path = CATALOG_MO) -> list[str]:
    """What the compiled catalog lacks of the PO file (an .mo left behind by an edit)."""
    if not mo_path.is_file():
        return [f"{mo_path} est absent."]
    with mo_path.open("rb") as stream:
        compiled = gettext.GNUTranslations(stream)
    problems = []
    if compiled.info().get("plural-forms") != PLURAL_FORMS:
        problems.append(f"{mo_path} : Plural-Forms n’est pas « {PLURAL_FORMS} ».")
    for entry in parse(po_path.read_text("utf-8")):
        if not entry.is_plural:
            continue
        context, singular, plural = entry.key
        for n, expected in zip((1, 2), entry.translations(), strict=False):
            if context is None:
                found = compiled.ngettext(singular, plural, n)
            else:
                found = compiled.npgettext(context, singular, plural, n)
            if found != expected:
                problems.append(f"{mo_path} ne traduit pas « {singular} » (n={n}).")
    return problems


class Command(BaseCommand):
    help = (
        "Écrit locale/fr/LC_MESSAGES/django.po et django.mo : chaque message au pluriel du "
        "projet, traduit par ses propres mots, pour que 0 et 1 prennent le singulier. "
        "Demande GNU gettext (xgettext, msgfmt)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="N’écrit rien ; échoue si le catalogue enregistré n’est pas à jour.",
        )

    def handle(self, *args, check, **options):
        entries = extract()
        text = render(entries)
        count = sum(1 for entry in entries if entry.is_plural and entry.key[1])
        if check:
            self._check(text)
            self.stdout.write(f"Catalogue à jour : {count} messages au pluriel.")
            return
        CATALOG_DIR.mkdir(parents=True, exist_ok=True)
        CATALOG_PO.write_text(text, encoding="utf-8")
        compile_catalog()
        self.stdout.write(
            self.style.SUCCESS(
                f"{count} messages au pluriel dans {CATALOG_PO.relative_to(settings.BASE_DIR)}."
            )
        )

    def _check(self, text):
        committed = CATALOG_PO.read_text("utf-8") if CATALOG_PO.is_file() else ""
        if committed != text:
            wanted = {entry.key for entry in parse(text) if entry.is_plural}
            held = {entry.key for entry in parse(committed) if entry.is_plural}
            lines = [f"{CATALOG_PO} n’est pas à jour : lancez « make messages »."]
            lines += [f"  manque : {key[1]!r}" for key in sorted(wanted - held, key=str)]
            lines += [f"  en trop : {key[1]!r}" for key in sorted(held - wanted, key=str)]
            raise CommandError("\n".join(lines))
        problems = mo_problems()
        if problems:
            raise CommandError("\n".join([*problems, "Lancez « make messages »."]))
