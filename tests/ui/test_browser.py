"""The chat UI in real headless Chromium, as plant staff use it; screenshots of each step go to test-output/ui/.

The "done when" flow: an operator and an approver in two browser contexts; the operator raises a work
order, the approver decides it from the inbox (edited form, comment), the operator reopens the thread
from the history sidebar, clicks a citation and sees its passage, and the thread goes on.
"""

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


def _guard(page, external: list[str]) -> None:
    def guard(route):  # the UI must never reach beyond this machine
        if route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.route("**/*", guard)


def _login(browser, base: str, user: str, password: str, external: list[str]):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    _guard(page, external)
    page.goto(f"{base}/chat/")
    page.get_by_label("Username").fill(user)
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


def _ask(page, text: str) -> None:
    from playwright.sync_api import expect

    page.locator("#chat-input").fill(text)
    submit = page.locator("#chat-submit")
    expect(submit).to_be_enabled(timeout=20000)  # enabled once the websocket session is up
    submit.click()


def _shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_done_when_operator_and_approver(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from copilot.server import create_app

    settings = corpus_settings(tmp_path)
    service = real_service(settings)
    app = create_app(settings, copilot=service, ui=True)
    creds = app.state.initial_credentials
    SHOTS.mkdir(parents=True, exist_ok=True)
    external: list[str] = []
    with live_server(app) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            bad = browser.new_page(viewport={"width": 1280, "height": 1000})
            _guard(bad, external)
            bad.goto(f"{base}/chat/")
            expect(bad.get_by_text("Sign in to Industrial Copilot")).to_be_visible(timeout=20000)
            bad.get_by_label("Username").fill("operator")
            bad.get_by_label("Password").fill("wrong")
            bad.get_by_role("button", name="Sign In").click()
            expect(bad.get_by_text("Wrong username or password.").first).to_be_visible(timeout=10000)
            expect(bad.get_by_text("credentialssignin")).to_have_count(0)
            _shot(bad, "01_login_wrong_password")
            bad.close()

            # The operator raises a work order; sees progress, clickable sources and the pending form.
            op_ctx, op = _login(browser, base, "operator", creds["operator"]["password"], external)
            expect(op.locator("#upload-button")).to_have_count(0)  # operators cannot upload documents
            _ask(op, QUESTION)
            expect(op.get_by_text("Searching the documents").first).to_be_attached(timeout=30000)
            card = op.locator(".approval-card")
            expect(card).to_have_count(1, timeout=30000)
            expect(card.get_by_text("awaits approval")).to_be_visible()
            expect(card.get_by_role("button", name="Approve")).to_have_count(0)
            expect(op.locator("a.element-link", has_text="[1]").first).to_be_visible()
            _shot(op, "02_operator_raises_work_order")
            pending = service.list_approvals("pending")
            assert len(pending) == 1 and pending[0].payload["asset"] == "P-101"
            thread_id = pending[0].thread_id

            # The approver, in another context, decides it from the inbox: edited form and a comment.
            ap_ctx, ap = _login(browser, base, "approver", creds["approver"]["password"], external)
            expect(ap.get_by_text("1 item awaits your approval.")).to_be_visible(timeout=20000)
            ap.get_by_role("button", name="Open inbox").click()
            card = ap.locator(".approval-card")
            expect(card).to_have_count(1, timeout=20000)
            expect(card.get_by_text("Requested by operator")).to_be_visible()
            _shot(ap, "03_approver_inbox")
            card.get_by_role("button", name="Edit").click()
            card.get_by_label("Priority").select_option("medium")
            card.get_by_label("Decision comment").fill("Medium is enough: the pump is spared")
            _shot(ap, "04_approver_edits_form")
            card.get_by_role("button", name="Save and approve").click()
            expect(card.locator(".approval-status")).to_have_text("approved", timeout=20000)
            expect(card.get_by_text("approved by approver").first).to_be_visible()
            _shot(ap, "05_approver_approved")
            ap_ctx.close()
            decided = service.get_approval(pending[0].id)
            assert (decided.status, decided.decided_by, decided.comment) == (
                "approved", "approver", "Medium is enough: the pump is spared")
            orders = service.list_work_orders()
            assert [(o["approval_id"], o["priority"]) for o in orders] == [(decided.id, "medium")]

            # The operator starts a new chat, reopens the first thread from the history sidebar, clicks a citation.
            op.locator("#new-chat-button").last.click()  # the header one (the sidebar is closed)
            expect(op.locator(".approval-card")).to_have_count(0, timeout=10000)  # a fresh, empty chat
            op.locator("#sidebar-trigger-button").last.click()  # the history sidebar starts closed
            thread_link = op.get_by_role("link", name=QUESTION[:30]).first
            expect(thread_link).to_be_visible(timeout=20000)
            _shot(op, "06_operator_history_sidebar")
            thread_link.click()
            expect(op.locator("a.element-link", has_text="[1]").first).to_be_visible(timeout=20000)
            assert thread_id in op.url
            op.locator("a.element-link", has_text="[1]").first.click()
            expect(op.get_by_text("Passage used:")).to_have_count(1, timeout=10000)  # only this source opens
            expect(op.get_by_text("Check suction strainer S-3 for blockage first").first).to_be_visible()
            expect(op.get_by_text("Revision:").first).to_be_visible()
            _shot(op, "07_operator_citation_passage")

            # The reopened thread continues the same copilot thread; the operator sees the request's status.
            before = len(service.history(thread_id))
            expect(op.locator(".approval-card .approval-status")).to_have_text("approved")  # saved card updated
            footers = op.get_by_text("Sources", exact=True).count()
            _ask(op, "What about the seal leak?")
            expect(op.get_by_text("Sources", exact=True)).to_have_count(footers + 1, timeout=30000)
            assert len(service.history(thread_id)) == before + 2
            # The operator's own requests, newest first; the first one's card says it was approved. (Found by
            # its id: the follow-up may have proposed a second, pending work order whose card can arrive late.)
            first_cards = op.locator(f'.approval-card[data-approval-id="{decided.id}"]')
            shown = first_cards.count()
            _ask(op, "Show me my requests")
            expect(op.get_by_text("Your requests:").first).to_be_visible(timeout=30000)
            expect(first_cards).to_have_count(shown + 1, timeout=30000)
            expect(first_cards.last.locator(".approval-status")).to_have_text("approved")
            _shot(op, "08_operator_request_status")
            op_ctx.close()
        finally:
            browser.close()
    assert external == [], f"the UI tried to reach the internet: {external}"


def test_roles_feedback_upload_and_offline_docs(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from copilot.server import create_app

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
            # A viewer sees that the proposal awaits approval and cannot rate; an operator's thumbs are stored.
            ctx, page = _login(browser, base, "operator", creds["operator"]["password"], external)
            _ask(page, QUESTION)
            expect(page.locator(".approval-card")).to_have_count(1, timeout=30000)
            page.locator(".positive-feedback-off").first.click()
            page.get_by_placeholder("Your feedback...").fill("clear steps")
            page.get_by_role("button", name="Submit feedback").click()
            expect(page.locator(".positive-feedback-on").first).to_be_visible(timeout=10000)
            ctx.close()
            feedback = service.deps.store.list_feedback()
            assert [(f["score"], f["user"], f["comment"]) for f in feedback] == [(1, "operator", "clear steps")]

            # An admin uploads a document; the reply gives that document's own chunk count.
            ctx, page = _login(browser, base, "admin", creds["admin"]["password"], external)
            expect(page.locator("#upload-button")).to_be_visible(timeout=20000)  # admins may upload
            with page.expect_response(lambda r: "/project/file" in r.url and r.request.method == "POST",
                                      timeout=60000) as upload:
                page.locator("#upload-button-input").set_input_files([str(doc)])
            assert upload.value.status == 200
            expect(page.get_by_text(doc.name).first).to_be_visible(timeout=10000)
            page.wait_for_timeout(500)  # the composer registers the uploaded file
            _ask(page, "Please add this manual.")
            headers = {"Authorization": f"Bearer {creds['viewer']['api_key']}"}
            expect(page.get_by_text(f"Ingested {doc.name}").first).to_be_visible(timeout=30000)
            docs = httpx.get(f"{base}/v1/documents", headers=headers).json()
            own = next(d["chunks"] for d in docs if d["uploaded"])
            total = sum(d["chunks"] for d in docs)
            expect(page.get_by_text(f"{own} chunk{'s' if own != 1 else ''} from this document").first).to_be_visible()
            assert own < total
            _shot(page, "09_admin_upload")
            ctx.close()

            # /docs and /redoc render from local assets only.
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            _guard(page, external)
            page.goto(f"{base}/docs")
            expect(page.get_by_text("/v1/chat/completions").first).to_be_visible(timeout=20000)
            _shot(page, "10_swagger_offline")
            page.goto(f"{base}/redoc")
            expect(page.get_by_role("menuitem", name="openai")).to_be_visible(timeout=30000)
            _shot(page, "11_redoc_offline")
            page.close()
        finally:
            browser.close()
    assert external == [], f"the browser tried to reach the internet: {external}"
