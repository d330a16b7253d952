"""The desk behind a server: :class:`RemoteDesk` answers the :class:`tool.cli.desk.Desk`
questions through the served desk's JSON API (:class:`tool.client.DeskClient`).

The API's routes call the library functions :class:`tool.cli.desk.LocalDesk` calls and
answer with what they return, as ``--json`` prints it; here the JSON becomes the same
records again, so a command cannot tell which desk it talks to. Files stay on this
machine: a work file or an export is fetched and written here, where the command would
write it on a local desk, with the same refusals (an existing file without --force, a
missing folder).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tool.cli.desk import CheckedOut, Unit
from tool.client import TOKEN_ENV_VAR, DeskClient, check_token, load_login, path_part
from tool.errors import InputError, ServerError, ToolError

T = TypeVar("T")

if TYPE_CHECKING:
    from tool.core.qa import Finding, TermHit
    from tool.formats.base import ExportOptions
    from tool.services.exports import ExportResult
    from tool.services.glossary import Term
    from tool.services.memory import Match
    from tool.services.progress import StatusReport
    from tool.services.qa import UnitFinding
    from tool.services.resegment import ResegmentResult
    from tool.services.review import ApproveResult
    from tool.services.work_files import WorkImportResult
    from tool.services.workflow import SaveResult, StrayDraft


def token_for(server: str) -> str:
    """The token to call ``server`` with: $DESK_TOKEN, else the stored login's for it."""
    given = os.environ.get(TOKEN_ENV_VAR)
    if given:
        return check_token(given, f"${TOKEN_ENV_VAR}")
    login = load_login()
    if login is not None and login.server == server:
        return login.token
    raise ToolError(
        f"no token for the desk at {server}: log in with `login {server}`, "
        f"or set ${TOKEN_ENV_VAR} to a token from `user token NAME`"
    )


def unknown_form(server: str) -> ServerError:
    """The error for an answer that is not the record this desk expects."""
    return ServerError(
        f"the desk at {server} answered in a form this desk does not know: is it a "
        "translation desk, and as recent as this one?"
    )


def record(kind: type[T], data: Any, server: str) -> T:
    """A JSON answer back into the library's record ``kind`` (a dataclass).

    Fields a newer desk added are left out; an answer without the record's fields is
    one error naming the server, not a traceback.
    """
    if not isinstance(data, dict):
        raise unknown_form(server)
    known = {f.name for f in fields(kind)}  # type: ignore[arg-type]
    try:
        return kind(**{key: value for key, value in data.items() if key in known})
    except TypeError:
        raise unknown_form(server) from None


