"""A self-contained side-by-side HTML page per article (and an index for many)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from tool.core.locale import language_name
from tool.formats.base import BaseFormat, Capabilities
from tool.formats.model import STATUSES, Document, Entry, clean_document

STYLE = """
:root{--line:#d8d8d8;--muted:#5f6368}
*{box-sizing:border-box}
body{margin:0 auto;max-width:72rem;padding:1rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",
Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:#1f1f1f;background:#fff}
h1{font-size:1.6rem;line-height:1.25;margin:.2rem 0}
.tt{font-size:1.25rem;margin:.2rem 0 1rem;color:#333}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0 0 1rem;
font-size:.9rem}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
table{width:100%;border-collapse:collapse;table-layout:fixed}
th,td{text-align:left;vertical-align:top;padding:.45rem .6rem;border-bottom:1px solid var(--line);
overflow-wrap:anywhere}
thead th{background:#f3f3f3;font-size:.9rem}
col.c-src,col.c-tgt{width:40%}col.c-info{width:20%}
tbody th{background:#fafafa;color:var(--muted);font-weight:600;font-size:.85rem}
td.info{font-size:.8rem;color:var(--muted)}
.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-weight:600;color:#fff;
background:#666}
.st-approved .badge{background:#1e7d32}.st-translated .badge{background:#1565c0}
.st-needs_review .badge{background:#9a5b00}.st-rejected .badge{background:#c62828}
.st-new .badge{background:#757575}.st-target-only .badge{background:#6a1b9a}
.empty{color:var(--muted);font-style:italic}
.comment{display:block;margin-top:.2rem;color:#6d4c41}
footer{margin-top:1rem;font-size:.8rem;color:var(--muted)}
ul.articles{padding-left:1.2rem}
@media (max-width:600px){
 table,thead,tbody,tr,th,td{display:block;width:100%}
 thead{position:absolute;left:-9999px}
 tr{border-bottom:1px solid var(--line);padding:.3rem 0}
 td{border:0;padding:.2rem .3rem}
 td[data-label]::before{content:attr(data-label);display:block;font-size:.75rem;color:var(--muted)}
}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _page(title: str, lang: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"{body}</body>\n</html>\n"
    )


class HtmlFormat(BaseFormat):
    """Side-by-side page: every pair one row, grouped by paragraph."""

    name = "html"
    extension = "html"
    description = "a self-contained side-by-side page (--all adds index.html)"
    capabilities = Capabilities(index_page=True)

    def export(self, doc: Document) -> bytes:
        """The article's page."""
        return render_page(doc).encode("utf-8")

    def export_index(self, docs: list[Document], links: dict[str, str], lang: str) -> bytes:
        """The page linking every exported article, with its progress."""
        return render_index(docs, links, lang).encode("utf-8")


def render_page(doc: Document) -> str:
    """The HTML page of one article."""
    doc = clean_document(doc)
    src_name = language_name(doc.source_lang)
    tgt_name = language_name(doc.target_lang)
    title_entry = doc.title_entry()
    target_title = title_entry.target if title_entry and title_entry.target else ""
    parts = ["<header>\n"]
    parts.append(f'<h1 lang="{_e(doc.source_lang)}">{_e(doc.title)}</h1>\n')
    if target_title:
        parts.append(f'<p class="tt" lang="{_e(doc.target_lang)}">{_e(target_title)}</p>\n')
    parts.append(_metadata(doc, src_name, tgt_name))
    parts.append("</header>\n<main>\n<table>\n")
    parts.append(
        '<colgroup><col class="c-src"><col class="c-tgt"><col class="c-info"></colgroup>\n'
    )
    parts.append(
        f'<thead><tr><th scope="col">{_e(src_name)} ({_e(doc.source_lang)})</th>'
        f'<th scope="col">{_e(tgt_name)} ({_e(doc.target_lang)})</th>'
        '<th scope="col">Status</th></tr></thead>\n'
    )
    for paragraph, entries in _groups(doc.entries):
        label = "Title" if paragraph == 0 else f"Paragraph {paragraph}"
        parts.append(
            f'<tbody id="p{paragraph}"><tr><th colspan="3" scope="rowgroup">{label}</th></tr>\n'
        )
        parts.extend(_row(entry, doc, src_name, tgt_name) for entry in entries)
        parts.append("</tbody>\n")
    parts.append("</table>\n</main>\n")
    parts.append(f"<footer>{_e(doc.article_id)} · exported by translation-desk</footer>\n")
    page_title = f"{doc.title} — {src_name} / {tgt_name}"
    return _page(page_title, doc.target_lang, "".join(parts))


def _metadata(doc: Document, src_name: str, tgt_name: str) -> str:
    counts = {s: 0 for s in STATUSES}
    for entry in doc.pairs:
        counts[entry.status] = counts.get(entry.status, 0) + 1
    progress = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items() if n)
    items = [
        ("Article", doc.article_id),
        ("Languages", f"{src_name} → {tgt_name}"),
        ("Section", doc.meta.get("section")),
        ("Author", doc.meta.get("author")),
        ("Source", doc.meta.get("source")),
        ("Published", doc.meta.get("published")),
        ("Translator", doc.translation_meta.get("translator")),
        ("Segments", f"{len(doc.pairs)}: {progress}" if progress else "0"),
    ]
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items if v)
    return f'<dl class="meta">{rows}</dl>\n'


def _groups(entries: Iterable[Entry]) -> list[tuple[int, list[Entry]]]:
    """Entries grouped by paragraph; target-only lines join the paragraph they follow."""
    groups: list[tuple[int, list[Entry]]] = []
    for entry in entries:
        paragraph = entry.paragraph
        if paragraph is None:
            paragraph = groups[-1][0] if groups else 0
        if not groups or groups[-1][0] != paragraph:
            groups.append((paragraph, []))
        groups[-1][1].append(entry)
    return groups


def _row(entry: Entry, doc: Document, src_name: str, tgt_name: str) -> str:
    status = "target-only" if entry.target_only else entry.status
    if entry.target_only:
        source = '<td class="empty">(no source: target only)</td>'
    else:
        source = (
            f'<td lang="{_e(doc.source_lang)}" data-label="{_e(src_name)}">{_e(entry.source)}</td>'
        )
    if entry.target:
        target = (
            f'<td lang="{_e(doc.target_lang)}" data-label="{_e(tgt_name)}">{_e(entry.target)}</td>'
        )
    else:
        target = '<td class="empty">(not translated)</td>'
    info = [f'<span class="badge">{_e(status.replace("_", " "))}</span>']
    if entry.translator:
        info.append(f" translator: {_e(entry.translator)}")
    if entry.reviewer:
        info.append(f" · reviewer: {_e(entry.reviewer)}")
    if entry.comment:
        info.append(f'<span class="comment">“{_e(entry.comment)}”</span>')
    return (
        f'<tr class="st-{_e(status)}">{source}{target}<td class="info">{"".join(info)}</td></tr>\n'
    )


def render_index(docs: list[Document], links: dict[str, str], lang: str) -> str:
    """An index page linking every exported article, with its progress."""
    items = []
    for doc in docs:
        approved = sum(1 for e in doc.pairs if e.status == "approved")
        items.append(
            f'<li><a href="{_e(links[doc.article_id])}" lang="{_e(doc.source_lang)}">'
            f"{_e(doc.title or doc.article_id)}</a> ({_e(doc.article_id)}): "
            f"{approved} of {len(doc.pairs)} approved</li>\n"
        )
    body = (
        f"<header><h1>Articles in {_e(language_name(lang))}</h1></header>\n<main>\n"
        f'<ul class="articles">\n{"".join(items)}</ul>\n</main>\n'
    )
    return _page(f"Articles in {language_name(lang)}", "en", body)
