import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from pacte.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "greeting"),
    [
        (Role.COORDINATOR, "Vous pilotez le programme de votre territoire"),
        (Role.PILOT, "Vous animez la Cellule Emploi"),
        (Role.COUNSELLOR, "Vous suivez les jeunes"),
        (Role.RECRUITER, "Vous retrouverez ici vos entretiens"),
        (Role.ADMINISTRATOR, "Vous administrez"),
    ],
)
def test_the_home_page_greets_the_user_by_role(client_for, users, role, greeting):
    user = users[role]

    content = client_for(user).get(reverse("home")).content.decode()

    assert f"Bonjour {user.first_name}" in content
    assert greeting in content
    assert '<html lang="fr"' in content


def test_navigation_shows_only_what_the_role_may_open(client_for, users):
    coordinator_nav = client_for(users[Role.COORDINATOR]).get("/").context["nav_items"]
    counsellor_nav = client_for(users[Role.COUNSELLOR]).get("/").context["nav_items"]

    assert [item["label"] for item in coordinator_nav] == [
        "Accueil",
        "Tableau de bord",
        "Jeunes",
        "À suivre",
        "Mes tâches",
        "Cellule Emploi",
        "Café-métiers",
        "Partenaires",
        "Comptes",
        "Années du programme",
        "Administration",
    ]
    assert [item["label"] for item in counsellor_nav] == [
        "Accueil",
        "Jeunes",
        "À suivre",
        "Mes tâches",
        "Café-métiers",
        "Partenaires",
    ]
    recruiter_nav = client_for(users[Role.RECRUITER]).get("/").context["nav_items"]
    assert [item["label"] for item in recruiter_nav] == ["Accueil"]


def test_a_recruiter_never_reads_the_programme_name(client_for, users):
    content = client_for(users[Role.RECRUITER]).get("/").content.decode()

    assert "Pacte" not in content
    assert "Café-métiers de la préfecture" in content


def test_staff_read_the_service_and_the_operator_in_the_header(client_for, users):
    content = client_for(users[Role.COUNSELLOR]).get("/").content.decode()

    assert "Pacte 2ème chance" in content
    assert "Préfecture de la région d&#x27;Île-de-France, préfecture de Paris" in content


@pytest.mark.parametrize("name", ["legal_notice", "accessibility", "personal_data"])
def test_the_mandatory_pages_are_public_and_linked_from_the_footer(client, name):
    url = reverse(name)

    response = client.get(url)
    login_page = client.get(reverse("login")).content.decode()

    assert response.status_code == 200
    assert f'href="{url}"' in login_page


def test_the_404_page_is_dsfr_and_leaks_nothing(client_for, users):
    response = client_for(users[Role.COUNSELLOR]).get("/nulle-part/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "Page introuvable" in content
    assert "fr-header" in content
    assert "nulle-part" not in content


def test_the_500_page_renders_without_touching_the_database(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", refuse)
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-the-database-must-be-asked-about"

    response = client.get(reverse("home"))

    assert response.status_code == 500
    content = response.content.decode()
    assert "Le service rencontre un problème" in content
    assert "database is down" not in content
    assert "Traceback" not in content


def test_pagination_links_that_lead_nowhere_are_announced_as_disabled(rf):
    """DSFR: the first/previous links of page 1 are disabled links (aria-disabled),
    which also exempts their grey from the contrast rule."""
    from django.core.paginator import Paginator
    from django.template import Context, Template

    page = Paginator(range(120), 50).get_page(1)
    html = Template("{% load dsfr_tags %}{% dsfr_pagination page_obj %}").render(
        Context({"page_obj": page, "request": rf.get("/jeunes/")})
    )
    assert html.count('aria-disabled="true" role="link"') == 2
    assert 'href="?page=2"' in html
    assert 'title="Page 1 / 3"' in html


PRISON_WORDS = ("justice", "judiciaire", "prison", "Pacte", "SPIP", "mesure")


@pytest.mark.parametrize("who", [None, Role.RECRUITER])
def test_recruiters_and_visitors_read_a_privacy_notice_of_the_cafe_metiers_only(
    client_for, users, who
):
    content = client_for(users[who] if who else None).get(reverse("personal_data"))
    text = content.content.decode()

    assert "Café-métiers" in text
    for word in PRISON_WORDS:
        assert word not in text, word


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PILOT, Role.COUNSELLOR])
def test_the_staff_read_the_full_privacy_notice(client_for, users, role):
    text = client_for(users[role]).get(reverse("personal_data")).content.decode()

    assert "la mesure de justice en cours" in text


def test_the_favicon_is_the_dsfr_one_everywhere(client_for, users):
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("dsfr/dist/favicon/favicon.ico")

    admin_page = client_for(users[Role.ADMINISTRATOR]).get(reverse("admin:index"))
    assert "dsfr/dist/favicon/favicon.ico" in admin_page.content.decode()


def test_the_demo_names_the_address_it_is_served_at(capsys, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", "--url", "http://0.0.0.0:8080")

    assert "Application : http://0.0.0.0:8080" in capsys.readouterr().out


def test_the_first_of_the_month_is_written_1er():
    import datetime as dt

    from django.template import Context, Template

    rendered = Template(
        "{% load pacte_tags %}{{ d|long_date }}|{{ d|day_month }}|{{ d|weekday_date }}|"
        "{{ other|long_date }}"
    ).render(Context({"d": dt.date(2027, 2, 1), "other": dt.date(2027, 2, 11)}))

    assert rendered == "1er février 2027|1er février|lundi 1er février 2027|11 février 2027"
