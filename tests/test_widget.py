"""The embeddable widget: served script, origin policy, and real Chromium on two origins."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings
from assistant.web import create_app
from assistant.web.service import Service

from .conftest import ROOT
from .test_browser import free_port, launch, wait_ready

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.browser]

DEMO = ROOT / "ui" / "static" / "demo-intranet.html"


# --- in-process: the script and the headers


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    settings = Settings(
        allowed_origins=["http://intranet.test"],
        feedback_db=tmp_path_factory.mktemp("fb") / "f.sqlite3",
    )
    return TestClient(create_app(settings, service=Service(settings)))


def test_widget_script_is_small_and_self_contained(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert len(response.content) < 20_000
    assert "http" not in response.text.replace("${base}", "").split("*/", 1)[1]


def test_frame_may_only_be_embedded_by_allowed_origins(client: TestClient) -> None:
    policy = client.get("/widget/frame").headers["content-security-policy"]
    assert "frame-ancestors 'self' http://intranet.test" in policy
    assert "connect-src 'self'" in policy and "script-src 'self'" in policy
    chat_policy = client.get("/healthz").headers["content-security-policy"]
    assert chat_policy == "frame-ancestors 'self' http://intranet.test"


def test_api_answers_allowed_origins_only(client: TestClient) -> None:
    allowed = client.get("/api/widget", headers={"Origin": "http://intranet.test"})
    assert allowed.headers["access-control-allow-origin"] == "http://intranet.test"
    assert "access-control-allow-credentials" not in allowed.headers
    refused = client.post(
        "/api/ask", json={"question": "Hvad er råd 1?"}, headers={"Origin": "http://evil.test"}
    )
    assert refused.status_code == 403 and refused.json()["error"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in refused.headers
    preflight = client.options(
        "/api/ask",
        headers={"Origin": "http://evil.test", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_without_allowed_origins_only_the_same_origin(tmp_path: Path) -> None:
    settings = Settings(feedback_db=tmp_path / "f.sqlite3")
    client = TestClient(create_app(settings, service=Service(settings)))
    policy = client.get("/widget/frame").headers["content-security-policy"]
    assert policy.endswith("frame-ancestors 'self'")
    refused = client.get("/api/widget", headers={"Origin": "http://intranet.test"})
    assert refused.status_code == 403


# --- real browser, real server, the demo page on two other origins


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def origins(real_index: Settings, tmp_path_factory: pytest.TempPathFactory):
    """The app allows the intranet port and not the other one; both serve the demo page."""
    app_port, allowed_port, other_port = free_port(), free_port(), free_port()
    site = tmp_path_factory.mktemp("intranet")
    page = DEMO.read_text(encoding="utf-8").replace("127.0.0.1:7860", f"127.0.0.1:{app_port}")
    (site / "index.html").write_text(page, encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(site))
    servers = [
        http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        for port in (allowed_port, other_port)
    ]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    env = os.environ | {
        "ASSISTANT_CORPUS_DIR": str(real_index.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(real_index.index_dir),
        "ASSISTANT_FEEDBACK_DB": str(site / "feedback.sqlite3"),
        "ASSISTANT_ALLOWED_ORIGINS": f"http://127.0.0.1:{allowed_port}",
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(app_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(f"http://127.0.0.1:{app_port}", app)
        yield f"http://127.0.0.1:{allowed_port}/", f"http://127.0.0.1:{other_port}/"
    finally:
        app.terminate()
        app.wait(timeout=30)
        for server in servers:
            server.shutdown()


@pytest.fixture
def intranet(origins):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        yield context
        browser.close()


def test_allowed_intranet_page_gets_a_working_widget(intranet, origins) -> None:
    allowed, _ = origins
    page = intranet.new_page()
    page.goto(allowed)
    launcher = page.get_by_role("button", name="Åbn chat: Spørg om de 7 gode råd")
    launcher.focus()
    page.keyboard.press("Enter")
    assert launcher.get_attribute("aria-expanded") == "true"
    frame = page.frame_locator("iframe[title='Spørg om de 7 gode råd']")
    frame.locator("text=Hej! Spørg mig om artiklen").wait_for()
    frame.locator("#spoergsmaal").fill("Hvad går det sjette råd ud på?")
    frame.locator("#spoergsmaal").press("Enter")
    answer = frame.locator(".kilder").last
    answer.wait_for(timeout=30000)
    assert "små skibe" in frame.locator(".svar").last.inner_text()
    frame.locator("button.cite").first.click()
    assert frame.locator("details").first.evaluate("d => d.open")
    assert "små skibe i søen" in " ".join(frame.locator("mark").all_inner_texts())
    frame.locator("#spoergsmaal").fill("Og det syvende?")
    frame.locator("#spoergsmaal").press("Enter")
    frame.locator(".kilder >> nth=1").wait_for(timeout=30000)
    assert "ophæng" in frame.locator(".svar").last.inner_text()
    assert frame.locator("[aria-live='polite']").count() == 1
    page.screenshot(path=str(ROOT / "docs" / "widget.png"))  # shown in the README
    # A typo is read as the article's word and said so; a partial answer is marked.
    frame.locator("#spoergsmaal").fill("hvad siger han om sikkerhde")
    frame.locator("#spoergsmaal").press("Enter")
    frame.locator(".kilder >> nth=2").wait_for(timeout=30000)
    assert "Læst som: sikkerhde → sikkerhed" in frame.locator(".svar").last.inner_text()
    frame.locator("#spoergsmaal").fill("hvordan sikrer man at løsningerne passer til brugerne")
    frame.locator("#spoergsmaal").press("Enter")
    frame.locator(".kilder >> nth=3").wait_for(timeout=30000)
    partial = frame.locator(".svar").last
    assert "Artiklen svarer kun delvist" in partial.inner_text()
    assert "delvist" in (partial.get_attribute("class") or "")
    frame.locator("#spoergsmaal").press("Escape")
    page.wait_for_function(
        "() => [...document.querySelectorAll('div')].some(d => d.shadowRoot"
        " && d.shadowRoot.querySelector('.panel').hidden)"
    )
    assert launcher.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.className") == (
        "launcher"
    )


def test_other_origin_gets_no_widget_and_sees_why(intranet, origins) -> None:
    _, other = origins
    page = intranet.new_page()
    page.goto(other)
    page.get_by_role("button", name="Åbn chat: Spørg om de 7 gode råd").click()
    refusal = page.get_by_role("alert")
    refusal.wait_for(timeout=10000)
    assert "må ikke bruges på denne side" in refusal.inner_text()
    assert page.locator("iframe").count() == 0
    status = page.evaluate(
        """async (base) => {
            try {
                const r = await fetch(base + '/api/ask', {method: 'POST',
                  headers: {'content-type': 'application/json'},
                  body: JSON.stringify({question: 'Hvad er råd 1?'})});
                return 'read ' + r.status;
            } catch (e) { return 'blocked'; }
        }""",
        page.evaluate("document.querySelector('script[src]').src.replace('/widget.js', '')"),
    )
    assert status == "blocked"
