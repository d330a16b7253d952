"""The translator's workspace: an article's segments in order, an editor for each unit you
hold, memory matches, glossary hits and QA findings, drafts saved as you go.

Without JavaScript every action is a form post. With it (static/desk.js), drafts save
while you type, QA findings follow the text, Ctrl+Enter submits and moves on, memory
matches insert with one click and the leases are renewed while you work.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from tool.clock import stamp
from tool.errors import InputError, ToolError
from tool.services import articles, glossary, leases, memory, qa, workflow
from tool.web.accounts import render
from tool.web.app import DeskJSON, error_status, wants_json
from tool.web.context import OneWriterRoute
from tool.web.highlight import word_diff
from tool.web.pages import SignedIn, flash, pick_lang
from tool.web.security import PageUser, Posted, desk_of, posted

router = APIRouter(include_in_schema=False, route_class=OneWriterRoute)
Form = Annotated[Posted, Depends(posted)]

NOTICES = {
    "submitted": "Unit {unit} submitted for review.",
    "draft": "Draft of unit {unit} saved.",
    "checkout": "The article's open units are yours for a few hours.",
    "nothing": "Nothing left to check out here.",
    "released": "Released.",
    "renewed": "Leases renewed.",
    "taken": "Unit {unit} is yours again.",
}


@router.get("/articles/{article_id}/work")
def workspace(
    request: Request,
    article_id: str,
    page: SignedIn,
    lang: str | None = None,
    notice: str | None = None,
    unit: int | None = None,
) -> Response:
    """The segments of the article in order, with an editor for each unit you hold."""
    db = desk_of(request).db()
    article = articles.get_article(db, article_id)
    lang = pick_lang(page, lang, article)
    return workspace_page(request, page, article, lang, notice=flash(notice, unit, NOTICES))


def workspace_page(
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
    """Render the workspace; ``failed`` keeps, per unit, the text typed and what went wrong."""
    db = desk_of(request).db()
    failed = failed or {}
    pairs = articles.article_pairs(db, article["id"], lang)
    held = {u["id"]: u for u in leases.mine(db, page.name, lang, article["id"])}
    returned = [
        u for u in leases.returned_units(db, page.name, lang) if u["article"] == article["id"]
    ]
    gloss = glossary.Glossary(db, article["lang"], lang)
    rows = []
    for pair in pairs:
        row = {**pair, "editor": None, "lost": None}
        unit_id = pair["unit_id"]
        if unit_id in held:
            row["editor"] = _editor(db, unit_id, held[unit_id], gloss, failed.get(unit_id))
        elif unit_id in failed:  # no longer ours: show what was typed, read-only
            row["lost"] = failed[unit_id]
        rows.append(row)
    until = min((u["expires_at"] for u in held.values()), default="")
    return render(
        request,
        "work.html",
        {
            "page": page,
            "article": article,
            "lang": lang,
            "rows": rows,
            "held": list(held),
            "until": until,
            "returned": returned,
            "notice": notice,
            "error": error,
            "renew_seconds": desk_of(request).settings.lease_renew_seconds,
        },
        status,
    )


def _editor(
    db: Any,
    unit_id: int,
    lease: dict[str, Any],
    gloss: glossary.Glossary,
    failed: dict[str, str] | None,
) -> dict[str, Any]:
    """What a unit's editor shows: text, reviewer's comment, matches, terms, QA findings."""
    context = workflow.unit_context(db, unit_id)
    found = memory.best_matches(
        db,
        context["source"],
        context["source_lang"],
        context["lang"],
        previous=context["previous"],
    )
    text = failed["text"] if failed else context["text"]
    if failed:
        findings = qa.check_text(
            db, context["source"], text, context["source_lang"], context["lang"]
        )
    else:
        findings = qa.check_unit(db, unit_id)
    return {
        "text": text,
        "comment": context["comment"],
        "reviewer": context["reviewer"],
        "until": lease["expires_at"],
        "stray": context["stray_drafts"],
        "matches": [
            {"score": m.score, "target": m.target, "diff": word_diff(m.source, context["source"])}
            for m in found
        ],
        "terms": gloss.hits(context["source"]),
        "qa": findings,
        "needs_override": any(f.severity == "error" for f in findings),
        "error": failed["error"] if failed else "",
    }


@router.post("/articles/{article_id}/checkout")
def take_article(request: Request, article_id: str, form: Form) -> Response:
    """Check out the article's open units (or ``count`` of them)."""
    db = desk_of(request).db()
    lang = form.text("lang")
    count = form.text("count").strip()
    result = leases.checkout(
        db, form.name, lang, article_id, count=int(count) if count.isdigit() else None
    )
    notice = "checkout" if result.units else "nothing"
    return _back(article_id, result.lang or lang, notice)


@router.post("/units/{unit_id}/take")
def take_unit(request: Request, unit_id: int, form: Form) -> Response:
    """Check out one unit (a rejected one coming back to you, say)."""
    db = desk_of(request).db()
    result = leases.checkout(db, form.name, unit_ids=[unit_id])
    unit = result.units[0]
    return _back(unit["article"], unit["lang"], "taken", unit_id)


