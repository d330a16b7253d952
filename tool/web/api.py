"""The JSON API under /api/: token auth, one library call per route, the CLI's --json shapes.

Each route names the command whose ``--json`` output it returns. The acting user is the
token's user; the library decides what they may do (a translator's token approving gets
the library's PermissionDenied as 403). A request is checked in this order: the token
(401), the body (400), then whatever the library says (403, 404, 409, 400).

Routes are ``async``: each hands one job (check the token, read the body, call the
library) to the desk's reader pool or, when it changes something, to its writer thread.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any, TypeVar

import sqlite_utils
from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.responses import Response

from tool.core.locale import validate_lang
from tool.core.normalize import refuse_controls
from tool.errors import InputError
from tool.formats.base import ExportOptions
from tool.services import (
    articles,
    auth,
    exports,
    glossary,
    leases,
    memory,
    progress,
    qa,
    review,
    work_files,
    workflow,
)
from tool.services.users import User
from tool.web.context import Desk
from tool.web.security import AuthRequired, bearer, client_address, desk_of

router = APIRouter(prefix="/api")
T = TypeVar("T")
B = TypeVar("B", bound=BaseModel)
Lang = Annotated[str, Query(description="Target language, e.g. en.")]
OptionalLang = Annotated[str | None, Query(description="Target language, e.g. en.")]
FORMAT_HELP = "html, tmx, xliff, xliff2, po, csv, tsv, docx or article"
MAX_LABEL = 300  # characters of an uploaded file's name kept to name it

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "tmx": "application/x-tmx+xml",
    "xliff": "application/xliff+xml",
    "xliff2": "application/xliff+xml",
    "po": "text/x-gettext-translation; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "article": "text/markdown; charset=utf-8",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class Caller:
    """An API request's bearer token and body, checked in the thread that does the work."""

    desk: Desk
    token: str
    body: bytes

    def _run(self, job: Callable[[sqlite_utils.Database, User], T]) -> T:
        db = self.desk.db()
        return job(db, auth.token_user(db, self.token))

    async def read(self, job: Callable[[sqlite_utils.Database, User], T]) -> T:
        """Run ``job(db, user)`` in a reader thread."""
        return await self.desk.read(lambda: self._run(job))

    async def write(self, job: Callable[[sqlite_utils.Database, User], T]) -> T:
        """Run ``job(db, user)`` in the writer thread."""
        return await self.desk.write(lambda: self._run(job))

    def parse(self, model: type[B]) -> B:
        """The body as ``model`` (JSON, whatever the content type says; empty: defaults)."""
        try:
            data = json.loads(self.body) if self.body.strip() else {}
        except ValueError:
            raise InputError("the request body is not JSON") from None
        try:
            return model.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise InputError(
                f"invalid request: {where + ': ' if where else ''}{first['msg']}"
            ) from None


