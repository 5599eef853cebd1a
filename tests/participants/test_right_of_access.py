import json

import pytest
from django.urls import reverse

from pacte.models import AccessAction, AccessLog
from pacte.roles import Role
from participants.factories import FollowUpFactory, JusticeMeasureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(users):
    participant = users["participant"]
    FollowUpFactory(participant=participant, summary="Entretien sur le logement")
    JusticeMeasureFactory(participant=participant)
    return participant


def test_the_json_holds_everything_about_the_person(client_for, users, participant):
    response = client_for(users[Role.COORDINATOR]).get(
        reverse("participants:right_of_access", args=[participant.pk, "json"])
    )

    data = json.loads(b"".join([response.content]))
    assert response["Content-Disposition"].startswith("attachment")
    assert data["dossier"]["nom"] == participant.last_name
    assert data["dossier"]["date de naissance"] == participant.birth_date.isoformat()
    assert data["suivis"][0]["ce qui s’est dit"] == "Entretien sur le logement"
    assert data["mesures de justice"][0]["mesure"] == "Semi-liberté"
    assert data["changements de statut"] == []
    assert data["consultations et modifications"][-1]["action"] == "Export de fichier"
    entry = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert entry.participant_id == participant.pk


def test_the_pdf_is_a_real_a4_document(client_for, users, participant):
    pytest.importorskip(
        "weasyprint", reason="WeasyPrint needs Pango (apt-get install libpango-1.0-0)"
    )

    response = client_for(users[Role.COORDINATOR]).get(
        reverse("participants:right_of_access", args=[participant.pk, "pdf"])
    )

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    from pypdf import PdfReader  # noqa: PLC0415 - only for this check

    reader = PdfReader(__import__("io").BytesIO(response.content))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4 in points
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert participant.last_name.upper() in text
    assert "Page 1 /" in text
    assert "Entretien sur le logement" in text
    assert "préfecture de Paris" in text
    assert "u0027" not in text
    assert participant.birth_date.strftime("%Y") in text
    assert "+336" not in text  # phones as people write them
