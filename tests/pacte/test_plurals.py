"""French plurals (issue #14): 0 and 1 take the singular, « 0 tâche », « 1 invité ».

Django applies French's rule only to the messages of a catalog, so the committed
locale/fr catalog must hold every plural message of the source: `make messages`
(manage.py plural_catalog) writes it, and these tests fail when it is missing or stale.
"""

import os
import shutil

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.translation import ngettext

from pacte.factories import UserFactory
from pacte.management.commands import plural_catalog
from pacte.roles import Role
from participants.factories import TaskFactory

REGENERATE = "Run `make messages` (python manage.py plural_catalog) and commit locale/."


@pytest.fixture(scope="module")
def source_entries():
    """The plural messages of the source today, as `makemessages -l fr` finds them."""
    if shutil.which("xgettext") is None:
        message = "Reading the source's messages needs GNU gettext (apt-get install gettext)."
        if os.environ.get("PACTE_REQUIRE_GETTEXT"):
            pytest.fail(message + " PACTE_REQUIRE_GETTEXT is set: a missing xgettext fails.")
        pytest.skip(message)
    return [entry for entry in plural_catalog.extract() if entry.is_plural]


def committed_entries():
    return plural_catalog.parse(plural_catalog.CATALOG_PO.read_text("utf-8"))


def task_list_status(client):
    response = client.get(reverse("participants:tasks"))
    assert response.status_code == 200
    return response.context["count"], response.content.decode()


@pytest.mark.django_db
def test_the_task_list_says_0_tache_1_tache_2_taches(client_for, users):
    counsellor = users[Role.COUNSELLOR]  # one open task, from the fixture
    newcomer = UserFactory(role=Role.COUNSELLOR, structure=counsellor.structure)

    count, page = task_list_status(client_for(newcomer))
    assert count == 0
    assert "0 tâche à faire" in page

    count, page = task_list_status(client_for(counsellor))
    assert count == 1
    assert "1 tâche à faire" in page

    TaskFactory(participant=users["participant"])
    count, page = task_list_status(client_for(counsellor))
    assert count == 2
    assert "2 tâches à faire" in page


@pytest.mark.parametrize(
    "count, said",
    [(0, "0 jeune à suivre"), (1, "1 jeune à suivre"), (2, "2 jeunes à suivre")],
)
def test_blocktranslate_count_puts_0_and_1_in_the_singular(count, said):
    # The counter of templates/participants/attention_list.html, as written there.
    template = Template(
        "{% load i18n humanize %}{% blocktranslate count counter=count with "
        "shown=count|intcomma trimmed %}{{ shown }} jeune à suivre{% plural %}"
        "{{ shown }} jeunes à suivre{% endblocktranslate %}"
    )

    assert template.render(Context({"count": count})) == said


def test_ngettext_of_the_python_source_puts_0_in_the_singular():
    # The end of an export (participants/export_jobs.py).
    def exported(n):
        return ngettext("%(count)s jeune exporté.", "%(count)s jeunes exportés.", n) % {"count": n}

    assert exported(0) == "0 jeune exporté."
    assert exported(1) == "1 jeune exporté."
    assert exported(2) == "2 jeunes exportés."


def test_each_plural_message_is_translated_by_its_own_french_words():
    text = plural_catalog.CATALOG_PO.read_text("utf-8")

    assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in text.splitlines()
    plurals = [entry for entry in plural_catalog.parse(text) if entry.is_plural]
    assert plurals, "the catalog holds no plural message"
    for entry in plurals:
        _context, singular, plural = entry.key
        assert entry.translations() == [singular, plural], entry.key


def test_the_compiled_catalog_holds_what_the_po_file_says():
    assert plural_catalog.mo_problems() == [], REGENERATE


def test_every_plural_message_of_the_source_is_in_the_catalog(source_entries):
    held = {entry.key for entry in committed_entries() if entry.is_plural}

    missing = [entry.key[1] for entry in source_entries if entry.key not in held]

    assert source_entries, "makemessages found no plural message in the source"
    assert missing == [], REGENERATE


def test_the_catalog_is_exactly_what_make_messages_writes(source_entries):
    """No stale message, no hand edit: regenerating changes nothing."""
    written = plural_catalog.CATALOG_PO.read_text("utf-8")

    assert plural_catalog.render(source_entries) == written, REGENERATE