async def api_caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Caller:
    """The request's token (checked when its job runs) and body; no token at all is 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthRequired("sign in: send an API token as `Authorization: Bearer TOKEN`")
    body = await request.body() if request.method not in ("GET", "HEAD") else b""
    return Caller(desk_of(request), credentials.credentials, body)


Call = Annotated[Caller, Depends(api_caller)]


def documented(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a route that reads ``model`` with :meth:`Caller.parse`."""
    return {
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


def plain(record: Any) -> dict[str, Any]:
    """A library result (a dataclass) as JSON-ready data: what ``asdict`` gives the CLI's
    --json, without copying every nested value first."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


# --- bodies ---------------------------------------------------------------------------------


class TokenRequest(BaseModel):
    name: str
    password: str
    label: str = ""


class CheckoutRequest(BaseModel):
    lang: str | None = Field(None, description="Target language (optional with units).")
    article: str | None = Field(None, description="Every open unit of this article.")
    count: int | None = Field(None, description="How many units (default 20, or the article).")
    units: list[int] | None = Field(None, description="Exactly these units.")
    hours: float | None = Field(None, description="Lease length in hours.")


class UnitsRequest(BaseModel):
    units: list[int] | None = Field(None, description="Unit ids; null or absent: all of yours.")
    hours: float | None = Field(None, description="renew: the new lease length from now.")


class TextRequest(BaseModel):
    text: str


class SubmitRequest(BaseModel):
    text: str | None = Field(None, description="The translation; null submits the draft.")
    override: str | None = Field(None, description="Why QA errors may be overridden.")


class ApproveRequest(BaseModel):
    text: str | None = Field(None, description="The corrected translation (approve with edit).")
    comment: str = ""
    override: str | None = Field(None, description="Why QA errors may be overridden.")


class ApproveManyRequest(ApproveRequest):
    units: list[int]


class CommentRequest(BaseModel):
    comment: str


class ReopenRequest(BaseModel):
    units: list[int]
    comment: str


# --- identity -------------------------------------------------------------------------------


@router.post(
    "/tokens",
    summary="Exchange a name and password for a new API token",
    openapi_extra=documented(TokenRequest),
    tags=["tokens"],
)
async def create_token(request: Request) -> Any:
    """Sign in with a password (throttled like the sign-in page); the token is shown once."""
    desk = desk_of(request)
    raw = await request.body()
    address = client_address(request)

    def job() -> Any:
        body = Caller(desk, "", raw).parse(TokenRequest)
        db = desk.db()
        user = auth.sign_in(db, body.name, body.password, address=address)
        label = body.label or "api sign-in"
        return plain(auth.issue_token(db, user.name, by=user.name, label=label))

    return await desk.read(job)  # argon2 takes a while: never in the writer thread


@router.delete(
    "/tokens/current", summary="Revoke the token this request carries (log out)", tags=["tokens"]
)
async def revoke_current_token(call: Call) -> Any:
    return await call.write(
        lambda db, user: {"revoked": auth.revoke_token(db, call.token, by=user.name)}
    )


@router.get("/me", summary="Who the token belongs to", tags=["tokens"])
async def me(call: Call) -> Any:
    return await call.read(
        lambda db, user: {"name": user.name, "role": user.role, "languages": list(user.languages)}
    )


# --- articles -------------------------------------------------------------------------------


@router.get(
    "/articles",
    summary="Articles (as `articles --json`); progress=true adds progress",
    tags=["articles"],
)
async def list_articles(
    call: Call, with_progress: Annotated[bool, Query(alias="progress")] = False
) -> Any:
    """Each article with its segment and word counts; ``progress=true`` adds, per article,
    its rows of `status --json` (one per language)."""

    def job(db: sqlite_utils.Database, user: User) -> Any:
        rows = articles.list_articles(db)
        if with_progress:
            by_article: dict[str, list[dict[str, Any]]] = {}
            for row in progress.status(db, user.name).rows:
                by_article.setdefault(row["article"], []).append(row)
            for row in rows:
                row["progress"] = by_article.get(row["id"], [])
        return rows

    return await call.read(job)


@router.get("/articles/{article_id}", summary="An article (as `show --json`)", tags=["articles"])
async def show_article(call: Call, article_id: str, lang: OptionalLang = None) -> Any:
    """Its segments; with ``lang``, its pairs side by side with the units."""

    def job(db: sqlite_utils.Database, user: User) -> Any:
        article = articles.get_article(db, article_id)
        if lang:
            code = validate_lang(lang)
            return {
                "article": article,
                "lang": code,
                "pairs": articles.article_pairs(db, article_id, code),
            }
        return {"article": article, "segments": articles.article_segments(db, article_id)}

    return await call.read(job)


@router.get(
    "/articles/{article_id}/units", summary="An article's units in one language", tags=["articles"]
)
async def article_units(call: Call, article_id: str, lang: Lang) -> Any:
    """The pairs of `show ARTICLE --lang LANG --json` (target-only lines included)."""
    return await call.read(
        lambda db, user: articles.article_pairs(db, article_id, validate_lang(lang))
    )


@router.get(
    "/articles/{article_id}/export", summary="Export an article in any format", tags=["articles"]
)
async def export_article(
    call: Call,
    article_id: str,
    lang: Lang,
    fmt_name: Annotated[str, Query(alias="format", description=FORMAT_HELP)] = "html",
    statuses: Annotated[
        list[str] | None, Query(alias="status", description="Only pairs with these statuses.")
    ] = None,
) -> Response:
    """The file `export ARTICLE --lang LANG --format FORMAT` writes, as a download."""
    from tool.formats import file_name, get_format

    def job(db: sqlite_utils.Database, user: User) -> Response:
        fmt = get_format(fmt_name)
        data = exports.export_article(db, article_id, lang, fmt.name, statuses=statuses)
        return download(data, fmt.name, file_name(fmt, article_id))

    return await call.read(job)


@router.get(
    "/export",
    summary="Export an article (or all) as `export` writes it: a zip of its files",
    tags=["articles"],
)
async def export_files(
    call: Call,
    lang: Lang,
    fmt_name: Annotated[str, Query(alias="format", description=FORMAT_HELP)] = "html",
    article: Annotated[str | None, Query(description="The article (or all=true).")] = None,
    every: Annotated[bool, Query(alias="all", description="Every article.")] = False,
    combined: Annotated[
        bool, Query(description="With all=true: every article in one file (tmx, po, csv...).")
    ] = False,
    statuses: Annotated[
        list[str] | None, Query(alias="status", description="Only pairs with these statuses.")
    ] = None,
    require_complete: Annotated[
        bool, Query(description="format=article: refuse an article with gaps.")
    ] = False,
    delimiter: Annotated[str | None, Query(description="csv/tsv: the field separator.")] = None,
    excel: Annotated[bool, Query(description="csv/tsv: a byte-order mark for Excel.")] = False,
    locale: Annotated[
        str | None, Query(description="tmx: language tags, e.g. ro=ro-RO,en=en-GB.")
    ] = None,
) -> Response:
    """The files `export` writes (under ``files/`` in the zip, named as it names them: the
    articles', index.html, all.tmx...) and ``export.json``: what `export --json` reports,
    with ``files`` naming the zip's files. The CLI's `export --server` writes them where
    `export` would."""

    def job(db: sqlite_utils.Database, user: User) -> Response:
        wanted = ExportOptions(delimiter=delimiter, excel=excel, locales=locale)
        options = None if wanted == ExportOptions() else wanted
        with tempfile.TemporaryDirectory(prefix="desk-export-") as folder:
            root = Path(folder) / "files"
            root.mkdir()
            result = exports.export(
                db,
                lang,
                fmt_name,
                article=article,
                every=every,
                output=root / "combined.out" if every and combined else root,
                statuses=statuses,
                require_complete=require_complete,
                options=options,
            )
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                names = [Path(path).relative_to(root).as_posix() for path in result.files]
                for path, name in zip(result.files, names):
                    archive.write(path, f"files/{name}")
                report = {**plain(result), "files": names}
                archive.writestr("export.json", json.dumps(report, ensure_ascii=False))
        return download(buffer.getvalue(), "zip", f"export-{result.lang}.zip")

    return await call.read(job)


def download(data: bytes, fmt: str, name: str) -> Response:
    """An export as an attachment, never rendered in the desk's own origin."""
    return Response(
        data,
        media_type=CONTENT_TYPES.get(fmt, "application/octet-stream"),
        headers={
            "content-disposition": f'attachment; filename="{name}"',
            "content-security-policy": "default-src 'none'; sandbox",
        },
    )


@router.post(
    "/articles/{article_id}/approve",
    summary="Approve every submitted unit of an article",
    tags=["articles"],
)
async def approve_article(call: Call, article_id: str, lang: Lang) -> Any:
    """As `approve --article ARTICLE --lang LANG --json`: units that cannot be approved
    (your own, QA errors) are skipped and listed."""
    return await call.write(
        lambda db, user: plain(review.approve_article(db, article_id, lang, user.name))
    )


@router.get("/status", summary="Progress (as `status --json`)", tags=["articles"])
async def status(
    call: Call, article: str | None = None, lang: OptionalLang = None, by: str | None = None
) -> Any:
    return await call.read(
        lambda db, user: plain(progress.status(db, user.name, article, lang, by=by))
    )


# --- translators ----------------------------------------------------------------------------


@router.post(
    "/checkout",
    summary="Check out units (as `checkout --json`)",
    openapi_extra=documented(CheckoutRequest),
    tags=["translators"],
)
async def checkout(call: Call) -> Any:
    """Leases units to you; each unit carries its best memory match (or null)."""

    def take(db: sqlite_utils.Database, user: User) -> leases.CheckoutResult:
        body = call.parse(CheckoutRequest)
        return leases.checkout(
            db,
            user.name,
            body.lang,
            body.article,
            count=body.count,
            unit_ids=body.units or None,
            hours=body.hours,
        )

    result = await call.write(take)

    def look_up(db: sqlite_utils.Database) -> Any:  # a read: the writer goes on meanwhile
        memory.attach_best_matches(db, result.units)
        return plain(result)

    return await call.desk.read(lambda: look_up(call.desk.db()))


@router.get(
    "/work-file", summary="Units as a PO or XLIFF file for a CAT tool", tags=["translators"]
)
async def work_file(
    call: Call,
    units: Annotated[list[int], Query(description="Unit ids (repeat the parameter).")],
    lang: Lang,
    fmt: Annotated[str, Query(alias="format", description="po, xliff or xliff2")] = "po",
) -> Response:
    """The file `checkout --export FORMAT` writes beside the check-out."""

    def job(db: sqlite_utils.Database, user: User) -> Response:
        data = work_files.export_work(db, units, lang, fmt)
        suffix = "po" if fmt == "po" else "xlf"
        return download(data, fmt, f"work-{lang}-{user.name}.{suffix}")

    return await call.read(job)


UPLOAD_DOC = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        }
    }
}


