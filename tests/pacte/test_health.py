import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_health_check_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_is_public_and_has_no_trailing_slash_redirect(client):
    response = client.get("/healthz", follow=False)

    assert response.status_code == 200
    assert client.get("/healthz/").status_code == 404


def test_health_check_answers_503_without_traceback_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error"}
    assert b"Traceback" not in response.content
    assert b"connection refused" not in response.content
