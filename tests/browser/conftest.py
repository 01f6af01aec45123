from pathlib import Path

import pytest
from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture(params=[360, 1280], ids=["phone", "desktop"])
def page(request, browser, live_server, settings):
    # Playwright fills a form faster than a person; the sign-up time check has its own tests.
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    # The live server serves /static/ from the source folders, which know no hashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    context = browser.new_context(viewport={"width": request.param, "height": 800}, base_url=live_server.url)
    page = context.new_page()
    failures = []
    page.on("console", lambda msg: msg.type == "error" and failures.append(msg.text))
    # A request the next navigation cancelled (net::ERR_ABORTED) is the browser's doing, not the site's.
    page.on(
        "requestfailed",
        lambda req: req.failure != "net::ERR_ABORTED" and failures.append(f"request failed: {req.url} {req.failure}"),
    )
    page.on("response", lambda resp: resp.status >= 400 and failures.append(f"{resp.status}: {resp.url}"))
    page.console_failures = failures
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.x A/AA violations on the page as it stands."""
    # Evaluated through the DevTools protocol, so the page's CSP (which would block an
    # injected <script>) stays on for the rest of the test.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


def looks_right(page, name: str) -> None:
    """A screenshot to look at, and nothing serious for axe or the console."""
    screenshot(page, name)
    assert axe_violations(page) == [], name
    assert page.console_failures == [], name
