"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

`playwright install` cannot download a browser here, so the system Chromium is used. Every test
in this folder is marked `e2e` (`pytest -m "not e2e"` leaves them out) and put in one xdist
group: under `--dist loadgroup` (make test) they all run on one worker, which starts one
Chromium and one live server, while the other workers run the rest of the suite.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def phone(browser):
    """A page in a small phone's viewport."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True)
    yield context.new_page()
    context.close()