@router.post(
    "/import-work",
    summary="Bring back a PO or XLIFF file (as `import-work --json`)",
    openapi_extra=UPLOAD_DOC,
    tags=["translators"],
)
async def import_work(
    request: Request,
    call: Call,
    lang: OptionalLang = None,
    fuzzy: Annotated[
        str, Query(description="Entries marked not finished: draft, submit or skip.")
    ] = "draft",
    override: Annotated[
        str | None, Query(description="Why entries with QA errors may be submitted.")
    ] = None,
) -> Any:
    """The file (multipart field ``file``) is submitted onto the units you hold, all or nothing
    (as `import-work FILE --json`). Its file name, as sent, names it in messages and in the
    units' history (the CLI sends the path it was given)."""
    form = await request.form()
    upload = form.get("file")
    name = data = None
    if isinstance(upload, StarletteUpload):
        name = (upload.filename or "").strip()[:MAX_LABEL] or "work-file"
        data = await upload.read()

    def job(db: sqlite_utils.Database, user: User) -> Any:
        if name is None or data is None:
            raise InputError("send the PO or XLIFF file as the multipart form field 'file'")
        refuse_controls(name, "the file's name")
        result = work_files.import_work(
            db, data, user.name, lang=lang, fuzzy=fuzzy, override=override or None, label=name
        )
        return plain(result)

    return await call.write(job)