class RemoteDesk:
    """The served desk at ``client.server``, acted on as the token's user."""

    def __init__(self, client: DeskClient) -> None:
        self.client = client
        self._user: str | None = None

    @classmethod
    def connect(cls, server: str) -> RemoteDesk:
        """The desk at ``server`` with the token for it (see :func:`token_for`)."""
        client = DeskClient(server)
        client.token = token_for(client.server)
        return cls(client)

    @property
    def user(self) -> str:
        if self._user is None:
            me = self.client.get("/api/me")
            if not isinstance(me, dict) or not isinstance(me.get("name"), str):
                raise unknown_form(self.client.server)
            self._user = me["name"]
        return self._user

    def _record(self, kind: type[T], data: Any) -> T:
        return record(kind, data, self.client.server)

    def _records(self, kind: type[T], rows: Any) -> list[T]:
        if not isinstance(rows, list):
            raise unknown_form(self.client.server)
        return [record(kind, row, self.client.server) for row in rows]

    # articles and reports

    def articles(self) -> list[dict[str, Any]]:
        return list(self.client.get("/api/articles"))

    def article(self, article_id: str, lang: str | None = None) -> dict[str, Any]:
        return dict(self.client.get(f"/api/articles/{path_part(article_id)}", lang=lang or None))

    def status(self, article: str | None, lang: str | None, by: str | None = None) -> StatusReport:
        from tool.services.progress import StatusReport

        return self._record(
            StatusReport, self.client.get("/api/status", article=article, lang=lang, by=by)
        )

    def history(self, unit_id: int) -> list[dict[str, Any]]:
        return list(self.client.get(f"/api/units/{unit_id}/history"))

    # translators

    def mine(self, lang: str | None, article: str | None) -> dict[str, list[Unit]]:
        return dict(self.client.get("/api/mine", lang=lang, article=article))

    def checkout(
        self,
        lang: str | None,
        article: str | None,
        *,
        count: int | None = None,
        unit_ids: Sequence[int] | None = None,
        hours: float | None = None,
        export_format: str | None = None,
        output: str | None = None,
        force: bool = False,
    ) -> CheckedOut:
        from tool.fileio import check_target
        from tool.services.leases import CheckoutResult

        if export_format and output is not None:
            check_target(output, force=force)  # refused here before anything is leased
        body = {
            "lang": lang,
            "article": article,
            "count": count,
            "units": list(unit_ids) if unit_ids else None,
            "hours": hours,
        }
        result = self._record(CheckoutResult, self.client.post("/api/checkout", body))
        if not export_format or not result.units:
            return CheckedOut(result)
        return CheckedOut(result, self._work_file(result, export_format, output, force))

    def _work_file(self, result: Any, fmt: str, output: str | None, force: bool) -> str:
        """Fetch and write the work file of a check-out; if that fails, give the units back,
        so that (as on a local desk) no file means no lease."""
        from tool.fileio import write_file
        from tool.services.work_files import default_work_file

        ids = [unit["id"] for unit in result.units]
        target = (
            Path(output) if output is not None else default_work_file(result.lang, result.user, fmt)
        )
        try:
            data = self.client.get_bytes("/api/work-file", units=ids, lang=result.lang, format=fmt)
            write_file(target, data, force=force)
        except BaseException as error:
            try:
                self.client.post("/api/release", {"units": ids})
            except ToolError:
                if isinstance(error, ToolError):
                    raise ToolError(
                        f"{error}; and the {len(ids)} units just checked out could not be "
                        "given back: release them with `release --all`"
                    ) from None
            raise
        return str(target)

    def renew(self, unit_ids: Sequence[int] | None, hours: float | None) -> list[dict[str, Any]]:
        body = {"units": list(unit_ids) if unit_ids is not None else None, "hours": hours}
        return list(self.client.post("/api/renew", body))

    def release(self, unit_ids: Sequence[int] | None) -> list[int]:
        body = {"units": list(unit_ids) if unit_ids is not None else None}
        return list(self.client.post("/api/release", body)["released"])

    def unit(self, unit_id: int) -> Unit:
        return dict(self.client.get(f"/api/units/{unit_id}"))

    def save_draft(self, unit_id: int, text: str) -> SaveResult:
        from tool.services.workflow import SaveResult

        return self._record(
            SaveResult, self.client.put(f"/api/units/{unit_id}/draft", {"text": text})
        )

    def submit(self, unit_id: int, text: str | None, override: str | None = None) -> SaveResult:
        from tool.services.workflow import SaveResult

        body = {"text": text, "override": override}
        return self._record(SaveResult, self.client.post(f"/api/units/{unit_id}/submit", body))

    def keep_stray_draft(self, unit_id: int, text: str) -> StrayDraft:
        from tool.services.workflow import StrayDraft

        return self._record(
            StrayDraft, self.client.post(f"/api/units/{unit_id}/stray-draft", {"text": text})
        )

    def unit_matches(self, unit: Unit) -> list[Match]:
        from tool.services.memory import Match

        return self._records(Match, self.client.get(f"/api/units/{unit['id']}/matches"))

    def unit_glossary(self, unit: Unit) -> list[TermHit]:
        from tool.core.qa import TermHit

        hits = self._records(TermHit, self.client.get(f"/api/units/{unit['id']}/glossary"))
        return [replace(hit, forbidden=tuple(hit.forbidden)) for hit in hits]

    def check_text(self, unit: Unit, text: str) -> list[Finding]:
        from tool.core.qa import Finding

        return self._records(
            Finding, self.client.post(f"/api/units/{unit['id']}/qa", {"text": text})
        )

    def import_work(
        self, path: str, *, lang: str | None, fuzzy: str, override: str | None
    ) -> WorkImportResult:
        from tool.formats.common import read_input
        from tool.services.work_files import WorkImportResult

        data, _name = read_input(str(path))  # the file's problems, named as locally
        found = self.client.post(
            "/api/import-work",
            params={"lang": lang, "fuzzy": fuzzy, "override": override},
            files={"file": (str(path), data)},  # its name as given names it there
        )
        return self._record(WorkImportResult, {**found, "file": str(path)})

    # editors

    def review_queue(
        self, lang: str, article: str | None, *, needs_review: bool = False
    ) -> list[dict[str, Any]]:
        return list(
            self.client.get(
                "/api/review", lang=lang, article=article, needs_review=needs_review or None
            )
        )

    def approve(
        self,
        unit_ids: Sequence[int],
        *,
        text: str | None = None,
        comment: str = "",
        override: str | None = None,
    ) -> ApproveResult:
        from tool.services.review import ApproveResult

        body = {"units": list(unit_ids), "text": text, "comment": comment, "override": override}
        return self._record(ApproveResult, self.client.post("/api/approve", body))

    def approve_article(self, article: str, lang: str) -> ApproveResult:
        from tool.services.review import ApproveResult

        path = f"/api/articles/{path_part(article)}/approve"
        return self._record(ApproveResult, self.client.post(path, params={"lang": lang}))

    def reject(self, unit_id: int, comment: str) -> dict[str, Any]:
        return dict(self.client.post(f"/api/units/{unit_id}/reject", {"comment": comment}))

    def reopen(self, unit_ids: Sequence[int], comment: str) -> list[dict[str, Any]]:
        body = {"units": list(unit_ids), "comment": comment}
        return list(self.client.post("/api/reopen", body))

    def join_segments(self, first: int, second: int) -> ResegmentResult:
        from tool.services.resegment import ResegmentResult

        found = self.client.post(f"/api/segments/{first}/join", {"next": second})
        return self._records(ResegmentResult, [found])[0]

    def split_segment(self, segment: int, at_text: str) -> ResegmentResult:
        from tool.services.resegment import ResegmentResult

        found = self.client.post(f"/api/segments/{segment}/split", {"at": at_text})
        return self._records(ResegmentResult, [found])[0]

    # memory, glossary, quality, exports

    def qa_run(
        self, article: str | None, lang: str, *, severity: str, dismissed: bool
    ) -> list[UnitFinding]:
        from tool.services.qa import UnitFinding

        found = self.client.get(
            "/api/qa",
            lang=lang,
            article=article,
            all=None if article else True,
            severity=severity,
            dismissed=dismissed or None,
        )
        return self._records(UnitFinding, found)

    def memory_search(
        self,
        text: str,
        lang: str,
        *,
        source_lang: str,
        previous: str | None,
        limit: int,
        minimum: int,
    ) -> list[Match]:
        from tool.services.memory import Match

        found = self.client.get(
            "/api/memory/search",
            text=text,
            lang=lang,
            source_lang=source_lang,
            previous=previous,
            limit=limit,
            min=minimum,
        )
        return self._records(Match, found)

    def glossary_terms(self, lang: str | None, source_lang: str | None) -> list[Term]:
        from tool.services.glossary import Term

        return self._records(
            Term, self.client.get("/api/glossary", lang=lang, source_lang=source_lang)
        )

    def export(
        self,
        lang: str,
        fmt: str,
        *,
        article: str | None,
        every: bool,
        output: str | None,
        statuses: Sequence[str],
        force: bool,
        require_complete: bool,
        options: ExportOptions | None,
    ) -> ExportResult:
        """The desk writes the files (GET /api/export, a zip); they are written here where
        `export` on a local desk would write them, with the same refusals."""
        from tool.services.exports import ExportResult

        if bool(article) == every:
            raise ToolError("give an article id or --all (not both)")
        out = Path(output) if output is not None else None
        if out is not None and not out.is_dir() and not out.parent.is_dir():
            raise InputError(f"cannot write {out}: folder {out.parent} does not exist")
        combined = every and out is not None and bool(out.suffix) and not out.is_dir()
        archive = self.client.get_bytes(
            "/api/export",
            lang=lang,
            format=fmt,
            article=article,
            all=every or None,
            combined=combined or None,
            status=list(statuses) or None,
            require_complete=require_complete or None,
            delimiter=options.delimiter if options else None,
            excel=(options.excel or None) if options else None,
            locale=options.locales if options else None,
        )
        report, files = self._unpack(archive)
        result = self._record(ExportResult, report)
        targets, overwrite = _export_targets(
            result, out, every=every, combined=combined, force=force
        )
        _write_all(targets, [files[name] for name in result.files], overwrite)
        result.files = [str(target) for target in targets]
        return result

    def _unpack(self, archive: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
        """The export's report and files from the desk's zip; names are checked to be plain
        file names (nothing that could write outside the target folder)."""
        try:
            with zipfile.ZipFile(io.BytesIO(archive)) as package:
                report = json.loads(package.read("export.json"))
                files = {}
                for name in report["files"]:
                    if not name or Path(name).name != name or name.startswith("."):
                        raise ValueError(f"unsafe file name {name!r}")
                    files[name] = package.read(f"files/{name}")
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
            raise ServerError(
                f"the desk at {self.client.server} sent an export this desk cannot read ({error})"
            ) from None
        return report, files


def _export_targets(
    result: ExportResult, out: Path | None, *, every: bool, combined: bool, force: bool
) -> tuple[list[Path], bool]:
    """Where `export` writes the files the desk made, and whether it may replace them."""
    from tool.services.exports import default_folder

    if combined:
        assert out is not None
        return [out], force
    if every:
        folder = out if out is not None else default_folder(result.lang)
        folder.mkdir(parents=True, exist_ok=True)
        return [folder / name for name in result.files], force or out is None
    if out is None:
        folder = default_folder(result.lang)
        folder.mkdir(parents=True, exist_ok=True)
        return [folder / name for name in result.files], True
    if out.is_dir():
        return [out / name for name in result.files], force
    return [out], force


def _write_all(targets: list[Path], contents: list[bytes], overwrite: bool) -> None:
    """Write every file, none if any target is refused (checked before the first write)."""
    from tool.fileio import check_target, write_file

    if not overwrite:
        for target in targets:
            check_target(target)
    for target, data in zip(targets, contents):
        write_file(target, data, force=overwrite)
