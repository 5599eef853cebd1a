"""Steps the browser journeys share."""

from pacte.factories import DEMO_PASSWORD


def log_in(page, live_server, username):
    """Sign in through the login page, as a person would, and land on the home page."""
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