@router.post(
    "/renew",
    summary="Renew your leases (as `renew --json`)",
    openapi_extra=documented(UnitsRequest),
    tags=["translators"],
)
async def renew(call: Call) -> Any:
    def job(db: sqlite_utils.Database, user: User) -> Any:
        body = call.parse(UnitsRequest)
        return leases.renew(db, user.name, body.units, hours=body.hours)

    return await call.write(job)


@router.post(
    "/release",
    summary="Release units (as `release --json`)",
    openapi_extra=documented(UnitsRequest),
    tags=["translators"],
)
async def release(call: Call) -> Any:
    def job(db: sqlite_utils.Database, user: User) -> Any:
        return {"released": leases.release(db, user.name, call.parse(UnitsRequest).units)}

    return await call.write(job)


@router.get("/mine", summary="Your units (as `mine --json`)", tags=["translators"])
async def mine(call: Call, lang: OptionalLang = None, article: str | None = None) -> Any:
    return await call.read(lambda db, user: leases.my_work(db, user.name, lang, article))


@router.get("/units/{unit_id}", summary="A unit with its context", tags=["translators"])
async def unit(call: Call, unit_id: int) -> Any:
    """The unit, its source, the sentences around it, and texts others typed after losing it."""
    return await call.read(lambda db, user: workflow.unit_context(db, unit_id))


@router.put(
    "/units/{unit_id}/draft",
    summary="Save a draft (as `translate UNIT TEXT --json`)",
    openapi_extra=documented(TextRequest),
    tags=["translators"],
)
async def save_draft(call: Call, unit_id: int) -> Any:
    def job(db: sqlite_utils.Database, user: User) -> Any:
        text = call.parse(TextRequest).text
        return plain(workflow.save_draft(db, unit_id, text, user.name))

    return await call.write(job)


@router.post(
    "/units/{unit_id}/submit",
    summary="Submit (as `translate UNIT --submit --json`)",
    openapi_extra=documented(SubmitRequest),
    tags=["translators"],
)
async def submit(call: Call, unit_id: int) -> Any:
    def job(db: sqlite_utils.Database, user: User) -> Any:
        body = call.parse(SubmitRequest)
        result = workflow.submit(db, unit_id, user.name, body.text, override=body.override or None)
        return plain(result)

    return await call.write(job)


