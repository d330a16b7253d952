"""The editor's review: source beside translation with QA findings and the source diff of
edited originals; approve, approve with an edit, reject with a reason, approve every clean
unit after a confirmation, reopen an approved unit."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from tool.errors import ToolError
from tool.services import articles, progress, qa, review, workflow
from tool.web.accounts import render
from tool.web.app import error_status
from tool.web.context import OneWriterRoute
from tool.web.highlight import word_diff
from tool.web.pages import SignedIn, flash, pick_lang
from tool.web.security import PageUser, Posted, desk_of, posted

router = APIRouter(include_in_schema=False, route_class=OneWriterRoute)
Form = Annotated[Posted, Depends(posted)]

NOTICES = {
    "approved": "Unit {unit} approved.",
    "edited": "Unit {unit} approved with your edit.",
    "rejected": "Unit {unit} rejected: it goes back to its translator.",
    "reopened": "Unit {unit} reopened: it needs review again.",
}


@router.get("/articles/{article_id}/review")
def review_page(
    request: Request,
    article_id: str,
    page: SignedIn,
    lang: str | None = None,
    notice: str | None = None,
    unit: int | None = None,
) -> Response:
    """Units waiting for review in the article, side by side."""
    db = desk_of(request).db()
    article = articles.get_article(db, article_id)
    lang = pick_lang(page, lang, article)
    return _review(request, page, article, lang, notice=flash(notice, unit, NOTICES))


def _source_change(events: list[dict[str, Any]]) -> list[tuple[str, str]] | None:
    """The diff of the original's last edit, if it came after the unit's last approval."""
    for event in reversed(events):
        if event["action"] == "approve":
            return None
        detail = event["detail"] or {}
        if "old_source" in detail and "new_source" in detail:
            return word_diff(detail["old_source"], detail["new_source"])
    return None


def _review(
    request: Request,
    page: PageUser,
    article: dict[str, Any],
    lang: str,
    *,
    notice: str = "",
    error: str = "",
    failed: dict[int, dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    db = desk_of(request).db()
    failed = failed or {}
    queue = review.review_queue(db, page.name, lang, article["id"], needs_review=True)
    for row in queue:
        row["qa"] = qa.check_unit(db, row["id"])
        row["has_errors"] = any(f.severity == "error" for f in row["qa"])
        row["source_diff"] = _source_change(progress.history(db, row["id"], page.name))
        row["failed"] = failed.get(row["id"])
    approved = [
        p for p in articles.article_pairs(db, article["id"], lang) if p["status"] == "approved"
    ]
    return render(
        request,
        "review.html",
        {
            "page": page,
            "article": article,
            "lang": lang,
            "queue": queue,
            "clean": sum(1 for r in queue if r["status"] == "translated" and not r["has_errors"]),
            "approved": approved,
            "notice": notice,
            "error": error,
        },
        status,
    )


def _decide(request: Request, unit_id: int, form: Posted, action: str) -> Response:
    """Approve (with or without an edit), reject or reopen one unit; errors keep what was typed."""
    db = desk_of(request).db()
    comment = form.text("comment")
    text = form.text("text") if form.text("edit") else None
    override = form.text("override").strip()
    try:
        if action == "approve":
            result = review.approve(
                db, [unit_id], form.name, text=text, comment=comment, override=override or None
            )
            notice = "edited" if result.edited else "approved"
        elif action == "reject":
            review.reject(db, unit_id, form.name, comment)
            notice = "rejected"
        else:
            review.reopen(db, [unit_id], form.name, comment)
            notice = "reopened"
    except ToolError as error:
        unit = workflow.get_unit(db, unit_id)
        article = articles.get_article(db, unit["article_id"])
        return _review(
            request,
            form.page,
            article,
            unit["lang"],
            error=f"Unit {unit_id}: {error}",
            failed={unit_id: {"action": action, "text": text or "", "comment": comment}},
            status=error_status(error),
        )
    unit = workflow.get_unit(db, unit_id)
    query = urlencode({"lang": unit["lang"], "notice": notice, "unit": unit_id})
    return RedirectResponse(f"/articles/{unit['article_id']}/review?{query}", status_code=303)


@router.post("/units/{unit_id}/approve")
def approve(request: Request, unit_id: int, form: Form) -> Response:
    """Approve the unit; with ``edit`` set, approve ``text`` instead of what was submitted."""
    return _decide(request, unit_id, form, "approve")


@router.post("/units/{unit_id}/reject")
def reject(request: Request, unit_id: int, form: Form) -> Response:
    """Reject the unit with a reason (required); it goes back to its translator."""
    return _decide(request, unit_id, form, "reject")


@router.post("/units/{unit_id}/reopen")
def reopen(request: Request, unit_id: int, form: Form) -> Response:
    """Send an approved unit back to review, with a reason (required)."""
    return _decide(request, unit_id, form, "reopen")


@router.get("/articles/{article_id}/approve-all")
def confirm_approve_all(
    request: Request, article_id: str, page: SignedIn, lang: str | None = None
) -> Response:
    """What approving every clean unit would do, with a button to confirm."""
    db = desk_of(request).db()
    article = articles.get_article(db, article_id)
    lang = pick_lang(page, lang, article)
    queue = review.review_queue(db, page.name, lang, article_id)
    for row in queue:
        row["qa"] = qa.check_unit(db, row["id"])
        row["has_errors"] = any(f.severity == "error" for f in row["qa"])
    return render(
        request,
        "approve_all.html",
        {"page": page, "article": article, "lang": lang, "queue": queue, "result": None},
    )


@router.post("/articles/{article_id}/approve-all")
def approve_all(request: Request, article_id: str, form: Form) -> Response:
    """Approve every submitted unit without QA errors (the library skips and lists the rest)."""
    db = desk_of(request).db()
    article = articles.get_article(db, article_id)
    lang = form.text("lang")
    result = review.approve_article(db, article_id, lang, form.name)
    return render(
        request,
        "approve_all.html",
        {"page": form.page, "article": article, "lang": lang, "queue": [], "result": result},
    )
