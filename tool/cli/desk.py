"""The desk a command works on: one interface, over the database file or a served desk.

A workflow command asks a :class:`Desk` (given by :func:`tool.cli.app.pass_desk`) and
prints what it returns, so each command has one implementation whichever desk it talks
to. :class:`LocalDesk` calls the library on the database file as the acting user;
:class:`tool.cli.remote.RemoteDesk` calls the served desk's JSON API, whose routes call
the same library functions, as the token's user. Both return the library's own records
(dataclasses and dicts as ``--json`` prints them) and raise its errors.

The library is imported inside each method: `status` should not pay for the imports of
`export`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from tool.cli.app import DeskState
    from tool.core.qa import Finding, TermHit
    from tool.formats.base import ExportOptions
    from tool.services.exports import ExportResult
    from tool.services.glossary import Term
    from tool.services.leases import CheckoutResult
    from tool.services.memory import Match
    from tool.services.progress import StatusReport
    from tool.services.qa import UnitFinding
    from tool.services.resegment import ResegmentResult
    from tool.services.review import ApproveResult
    from tool.services.work_files import WorkImportResult
    from tool.services.workflow import SaveResult, StrayDraft

Unit = dict[str, Any]


@dataclass
class CheckedOut:
    """A check-out, with each unit's best memory match (``memory``), and the work file
    written for a CAT tool (``file``; None without --export, or when nothing was taken)."""

    result: CheckoutResult
    file: str | None = None


class Desk(Protocol):
    """What the workflow commands ask of a desk, local or served."""

    @property
    def user(self) -> str:
        """Who is acting: --user (local), or the token's user (served)."""
        ...

    # articles and reports
    def articles(self) -> list[dict[str, Any]]:
        """Every article with its segment and word counts (`articles`)."""
        ...

    def article(self, article_id: str, lang: str | None = None) -> dict[str, Any]:
        """An article with its segments, or with ``lang`` its pairs (`show`)."""
        ...

    def status(self, article: str | None, lang: str | None, by: str | None = None) -> StatusReport:
        """Progress per article and language, and who holds what (`status`)."""
        ...

    def history(self, unit_id: int) -> list[dict[str, Any]]:
        """Every event of a unit, oldest first (`history`)."""
        ...

    # translators
    def mine(self, lang: str | None, article: str | None) -> dict[str, list[Unit]]:
        """The units the user holds (``checked_out``) and rejected ones back for them
        (``returned``) (`mine`)."""
        ...

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
        """Lease units to the user, each with its best memory match; with
        ``export_format``, also write them to a work file here (`checkout`). No file, no
        lease: a file that cannot be written leaves nothing checked out."""
        ...

    def renew(self, unit_ids: Sequence[int] | None, hours: float | None) -> list[dict[str, Any]]:
        """Extend the user's leases (None: all of them) (`renew`)."""
        ...

    def release(self, unit_ids: Sequence[int] | None) -> list[int]:
        """Give units back (None: all of them); the ids released (`release`)."""
        ...

    def unit(self, unit_id: int) -> Unit:
        """A unit with its context: source, neighbours, lease (``lease_user``,
        ``lease_live``) and texts others kept for it."""
        ...

    def save_draft(self, unit_id: int, text: str) -> SaveResult:
        """Store a draft on a unit the user holds (`translate`)."""
        ...

    def submit(self, unit_id: int, text: str | None, override: str | None = None) -> SaveResult:
        """Submit ``text`` (None: the draft) for review (`translate --submit`)."""
        ...

    def keep_stray_draft(self, unit_id: int, text: str) -> StrayDraft:
        """Keep text typed after the lease was lost, for whoever holds the unit now."""
        ...

    def unit_matches(self, unit: Unit) -> list[Match]:
        """The few best memory matches for a unit's source, to offer while translating."""
        ...

    def unit_glossary(self, unit: Unit) -> list[TermHit]:
        """The glossary terms in a unit's source."""
        ...

    def check_text(self, unit: Unit, text: str) -> list[Finding]:
        """The QA findings a submission of ``text`` on the unit would meet."""
        ...

    def import_work(
        self, path: str, *, lang: str | None, fuzzy: str, override: str | None
    ) -> WorkImportResult:
        """Bring back a PO or XLIFF file from a CAT tool, all or nothing (`import-work`)."""
        ...

    # editors
    def review_queue(
        self, lang: str, article: str | None, *, needs_review: bool = False
    ) -> list[dict[str, Any]]:
        """Units waiting for review, each with its QA findings (``qa``) (`review`)."""
        ...

    def approve(
        self,
        unit_ids: Sequence[int],
        *,
        text: str | None = None,
        comment: str = "",
        override: str | None = None,
    ) -> ApproveResult:
        """Approve units, all or nothing (`approve UNITS`)."""
        ...

    def approve_article(self, article: str, lang: str) -> ApproveResult:
        """Approve every submitted unit of an article that can be (`approve --article`)."""
        ...

    def reject(self, unit_id: int, comment: str) -> dict[str, Any]:
        """Send a unit back to its translator with a comment (`reject`)."""
        ...

    def reopen(self, unit_ids: Sequence[int], comment: str) -> list[dict[str, Any]]:
        """Send approved units back to review (`reopen`)."""
        ...

    def join_segments(self, first: int, second: int) -> ResegmentResult:
        """Join segment ``second`` into ``first`` (`join-segments`)."""
        ...

    def split_segment(self, segment: int, at_text: str) -> ResegmentResult:
        """Split a segment before ``at_text`` (`split-segment`)."""
        ...

    # memory, glossary, quality, exports
    def qa_run(
        self, article: str | None, lang: str, *, severity: str, dismissed: bool
    ) -> list[UnitFinding]:
        """The QA findings on an article's translations (None: every article) (`qa run`)."""
        ...

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
        """Exact, context and fuzzy memory matches for ``text`` (`memory search`)."""
        ...

    def glossary_terms(self, lang: str | None, source_lang: str | None) -> list[Term]:
        """The glossary, by language pair and term (`glossary list`)."""
        ...

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
        """Write an article (or every one) in a format, here, where `export` says (`export`)."""
        ...