def _back(
    article_id: str, lang: str, notice: str, unit_id: int | None = None, anchor: int | None = None
) -> Response:
    from urllib.parse import urlencode

    query = {"lang": lang, "notice": notice}
    if unit_id is not None:
        query["unit"] = str(unit_id)
    target = f"/articles/{article_id}/work?{urlencode(query)}"
    if anchor is not None:
        target += f"#u{anchor}"
    return RedirectResponse(target, status_code=303)


def lease_lost(db: Any, unit_id: int, user: str, text: str) -> str:
    """If ``user`` no longer holds the unit, keep their text in its history and say who
    holds it now; "" when the lease was not the problem (or there was nothing to keep)."""
    try:
        unit = workflow.get_unit(db, unit_id)
    except ToolError:
        return ""
    if unit["lease_user"] == user and (unit["lease_expires"] or "") > stamp():
        return ""
    if not text.strip():
        return ""
    try:
        kept = workflow.keep_stray_draft(db, unit_id, user, text)
    except ToolError:
        return ""
    holder = f"{kept.holder} holds it now" if kept.holder else "nobody holds it now"
    return f"Your text is kept in unit {unit_id}'s history ({holder})."


def _unit_action(request: Request, unit_id: int, form: Posted, action: str) -> Response:
    """Save a draft or submit; on failure keep the text (and, if the lease is gone, keep it
    in the history for whoever holds the unit now)."""
    db = desk_of(request).db()
    text = form.text("text")
    override = form.text("override").strip()
    try:
        if action == "draft":
            result = workflow.save_draft(db, unit_id, text, form.name)
        else:
            result = workflow.submit(db, unit_id, form.name, text, override=override or None)
    except ToolError as error:
        kept = lease_lost(db, unit_id, form.name, text)
        message = f"{error}. {kept}" if kept else str(error)
        if wants_json(request):
            return DeskJSON({"error": message, "kept": bool(kept)}, status_code=error_status(error))
        unit = workflow.get_unit(db, unit_id)
        article = articles.get_article(db, unit["article_id"])
        return workspace_page(
            request,
            form.page,
            article,
            unit["lang"],
            error=f"Unit {unit_id}: {message}",
            failed={unit_id: {"text": text, "error": message}},
            status=error_status(error),
        )
    unit = workflow.get_unit(db, unit_id)
    if wants_json(request):
        return DeskJSON(
            {
                "unit_id": result.unit_id,
                "action": result.action,
                "status": result.status,
                "changed": result.changed,
                "saved_at": unit["updated_at"],
            }
        )
    if action == "draft":
        return _back(unit["article_id"], unit["lang"], "draft", unit_id, anchor=unit_id)
    following = _next_held(db, form.name, unit)
    return _back(unit["article_id"], unit["lang"], "submitted", unit_id, anchor=following)


def _next_held(db: Any, user: str, unit: dict[str, Any]) -> int | None:
    """The next unit you hold in the article after ``unit`` (else the first one)."""
    held = leases.mine(db, user, unit["lang"], unit["article_id"])
    after = [u for u in held if u["seq"] > unit["seq"]]
    chosen = after or held
    return chosen[0]["id"] if chosen else None


@router.post("/units/{unit_id}/draft")
def save_draft(request: Request, unit_id: int, form: Form) -> Response:
    """Save the text as a draft (the unit's status does not change)."""
    return _unit_action(request, unit_id, form, "draft")


@router.post("/units/{unit_id}/submit")
def submit(request: Request, unit_id: int, form: Form) -> Response:
    """Submit the text for review, then go on to your next unit."""
    return _unit_action(request, unit_id, form, "submit")


@router.post("/units/{unit_id}/qa")
def qa_preview(request: Request, unit_id: int, form: Form) -> Response:
    """QA findings for the text being typed (nothing is stored)."""
    db = desk_of(request).db()
    context = workflow.unit_context(db, unit_id)
    findings = qa.check_text(
        db, context["source"], form.text("text"), context["source_lang"], context["lang"]
    )
    return DeskJSON([f.as_dict() for f in findings])


@router.post("/units/{unit_id}/release")
def release_unit(request: Request, unit_id: int, form: Form) -> Response:
    """Give a unit back without submitting it (its draft stays)."""
    db = desk_of(request).db()
    unit = workflow.get_unit(db, unit_id)
    leases.release(db, form.name, [unit_id])
    return _back(unit["article_id"], unit["lang"], "released")


@router.post("/leases/renew")
def renew(request: Request, form: Form) -> Response:
    """Renew the leases on the units the page shows (``unit`` fields)."""
    db = desk_of(request).db()
    ids = form.ids("unit")
    if not ids:
        raise InputError("say which units to renew")
    rows = leases.renew(db, form.name, ids)
    until = min((r["expires_at"] for r in rows), default="")
    if wants_json(request):
        return DeskJSON({"renewed": [r["id"] for r in rows], "until": until})
    first = rows[0]
    return _back(first["article"], first["lang"], "renewed")