@router.post(
    "/units/{unit_id}/stray-draft",
    summary="Keep text typed after losing the lease",
    openapi_extra=documented(TextRequest),
    tags=["translators"],
)
async def stray_draft(call: Call, unit_id: int) -> Any:
    """The unit does not change; its history keeps the text for whoever holds it now."""

    def job(db: sqlite_utils.Database, user: User) -> Any:
        text = call.parse(TextRequest).text
        return plain(workflow.keep_stray_draft(db, unit_id, user.name, text))

    return await call.write(job)


@router.get("/units/{unit_id}/qa", summary="QA findings on a unit as stored", tags=["translators"])
async def unit_qa(call: Call, unit_id: int) -> Any:
    return await call.read(lambda db, user: [f.as_dict() for f in qa.check_unit(db, unit_id)])


@router.post(
    "/units/{unit_id}/qa",
    summary="QA findings for a proposed translation",
    openapi_extra=documented(TextRequest),
    tags=["translators"],
)
async def unit_qa_preview(call: Call, unit_id: int) -> Any:
    """What the checks would find if ``text`` were the unit's translation (nothing stored):
    the findings a submission of ``text`` would meet."""

    def job(db: sqlite_utils.Database, user: User) -> Any:
        text = call.parse(TextRequest).text
        return [f.as_dict() for f in qa.check_unit(db, unit_id, text)]

    return await call.read(job)


@router.get(
    "/units/{unit_id}/matches", summary="Memory matches for a unit's source", tags=["translators"]
)
async def unit_matches(
    call: Call,
    unit_id: int,
    limit: Annotated[int, Query(ge=1, le=20)] = 3,
    minimum: Annotated[int, Query(alias="min", ge=1, le=101)] = 75,
) -> Any:
    def job(db: sqlite_utils.Database, user: User) -> Any:
        unit = workflow.unit_context(db, unit_id)
        found = memory.best_matches(
            db, unit["source"], unit["source_lang"], unit["lang"],
            previous=unit["previous"], limit=limit, minimum=minimum,
        )  # fmt: skip
        return [m.as_dict() for m in found]

    return await call.read(job)


@router.get(
    "/units/{unit_id}/glossary", summary="Glossary terms in a unit's source", tags=["translators"]
)
async def unit_glossary(call: Call, unit_id: int) -> Any:
    def job(db: sqlite_utils.Database, user: User) -> Any:
        unit = workflow.unit_context(db, unit_id)
        hits = glossary.glossary_hits(db, unit["source"], unit["source_lang"], unit["lang"])
        return [plain(hit) for hit in hits]

    return await call.read(job)


@router.get(
    "/units/{unit_id}/history",
    summary="A unit's history (as `history --json`)",
    tags=["translators"],
)
async def history(call: Call, unit_id: int) -> Any:
    return await call.read(lambda db, user: progress.history(db, unit_id, user.name))


# --- editors --------------------------------------------------------------------------------


@router.get("/review", summary="Units waiting for review (as `review --json`)", tags=["editors"])
async def review_queue(
    call: Call, lang: Lang, article: str | None = None, needs_review: bool = False
) -> Any:
    return await call.read(
        lambda db, user: review.review_queue(
            db, user.name, lang, article, needs_review=needs_review, with_qa=True
        )
    )


def _approve(call: Caller, ids: list[int] | None) -> Callable[[sqlite_utils.Database, User], Any]:
    """A job approving ``ids`` (or the body's ``units``) as `approve` does."""

    def job(db: sqlite_utils.Database, user: User) -> Any:
        body: ApproveRequest
        if ids is None:
            many = call.parse(ApproveManyRequest)
            body, units = many, many.units
        else:
            body, units = call.parse(ApproveRequest), ids
        result = review.approve(
            db,
            units,
            user.name,
            text=body.text,
            comment=body.comment,
            override=body.override or None,
        )
        return plain(result)

    return job


@router.post(
    "/units/{unit_id}/approve",
    summary="Approve a unit (as `approve UNIT --json`)",
    openapi_extra=documented(ApproveRequest),
    tags=["editors"],
)
async def approve(call: Call, unit_id: int) -> Any:
    """With ``text``, approve with an edit (the history keeps both texts)."""
    return await call.write(_approve(call, [unit_id]))


@router.post(
    "/approve",
    summary="Approve several units, all or nothing (as `approve UNITS --json`)",
    openapi_extra=documented(ApproveManyRequest),
    tags=["editors"],
)
async def approve_many(call: Call) -> Any:
    return await call.write(_approve(call, None))


