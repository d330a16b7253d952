"""Benchmark the sentence segmenter against sentencex, pysbd, blingfire and sentence-splitter.

Run as a script (not collected by pytest):

    python tests/benchmarks/bench_segment.py [--data ../shared/eval/seg] [--repeat 3]

The data folder can also be set with the SEG_DATA environment variable. Prints one Markdown
table: boundary F1 (precision/recall) per dev set (ro, en, ru, uk, fr; scored like the shared
scorer, score_seg.py, which is imported by path when it is next to the data folder), sentences
per minute on one core over all sets, and the speed ratio against the fastest peer measured in
the same run. A peer without rules for a language runs with its English rules (marked *) or is
left out (n/a); a peer that is not installed is skipped with a note.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from tool.core.segment import segment_sentences  # noqa: E402

SETS = {lang: f"{lang}-dev.jsonl" for lang in ("ro", "en", "ru", "uk", "fr")}
PYSBD_LANGS = {"en", "ru", "fr"}  # of ours; pysbd has no Romanian or Ukrainian rules
SPLITTER_LANGS = {"ro", "en", "ru", "fr"}  # sentence-splitter has no Ukrainian list
Segmenter = Callable[[str, str], list[str]]  # (paragraph, lang) -> sentences


def _own_offsets(sentences: Iterable[str]) -> list[int]:
    """End offsets of each sentence in non-whitespace characters (as score_seg.py counts)."""
    out, pos = [], 0
    for sentence in sentences:
        pos += sum(1 for c in sentence if not c.isspace())
        out.append(pos)
    return out


def load_offsets(data: Path) -> Callable[[Iterable[str]], list[int]]:
    """The scorer's ``offsets`` function, imported by path, or our copy of it."""
    path = data.parent / "score_seg.py"
    spec = importlib.util.spec_from_file_location("score_seg", path)
    if not path.exists() or spec is None or spec.loader is None:
        return _own_offsets
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, "offsets", _own_offsets)


def score(
    gold: list[dict], predicted: list[list[str]], offsets: Callable[[Iterable[str]], list[int]]
) -> tuple[float, float, float]:
    """Boundary precision, recall and F1; paragraph ends are given, so they are not scored."""
    gold_sentences = [s for p in gold for s in p["sentences"]]
    pred_sentences = [s.strip() for p in predicted for s in p if s.strip()]
    par_ends = set(offsets([p["text"] for p in gold]))
    g = set(offsets(gold_sentences)) - par_ends
    p = set(offsets(pred_sentences)) - par_ends
    tp = len(g & p)
    precision = tp / len(p) if p else 0.0
    recall = tp / len(g) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def peers() -> tuple[dict[str, Segmenter], list[str]]:
    """The peer segmenters that are installed, and notes on the ones that are not."""
    found: dict[str, Segmenter] = {}
    missing: list[str] = []
    try:
        from sentencex import segment as sentencex_segment

        found["sentencex"] = lambda text, lang: list(sentencex_segment(lang, text))
    except ImportError:
        missing.append("sentencex")
    try:
        import pysbd

        pysbd_by_lang = {
            lang: pysbd.Segmenter(language=lang if lang in PYSBD_LANGS else "en", clean=False)
            for lang in SETS
        }
        found["pysbd"] = lambda text, lang: pysbd_by_lang[lang].segment(text)
    except ImportError:
        missing.append("pysbd")
    try:
        import blingfire

        found["blingfire"] = lambda text, lang: blingfire.text_to_sentences(text).split("\n")
    except ImportError:
        missing.append("blingfire (needs numpy)")
    try:
        from sentence_splitter import SentenceSplitter

        splitters = {lang: SentenceSplitter(language=lang) for lang in SPLITTER_LANGS}
        found["sentence-splitter"] = lambda text, lang: splitters[lang].split(text)
    except ImportError:
        missing.append("sentence-splitter")
    return found, missing


def supports(name: str, lang: str) -> str | None:
    """How a peer handles ``lang``: "" (its own rules), "*" (English rules) or None (not at all)."""
    if name == "pysbd" and lang not in PYSBD_LANGS:
        return "*"
    if name == "sentence-splitter" and lang not in SPLITTER_LANGS:
        return None
    return ""


def run(segmenter: Segmenter, gold: list[dict], lang: str, repeat: int) -> tuple[list, float]:
    """The segmenter's output on every paragraph and its best time over ``repeat`` runs."""
    best = float("inf")
    output: list[list[str]] = []
    for _ in range(repeat):
        start = time.perf_counter()
        output = [segmenter(p["text"], lang) for p in gold]
        best = min(best, time.perf_counter() - start)
    return output, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("SEG_DATA", str(PROJECT.parent / "shared" / "eval" / "seg"))
    parser.add_argument("--data", type=Path, default=Path(default), help="folder of *-dev.jsonl")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs (best is kept)")
    args = parser.parse_args()
    offsets = load_offsets(args.data)
    gold = {
        lang: [json.loads(line) for line in (args.data / name).open(encoding="utf-8")]
        for lang, name in SETS.items()
    }
    found, missing = peers()
    segmenters: dict[str, Segmenter] = {"ours (tool.core.segment)": segment_sentences, **found}
    rows = []
    for name, segmenter in segmenters.items():
        cells, sentences, seconds = [], 0, 0.0
        for lang, paragraphs in gold.items():
            mark = supports(name, lang)
            if mark is None:
                cells.append("n/a")
                continue
            output, elapsed = run(segmenter, paragraphs, lang, args.repeat)
            precision, recall, f1 = score(paragraphs, output, offsets)
            cells.append(f"{f1:.4f}{mark} ({precision:.3f}/{recall:.3f})")
            sentences += sum(len(p["sentences"]) for p in paragraphs)
            seconds += elapsed
        rows.append((name, cells, sentences / seconds * 60))
    fastest_peer = max((speed for name, _, speed in rows if name in found), default=0.0)
    header = " | ".join(f"{lang}-dev F1 (P/R)" for lang in gold)
    print(f"| segmenter | {header} | sentences/min | vs fastest peer |")
    print("| --- |" + " --- |" * len(gold) + " ---: | ---: |")
    for name, cells, speed in rows:
        ratio = f"{speed / fastest_peer:.3g}x" if fastest_peer else "n/a"
        print(f"| {name} | {' | '.join(cells)} | {speed:,.0f} | {ratio} |")
    print("\n* English rules (no rules for the language); n/a: the language is not supported.")
    for name in missing:
        print(f"\n(skipped {name}: not installed)")


if __name__ == "__main__":
    main()
