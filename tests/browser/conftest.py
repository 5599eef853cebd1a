"""Browser tests: pytest-playwright driving Debian's Chromium against live_server.

No browser is downloaded. Without /usr/bin/chromium the tests are skipped with
a message, unless PACTE_REQUIRE_BROWSER is set (CI), which makes it a failure.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API leaves an event loop running in the main thread for the
# rest of the session; the ORM calls of the tests are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("PACTE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Checked here, before pytest-playwright launches anything.
    if not CHROMIUM.exists():
        message = f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("PACTE_REQUIRE_BROWSER"):
            pytest.fail(message + " PACTE_REQUIRE_BROWSER is set: a missing browser is a failure.")
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture
def axe_check():
    """Run axe-core on the page; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        # A DSFR modal fades in: measured mid-transition, its text is half transparent
        # and fails the contrast rule on a loaded machine. Measure the page at rest.
        page.wait_for_function(
            "() => document.getAnimations().every(animation => animation.playState !== 'running')",
            timeout=5_000,
        )
        results = axe.run(page)
        blocking = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + ", ".join(str(node["target"]) for node in violation["nodes"])
            for violation in results.response["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]
        assert blocking == [], "\n".join(blocking)
        return results

    return check


@pytest.fixture(autouse=True)
def _no_csp_violation(page):
    """Fail a journey whose page broke the Content-Security-Policy (inline script or style)."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield
    assert violations == []
