"""The web chat in a real browser: Debian's Chromium driven by Playwright, real server."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from assistant.settings import Settings

from .conftest import ROOT
from .live import free_port, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.server, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
# The README shows this screenshot: every run keeps it current.
SCREENSHOT = ROOT / "docs" / "chat.png"


def wait_ready(url: str, server: subprocess.Popen, seconds: float = 180) -> None:
    """Until the API answers and the chat page has loaded."""
    wait_until(url, server, {"api": "ready", "chat": "ready"}, seconds)


@pytest.fixture(scope="module")
def app_server(real_index: Settings, tmp_path_factory: pytest.TempPathFactory):
    port = free_port()
    feedback_db = tmp_path_factory.mktemp("feedback") / "feedback.sqlite3"
    env = os.environ | {
        "ASSISTANT_CORPUS_DIR": str(real_index.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(real_index.index_dir),
        "ASSISTANT_FEEDBACK_DB": str(feedback_db),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, server)
        yield url, feedback_db
    finally:
        server.terminate()
        server.wait(timeout=30)


def launch(playwright):
    """Debian's Chromium, never a downloaded browser, with no background traffic."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    )


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_server):
    url, _ = app_server
    context = browser.new_context(locale="da-DK", viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_selector("#spoergsmaal textarea")
    yield page
    hosts = {urlparse(u).hostname for u in page.requests if not u.startswith(("data:", "blob:"))}
    assert hosts <= {"127.0.0.1"}, f"requests left the server: {hosts}"
    context.close()


def ask(page, question: str, answers_before: int | None = None) -> None:
    count = page.locator("#samtale .svar:not(:has-text('…'))").count()
    page.fill("#spoergsmaal textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#samtale .svar .kilder, #samtale .afvist').length > n",
        arg=count if answers_before is None else answers_before,
        timeout=30000,
    )


def test_ask_see_cited_answer_open_the_passage(page) -> None:
    assert page.evaluate("document.documentElement.lang") == "da"
    assert page.title().startswith("Spørg artiklen")
    ask(page, "Hvad går det sjette råd ud på?", 0)
    answer = page.locator("#samtale .svar").last
    assert "små skibe" in answer.inner_text()
    marker = answer.locator("a.cite").first
    assert marker.inner_text() == "[1]"
    marker.click()
    passage = answer.locator("details").first
    assert passage.evaluate("d => d.open")
    assert "Råd 6: Tænk stort, og begynd småt" in passage.locator("summary").inner_text()
    highlighted = " ".join(passage.locator("mark").all_inner_texts())
    assert "små skibe i søen" in highlighted
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_keyboard_only_conversation_with_follow_up(page) -> None:
    page.focus("#spoergsmaal textarea")
    page.keyboard.type("Hvad er det tredje råd?")
    page.keyboard.press("Enter")
    page.wait_for_selector("#samtale .kilder")
    page.keyboard.type("Og det fjerde?")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('#samtale .kilder').length >= 2")
    assert "Arbejd behovsorienteret" in page.locator("#samtale .svar").last.inner_text()
    page.locator("#samtale a.cite").last.focus()
    page.keyboard.press("Enter")
    assert page.locator("#samtale details").last.evaluate("d => d.open")
    assert page.locator("#samtale [aria-live='polite']").count() >= 1
    page.click("#ny-samtale")
    page.wait_for_function("document.querySelectorAll('#samtale .svar').length === 0")


def test_abstention_looks_different_and_suggests_questions(page) -> None:
    ask(page, "Hvem er borgmester i Haderslev?", 0)
    refusal = page.locator("#samtale .afvist").last
    assert "Det står der ikke noget om i artiklen" in refusal.inner_text()
    assert refusal.locator("ul.forslag li").count() >= 1


def test_feedback_with_comment_is_stored_without_who_gave_it(page, app_server) -> None:
    _, feedback_db = app_server
    ask(page, "Hvornår blev artiklen skrevet?", 0)
    page.locator("#samtale button[aria-label='Godt svar']").last.click()
    page.wait_for_selector("#status:has-text('Tak for din bedømmelse')")
    page.fill("#kommentar textarea", "Præcist og med kilde")
    page.click("#send-kommentar")
    page.wait_for_selector("#status:has-text('Tak for din kommentar')")
    with sqlite3.connect(feedback_db) as db:
        rows = db.execute("SELECT * FROM feedback").fetchall()
        columns = [c[1] for c in db.execute("PRAGMA table_info(feedback)")]
    row = dict(zip(columns, rows[-1], strict=True))
    assert row["rating"] == "up"
    assert row["question"] == "Hvornår blev artiklen skrevet?"
    assert "18. maj 2022" in row["answer"] and "18. maj 2022" in row["citations"]
    assert row["comment"] == "Præcist og med kilde"
    assert not {"ip", "user", "user_id", "session"} & set(columns)


@pytest.mark.parametrize(
    "payload",
    [
        "<img src=x onerror=alert(1)>",
        "[klik her](javascript:alert(1))",
        "<script>alert(1)</script>",
    ],
)
def test_script_payloads_are_shown_as_text(page, payload: str) -> None:
    ask(page, payload, 0)
    user_message = page.locator("#samtale .spm").last
    assert user_message.inner_text().strip() == payload
    assert page.locator("#samtale img[src='x'], #samtale a[href^='javascript']").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_an_empty_question_is_refused_in_danish_and_nothing_is_lost(page) -> None:
    page.fill("#spoergsmaal textarea", "x" * 1001)
    page.click("#send")
    page.wait_for_selector("text=Spørgsmålet er for langt")
    assert page.input_value("#spoergsmaal textarea") == "x" * 1001


def test_shutil_finds_no_browser_download() -> None:
    assert shutil.which("chromium") == CHROMIUM or Path(CHROMIUM).exists()