class LocalDesk:
    """The desk in a database file, acted on by the library as the acting user."""

    def __init__(self, state: DeskState) -> None:
        self.state = state

    @property
    def db(self) -> Any:
        return self.state.db

    @property
    def user(self) -> str:
        return self.state.acting_name

    def articles(self) -> list[dict[str, Any]]:
        from tool.services.articles import list_articles

        return list_articles(self.db)

    def article(self, article_id: str, lang: str | None = None) -> dict[str, Any]:
        from tool.core.locale import validate_lang
        from tool.services import articles

        article = articles.get_article(self.db, article_id)
        if lang:
            code = validate_lang(lang)
            return {
                "article": article,
                "lang": code,
                "pairs": articles.article_pairs(self.db, article_id, code),
            }
        return {"article": article, "segments": articles.article_segments(self.db, article_id)}

    def status(self, article: str | None, lang: str | None, by: str | None = None) -> StatusReport:
        from tool.services.progress import status

        return status(self.db, self.user, article, lang, by=by)

    def history(self, unit_id: int) -> list[dict[str, Any]]:
        from tool.services.progress import history

        return history(self.db, unit_id, self.user)

    def mine(self, lang: str | None, article: str | None) -> dict[str, list[Unit]]:
        from tool.services.leases import my_work

        return my_work(self.db, self.user, lang, article)

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
        from tool.services.memory import attach_best_matches

        if export_format:  # the file is written before the leases are committed
            from tool.services.work_files import checkout_to_file

            work = checkout_to_file(
                self.db, self.user, lang, article, export_format, output,
                count=count, unit_ids=unit_ids, hours=hours, force=force,
            )  # fmt: skip
            taken = CheckedOut(work.checkout, work.path)
        else:
            from tool.services.leases import checkout

            result = checkout(
                self.db, self.user, lang, article, count=count, unit_ids=unit_ids, hours=hours
            )
            taken = CheckedOut(result)
        attach_best_matches(self.db, taken.result.units)
        return taken

    def renew(self, unit_ids: Sequence[int] | None, hours: float | None) -> list[dict[str, Any]]:
        from tool.services.leases import renew

        return renew(self.db, self.user, unit_ids, hours=hours)

    def release(self, unit_ids: Sequence[int] | None) -> list[int]:
        from tool.services.leases import release

        return release(self.db, self.user, unit_ids)

    def unit(self, unit_id: int) -> Unit:
        from tool.services.workflow import unit_context

        return unit_context(self.db, unit_id)

    def save_draft(self, unit_id: int, text: str) -> SaveResult:
        from tool.services.workflow import save_draft

        return save_draft(self.db, unit_id, text, self.user)

    def submit(self, unit_id: int, text: str | None, override: str | None = None) -> SaveResult:
        from tool.services.workflow import submit

        return submit(self.db, unit_id, self.user, text, override=override)

    def keep_stray_draft(self, unit_id: int, text: str) -> StrayDraft:
        from tool.services.workflow import keep_stray_draft

        return keep_stray_draft(self.db, unit_id, self.user, text)

    def unit_matches(self, unit: Unit) -> list[Match]:
        from tool.services.memory import best_matches

        return best_matches(
            self.db, unit["source"], unit["source_lang"], unit["lang"], previous=unit["previous"]
        )

    def unit_glossary(self, unit: Unit) -> list[TermHit]:
        from tool.services.glossary import glossary_hits

        return glossary_hits(self.db, unit["source"], unit["source_lang"], unit["lang"])

    def check_text(self, unit: Unit, text: str) -> list[Finding]:
        from tool.services.qa import check_unit

        return check_unit(self.db, unit["id"], text)

    def import_work(
        self, path: str, *, lang: str | None, fuzzy: str, override: str | None
    ) -> WorkImportResult:
        from tool.services.work_files import import_work

        return import_work(self.db, path, self.user, lang=lang, fuzzy=fuzzy, override=override)

    def review_queue(
        self, lang: str, article: str | None, *, needs_review: bool = False
    ) -> list[dict[str, Any]]:
        from tool.services.review import review_queue

        return review_queue(
            self.db, self.user, lang, article, needs_review=needs_review, with_qa=True
        )

    def approve(
        self,
        unit_ids: Sequence[int],
        *,
        text: str | None = None,
        comment: str = "",
        override: str | None = None,
    ) -> ApproveResult:
        from tool.services.review import approve

        return approve(self.db, unit_ids, self.user, text=text, comment=comment, override=override)

    def approve_article(self, article: str, lang: str) -> ApproveResult:
        from tool.services.review import approve_article

        return approve_article(self.db, article, lang, self.user)

    def reject(self, unit_id: int, comment: str) -> dict[str, Any]:
        from tool.services.review import reject

        return reject(self.db, unit_id, self.user, comment)

    def reopen(self, unit_ids: Sequence[int], comment: str) -> list[dict[str, Any]]:
        from tool.services.review import reopen

        return reopen(self.db, unit_ids, self.user, comment)

    def join_segments(self, first: int, second: int) -> ResegmentResult:
        from tool.services.resegment import join_segments

        return join_segments(self.db, first, second, self.user)

    def split_segment(self, segment: int, at_text: str) -> ResegmentResult:
        from tool.services.resegment import split_segment

        return split_segment(self.db, segment, at_text, self.user)

    def qa_run(
        self, article: str | None, lang: str, *, severity: str, dismissed: bool
    ) -> list[UnitFinding]:
        from tool.services.qa import qa_article

        return qa_article(
            self.db, article, lang, include_dismissed=dismissed, minimum_severity=severity
        )

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
        from tool.services.memory import search_memory

        return search_memory(
            self.db, text, source_lang, lang, previous=previous, limit=limit, minimum=minimum
        )

    def glossary_terms(self, lang: str | None, source_lang: str | None) -> list[Term]:
        from tool.services.glossary import list_terms

        return list_terms(self.db, lang, source_lang)

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
        from tool.services.exports import export

        return export(
            self.db, lang, fmt, article=article, every=every, output=output,
            statuses=statuses, force=force, require_complete=require_complete, options=options,
        )  # fmt: skip
