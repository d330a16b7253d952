"""Pages for everyone signed in: the desk, an article, its bilingual page and downloads,
a unit's history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, Response

from tool.core.locale import validate_lang
from tool.errors import PermissionDenied
from tool.formats import FORMATS, file_name, get_format
from tool.services import articles, exports, leases, progress, review, workflow
from tool.services.users import User
from tool.web.accounts import render
from tool.web.api import download
from tool.web.context import OneWriterRoute
from tool.web.highlight import word_diff
from tool.web.security import PageUser, desk_of, page_user

router = APIRouter(include_in_schema=False, route_class=OneWriterRoute)
SignedIn = Annotated[PageUser, Depends(page_user)]

EXPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


def working_languages(user: User, report: progress.StatusReport | None = None) -> list[str]:
    """The languages to show a user first: theirs, or (admins) every language with work."""
    if user.languages:
        return list(user.languages)
    if report is None:
        return []
    return sorted({row["lang"] for row in report.rows})


@router.get("/")
def desk(request: Request, page: SignedIn) -> Response:
    """Articles with progress per language, your leases, units rejected back to you, and
    what waits for review."""
    db = desk_of(request).db()
    me = page.name
    report = progress.status(db, me)
    langs = working_languages(page.user, report)
    rows: dict[str, dict[str, Any]] = {}
    for article in articles.list_articles(db):
        rows[article["id"]] = {**article, "progress": []}
    for row in report.rows:
        if row["lang"] in langs and row["article"] in rows:
            rows[row["article"]]["progress"].append(row)
    held = leases.mine(db, me)
    held_by_article: dict[tuple[str, str], dict[str, Any]] = {}
    for unit in held:
        key = (unit["article"], unit["lang"])
        entry = held_by_article.setdefault(
            key, {"article": unit["article"], "lang": unit["lang"], "units": 0, "until": ""}
        )
        entry["units"] += 1
        entry["until"] = min(entry["until"] or unit["expires_at"], unit["expires_at"])
    waiting: list[dict[str, Any]] = []
    for lang in langs:
        try:
            queue = review.review_queue(db, me, lang, needs_review=True)
        except PermissionDenied:  # the library says who reviews: not this user
            break
        counts: dict[str, int] = {}
        for unit in queue:
            counts[unit["article"]] = counts.get(unit["article"], 0) + 1
        waiting += [{"article": a, "lang": lang, "units": n} for a, n in counts.items()]
    return render(
        request,
        "desk.html",
        {
            "page": page,
            "articles": list(rows.values()),
            "langs": langs,
            "held": list(held_by_article.values()),
            "returned": leases.returned_units(db, me),
            "waiting": waiting,
        },
    )


def pick_lang(page: PageUser, lang: str | None, article: dict[str, Any]) -> str:
    """The language asked for, else the user's first one that is not the article's."""
    if lang:
        return validate_lang(lang)
    for code in page.user.languages:
        if code != article["lang"]:
            return code
    from tool.errors import InputError

    raise InputError("say which language (?lang=en)")


@router.get("/articles/{article_id}")
def article_page(
    request: Request, article_id: str, page: SignedIn, lang: str | None = None
) -> Response:
    """An article's pairs in one language, with status, links to history and downloads."""
    db = desk_of(request).db()
    article = articles.get_article(db, article_id)
    lang = pick_lang(page, lang, article)
    report = progress.status(db, page.name, article_id, lang)
    return render(
        request,
        "article.html",
        {
            "page": page,
            "article": article,
            "lang": lang,
            "pairs": articles.article_pairs(db, article_id, lang),
            "progress": report.rows[0] if report.rows else None,
            "formats": list(FORMATS),
        },
    )


@router.get("/articles/{article_id}/bilingual")
def bilingual(
    request: Request, article_id: str, page: SignedIn, lang: str | None = None
) -> Response:
    """The side-by-side HTML export, live."""
    db = desk_of(request).db()
    lang = pick_lang(page, lang, articles.get_article(db, article_id))
    html = exports.export_article(db, article_id, lang, "html")
    return HTMLResponse(html, headers={"content-security-policy": EXPORT_CSP})


@router.get("/articles/{article_id}/download")
def download_export(
    request: Request, article_id: str, page: SignedIn, lang: str, format: str = "html"
) -> Response:
    """An export of the article in any format, as a file."""
    fmt = get_format(format)
    data = exports.export_article(desk_of(request).db(), article_id, lang, fmt.name)
    return download(data, fmt.name, file_name(fmt, article_id))


@router.get("/units/{unit_id}")
def unit_page(request: Request, unit_id: int, page: SignedIn) -> Response:
    """A unit: its source and translation, its whole history, and reopening (editors)."""
    db = desk_of(request).db()
    unit = workflow.unit_context(db, unit_id)
    events = progress.history(db, unit_id, page.name)
    for event in events:
        detail = event["detail"] or {}
        event["source_diff"] = (
            word_diff(detail["old_source"], detail["new_source"])
            if "old_source" in detail and "new_source" in detail
            else None
        )
        event["text_diff"] = (
            word_diff(event["old_text"] or "", event["new_text"] or "")
            if event["old_text"] and event["new_text"] and event["old_text"] != event["new_text"]
            else None
        )
    return render(request, "unit.html", {"page": page, "unit": unit, "events": events})


def flash(notice: str | None, unit: int | None, notices: dict[str, str]) -> str:
    """A fixed notice chosen by a query parameter (never text taken from the URL)."""
    template = notices.get(notice or "")
    if not template:
        return ""
    return template.format(unit=unit if unit is not None else "")
