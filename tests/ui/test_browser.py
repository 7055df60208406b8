"""The chat UI in real headless Chromium: log in, ask, see streamed answer + sources, approve, check storage."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from copilot.config import PROJECT_ROOT
from tests.api.conftest import corpus_settings, real_service
from tests.api.live import live_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = PROJECT_ROOT / "test-output" / "ui"
QUESTION = "Pump P-101 is cavitating with a rattling noise. What should I check? Propose a work order."

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian package chromium is not installed")]


def _login(browser, base: str, user: str, password: str, external: list[str]):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()

    def guard(route):  # the UI must never reach beyond this machine
        if route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(f"{base}/chat/")
    page.get_by_label("Email address").fill(user)
    page.get_by_label("Password").fill(password)
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    page.get_by_role("button", name="Sign In").click()
    page.locator("#chat-input").wait_for(timeout=20000)
    for _ in range(200):  # socket.io "40" = connected: the server-side chat session exists from here on
        if any(f.startswith("40") for f in frames):
            break
        page.wait_for_timeout(100)
    return context, page


def _attach(page, path: Path) -> None:
    from playwright.sync_api import expect

    with page.expect_response(lambda r: "/project/file" in r.url and r.request.method == "POST",
                              timeout=20000) as upload:
        page.locator("#upload-button-input").set_input_files([str(path)])
    assert upload.value.status == 200
    expect(page.get_by_text(path.name).first).to_be_visible(timeout=10000)
    page.wait_for_timeout(500)  # the composer registers the uploaded file


def _ask(page, text: str) -> None:
    from playwright.sync_api import expect

    page.locator("#chat-input").fill(text)
    submit = page.locator("#chat-submit")
    expect(submit).to_be_enabled(timeout=20000)  # enabled once the websocket session is up
    submit.click()


def test_login_ask_approve_in_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from copilot.api.app import create_app

    settings = corpus_settings(tmp_path)
    service = real_service(settings)
    app = create_app(settings, copilot=service, ui=True)
    creds = app.state.initial_credentials
    doc = tmp_path / "compressor_c7.md"
    doc.write_text("# Compressor C-7\n\nSurge is prevented by the anti-surge valve FV-12.\n", encoding="utf-8")
    SHOTS.mkdir(parents=True, exist_ok=True)
    external: list[str] = []
    with live_server(app) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            # A wrong password is refused.
            bad = browser.new_page()
            bad.goto(f"{base}/chat/")
            bad.get_by_label("Email address").fill("approver")
            bad.get_by_label("Password").fill("wrong")
            bad.get_by_role("button", name="Sign In").click()
            expect(bad.locator("#chat-input")).to_have_count(0, timeout=3000)
            bad.close()

            ctx, page = _login(browser, base, "approver", creds["approver"]["password"], external)
            _ask(page, QUESTION)
            expect(page.get_by_text("maintenance agent").first).to_be_visible(timeout=30000)
            expect(page.get_by_text("Sources", exact=True).first).to_be_visible(timeout=30000)
            expect(page.get_by_text("Source 1").first).to_be_visible()
            approve = page.get_by_role("button", name="Approve")
            expect(approve).to_be_visible(timeout=30000)
            # thumbs up on the answer is stored with it
            page.locator(".positive-feedback-off").first.click()
            page.get_by_placeholder("Your feedback...").fill("clear steps")
            page.get_by_role("button", name="Submit feedback").click()
            expect(page.locator(".positive-feedback-on").first).to_be_visible(timeout=10000)
            page.get_by_text("Source 1").first.click()
            expect(page.get_by_text("Centrifugal pump P-101 manual").first).to_be_visible()
            page.screenshot(path=str(SHOTS / "answer_with_sources.png"))
            approve.click()
            expect(page.get_by_text("approved by").first).to_be_visible(timeout=30000)
            expect(page.get_by_role("button", name="Reject")).to_have_count(0)
            page.screenshot(path=str(SHOTS / "approved.png"))
            ctx.close()

            feedback = service.deps.store.list_feedback()
            assert [(f["score"], f["user"], f["comment"]) for f in feedback] == [(1, "approver", "clear steps")]
            headers = {"Authorization": f"Bearer {creds['viewer']['api_key']}"}
            orders = httpx.get(f"{base}/v1/work-orders", headers=headers).json()
            approvals = httpx.get(f"{base}/v1/approvals", params={"status": "approved"}, headers=headers).json()
            assert [a["decided_by"] for a in approvals] == ["approver"]
            assert [o["approval_id"] for o in orders] == [approvals[0]["id"]]

            # A viewer sees that the proposal awaits approval, without buttons.
            ctx, page = _login(browser, base, "viewer", creds["viewer"]["password"], external)
            _ask(page, QUESTION)
            expect(page.get_by_text("awaits approval").first).to_be_visible(timeout=30000)
            expect(page.get_by_role("button", name="Approve")).to_have_count(0)
            page.screenshot(path=str(SHOTS / "viewer_awaits_approval.png"))
            _attach(page, doc)
            _ask(page, "Please add this manual.")
            expect(page.get_by_text("Only admins").first).to_be_visible(timeout=30000)
            ctx.close()

            # An admin adds a document through the UI; it is ingested and listed by the API.
            ctx, page = _login(browser, base, "admin", creds["admin"]["password"], external)
            _attach(page, doc)
            _ask(page, "Please add this manual.")
            expect(page.get_by_text("I am Industrial Copilot").first).to_be_visible(timeout=30000)
            expect(page.get_by_text(f"Ingested {doc.name}").first).to_be_visible(timeout=10000)
            page.screenshot(path=str(SHOTS / "admin_upload.png"))
            ctx.close()
            docs = httpx.get(f"{base}/v1/documents", headers=headers).json()
            assert [d["title"] for d in docs if d["uploaded"]] == ["Compressor C-7"]
        finally:
            browser.close()
    assert external == [], f"the UI tried to reach the internet: {external}"