@router.post(
    "/units/{unit_id}/reject",
    summary="Reject a unit with a comment (as `reject --json`)",
    openapi_extra=documented(CommentRequest),
    tags=["editors"],
)
async def reject(call: Call, unit_id: int) -> Any:
    return await call.write(
        lambda db, user: review.reject(db, unit_id, user.name, call.parse(CommentRequest).comment)
    )


@router.post(
    "/units/{unit_id}/reopen",
    summary="Reopen an approved unit (as `reopen --json`)",
    openapi_extra=documented(CommentRequest),
    tags=["editors"],
)
async def reopen(call: Call, unit_id: int) -> Any:
    return await call.write(
        lambda db, user: review.reopen(db, [unit_id], user.name, call.parse(CommentRequest).comment)
    )


@router.post(
    "/reopen",
    summary="Reopen approved units, all or nothing (as `reopen --json`)",
    openapi_extra=documented(ReopenRequest),
    tags=["editors"],
)
async def reopen_many(call: Call) -> Any:
    def job(db: sqlite_utils.Database, user: User) -> Any:
        body = call.parse(ReopenRequest)
        return review.reopen(db, body.units, user.name, body.comment)

    return await call.write(job)


class JoinRequest(BaseModel):
    next: int


class SplitRequest(BaseModel):
    at: str


@router.post(
    "/segments/{segment_id}/join",
    summary="Join the next segment into this one (as `join-segments --json`)",
    openapi_extra=documented(JoinRequest),
    tags=["editors"],
)
async def join_segments(call: Call, segment_id: int) -> Any:
    from tool.services import resegment

    def job(db: sqlite_utils.Database, user: User) -> Any:
        body = call.parse(JoinRequest)
        return plain(resegment.join_segments(db, segment_id, body.next, user.name))

    return await call.write(job)


@router.post(
    "/segments/{segment_id}/split",
    summary="Split a segment before some text (as `split-segment --json`)",
    openapi_extra=documented(SplitRequest),
    tags=["editors"],
)
async def split_segment(call: Call, segment_id: int) -> Any:
    from tool.services import resegment

    def job(db: sqlite_utils.Database, user: User) -> Any:
        body = call.parse(SplitRequest)
        return plain(resegment.split_segment(db, segment_id, body.at, user.name))

    return await call.write(job)


# --- memory, glossary, quality ----------------------------------------------------------------


@router.get(
    "/qa",
    summary="QA findings of an article (as `qa run --json`)",
    tags=["memory, glossary and QA"],
)
async def qa_run(
    call: Call,
    lang: Lang,
    article: str | None = None,
    every: Annotated[bool, Query(alias="all", description="Every article.")] = False,
    severity: str = "info",
    dismissed: bool = False,
) -> Any:
    def job(db: sqlite_utils.Database, user: User) -> Any:
        if bool(article) == every:
            raise InputError("give an article id or all=true (not both)")
        found = qa.qa_article(
            db, article, lang, include_dismissed=dismissed, minimum_severity=severity
        )
        return [f.as_dict() for f in found]

    return await call.read(job)


@router.get(
    "/memory/search",
    summary="Search the memory (as `memory search --json`)",
    tags=["memory, glossary and QA"],
)
async def memory_search(
    call: Call,
    text: str,
    lang: Lang,
    source_lang: str = "ro",
    previous: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 5,
    minimum: Annotated[int, Query(alias="min", ge=1, le=101)] = 50,
) -> Any:
    def job(db: sqlite_utils.Database, user: User) -> Any:
        found = memory.search_memory(
            db, text, source_lang, lang, previous=previous, limit=limit, minimum=minimum
        )
        return [m.as_dict() for m in found]

    return await call.read(job)


@router.get(
    "/glossary",
    summary="The glossary (as `glossary list --json`)",
    tags=["memory, glossary and QA"],
)
async def glossary_list(
    call: Call, lang: OptionalLang = None, source_lang: str | None = None
) -> Any:
    return await call.read(
        lambda db, user: [t.as_dict() for t in glossary.list_terms(db, lang, source_lang)]
    )


#: The routes a busy desk calls most, matched first (routes are tried in order; the
#: documentation groups routes by tag, so this order does not show there).
BUSIEST = (
    "/api/units/{unit_id}/submit",
    "/api/checkout",
    "/api/units/{unit_id}/draft",
    "/api/units/{unit_id}/approve",
    "/api/review",
    "/api/mine",
)
router.routes.sort(
    key=lambda r: (
        BUSIEST.index(path) if (path := getattr(r, "path", "")) in BUSIEST else len(BUSIEST)
    )
)
