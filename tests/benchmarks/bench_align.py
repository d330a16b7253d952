"""Benchmark the sentence aligner against nltk's Gale-Church on the alignment dev sets.

Run as a script (not collected by pytest):

    python tests/benchmarks/bench_align.py [--data ../shared/eval/align]

Prints Markdown tables: strict and lax F1 of our aligner and of Gale-Church (nltk, measured
in the same run) on every dev set (flores, wmt16, textberg, ru/uk/fr flores, and raw flores
segmented then aligned, scored with ``--refine`` as the acceptance check does), with
hunalign's published dev numbers quoted from the data's README; per set the share of beads
sent to review and the precision of the beads at or above the review threshold; the
reliability of the confidence (bins against accuracy); the trade-off of other thresholds;
why beads were doubted; the lexicon ablation; and the time of 5,000 vs 500 sentences on
distinct and on repeated text. Scores reuse the shared scorer, score_align.py, imported by
path.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from tool.core import align as align_module  # noqa: E402
from tool.core.align import DOUBTS, REVIEW_THRESHOLD, Bead, align  # noqa: E402
from tool.core.lexicon import Lexicon  # noqa: E402

Doc = tuple[str, list[str], list[str], list]  # name, source lines, target lines, gold beads
# name -> (source language, target language)
SETS = {
    "flores-dev": ("ro", "en"),
    "wmt16-dev": ("ro", "en"),
    "textberg-dev": ("de", "fr"),
    "ru-flores-dev": ("ro", "ru"),
    "uk-flores-dev": ("ro", "uk"),
    "fr-flores-dev": ("ro", "fr"),
}
# Published in ../shared/eval/align/README.md (strict F1; raw: sentencex then hunalign).
HUNALIGN = {
    "flores-dev": 0.927,
    "wmt16-dev": 0.947,
    "textberg-dev": 0.660,
    "ru-flores-dev": 0.903,
    "uk-flores-dev": 0.926,
    "fr-flores-dev": 0.901,
    "raw flores-dev": 0.935,
}
BINS = (0.2, 0.4, REVIEW_THRESHOLD, 0.7, 0.8, 0.9, 0.95, 1.01)  # upper edges of confidence bins
THRESHOLDS = (0.4, 0.5, REVIEW_THRESHOLD, 0.7, 0.8, 0.9)  # review thresholds to compare


def load_scorer(data: Path) -> ModuleType:
    """Import score_align.py (next to the data folder) by path."""
    path = data.parent / "score_align.py"
    spec = importlib.util.spec_from_file_location("score_align", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_set(folder: Path, scorer: ModuleType, langs: tuple[str, str]) -> list[Doc]:
    docs = []
    for gold in sorted(folder.glob("*.gold")):
        src = gold.with_suffix(f".{langs[0]}").read_text(encoding="utf-8").splitlines()
        tgt = gold.with_suffix(f".{langs[1]}").read_text(encoding="utf-8").splitlines()
        docs.append((gold.stem, src, tgt, scorer.parse_beads(str(gold))))
    return docs


def gale_church(src: list[str], tgt: list[str]) -> list[Bead]:
    """nltk's Gale-Church, its links grouped into beads (unlinked sentences as 1-0 / 0-1)."""
    from nltk.translate.gale_church import align_blocks

    links = align_blocks([len(s) for s in src], [len(t) for t in tgt])
    beads: list[tuple[list[int], list[int]]] = []
    seen_s: dict[int, int] = {}
    seen_t: dict[int, int] = {}
    for i, j in links:
        k = seen_s.get(i, seen_t.get(j))
        if k is None:
            beads.append(([], []))
            k = len(beads) - 1
        if i not in seen_s:
            beads[k][0].append(i)
            seen_s[i] = k
        if j not in seen_t:
            beads[k][1].append(j)
            seen_t[j] = k
    beads += [([i], []) for i in range(len(src)) if i not in seen_s]
    beads += [([], [j]) for j in range(len(tgt)) if j not in seen_t]
    beads.sort(key=lambda b: (b[0][0] if b[0] else -1, b[1][0] if b[1] else -1))
    return [Bead(tuple(s), tuple(t), 1.0) for s, t in beads]


def run(
    docs: list[Doc], scorer: ModuleType, aligner: Callable[[list[str], list[str]], list[Bead]]
) -> dict:
    """Scores, speed and calibration of one aligner over a set.

    ``beads`` holds (confidence, right, doubt) for every predicted bead; right means
    identical to a gold bead (strict).
    """
    pairs, seconds, sentences = [], 0.0, 0
    beads_seen: list[tuple[float, bool, str]] = []
    for _, src, tgt, gold in docs:
        start = time.perf_counter()
        beads = aligner(src, tgt)
        seconds += time.perf_counter() - start
        sentences += len(src) + len(tgt)
        pairs.append((gold, [(b.source, b.target) for b in beads]))
        gold_set = set(gold)
        beads_seen += [(b.confidence, (b.source, b.target) in gold_set, b.doubt) for b in beads]
    result = scorer.score(pairs)
    result["per_minute"] = sentences / seconds * 60 if seconds else 0.0
    result["beads"] = beads_seen
    result["share_below"], result["precision_above"] = at_threshold(beads_seen, REVIEW_THRESHOLD)
    return result


def at_threshold(beads: list[tuple[float, bool, str]], threshold: float) -> tuple[float, float]:
    """Share of beads below ``threshold`` (sent to review) and precision of those at or above."""
    above = [right for confidence, right, _ in beads if confidence >= threshold]
    share = 1 - len(above) / len(beads) if beads else 0.0
    return share, (sum(above) / len(above) if above else 1.0)


def ours(langs: tuple[str, str], lexicon: Lexicon | None = None):
    def aligner(src: list[str], tgt: list[str]) -> list[Bead]:
        return align(src, tgt, langs[0], langs[1], lexicon=lexicon)

    return aligner


def gold_pairs(docs: list[Doc]) -> Iterator[tuple[str, str]]:
    for _, src, tgt, gold in docs:
        for s, t in gold:
            if s and t:
                yield " ".join(src[i] for i in s), " ".join(tgt[j] for j in t)


def raw_pipeline(folder: Path, scorer: ModuleType, oracle: bool = False) -> dict | None:
    """Segment raw paragraphs with our segmenter, align, score character spans.

    With ``oracle`` the gold sentences (kept in their paragraphs) replace our segmenter's,
    which separates alignment errors from segmentation granularity.
    """
    import json
    import tempfile

    try:
        from tool.core.segment import segment_sentences
    except ImportError:
        return None

    def segments(path: Path, lang: str, gold: list[str]) -> tuple[list[str], list[int]]:
        texts, paragraphs, pos = [], [], 0
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            line = " ".join(line.split())
            if not line:
                continue
            if oracle:  # the gold sentences that lie in this line
                parts = []
                while pos < len(gold) and gold[pos] in line:
                    parts.append(gold[pos])
                    pos += 1
            else:
                parts = segment_sentences(line, lang)
            texts += parts
            paragraphs += [number] * len(parts)
        return texts, paragraphs

    with tempfile.TemporaryDirectory() as out:
        for gold in sorted(folder.glob("*.gold.jsonl")):
            doc = gold.name[: -len(".gold.jsonl")]
            rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
            src, sp = segments(folder / f"{doc}.ro", "ro", [x for r in rows for x in r["ro"]])
            tgt, tp = segments(folder / f"{doc}.en", "en", [x for r in rows for x in r["en"]])
            beads = align(src, tgt, "ro", "en", source_paragraphs=sp, target_paragraphs=tp)
            pred = [
                {
                    "ro": " ".join(src[i] for i in b.source),
                    "en": " ".join(tgt[j] for j in b.target),
                }
                for b in beads
            ]
            Path(out, f"{doc}.pred.jsonl").write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in pred), encoding="utf-8"
            )
        return scorer.score(scorer.raw_pairs(str(folder), out, refined=True))


def split_gold_beads(folder: Path) -> tuple[int, int]:
    """Gold raw beads whose both sides our segmenter cuts into two or more sentences."""
    import json

    from tool.core.segment import segment_sentences

    count = total = 0
    for gold in sorted(folder.glob("*.gold.jsonl")):
        for line in gold.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            total += 1
            ro = sum(len(segment_sentences(x, "ro")) for x in row["ro"])
            en = sum(len(segment_sentences(x, "en")) for x in row["en"])
            count += ro > len(row["ro"]) and en > len(row["en"])
    return count, total


def long_document(docs: list[Doc], size: int, skip: int = 0) -> tuple[list[str], list[str]]:
    """Concatenate dev documents (cut at gold beads) into ``size`` source sentences.

    The first ``skip`` source sentences of the concatenation are left out, so consecutive
    slices of one long text can be timed against the whole of it.
    """
    src: list[str] = []
    tgt: list[str] = []
    seen = k = 0
    while len(src) < size:
        _, s, t, gold = docs[k % len(docs)]
        k += 1
        for a, b in gold:
            if seen >= skip:
                src += [s[i] for i in a]
                tgt += [t[j] for j in b]
            seen += len(a) or (1 if seen >= skip else 0)
            if len(src) >= size:
                break
    return src, tgt


def best_time(src: list[str], tgt: list[str], repeat: int = 3) -> float:
    """Best CPU time of a few runs (this machine is shared and noisy)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        align(src, tgt, "ro", "en")
        times.append(time.process_time() - start)
    return min(times)


def repeated_text(docs: list[Doc], size: int, seed: int = 7) -> tuple[list[str], list[str]]:
    """``size`` source sentences drawn at random from a dozen gold pairs without numbers,
    one target sentence in twenty left out: nothing anchors the path."""
    rnd = random.Random(seed)
    _, src, tgt, gold = docs[0]
    pool = [
        (a, b) for a, b in gold if a and b and not any(ch.isdigit() for i in a for ch in src[i])
    ][:12]
    s: list[str] = []
    t: list[str] = []
    while len(s) < size:
        a, b = rnd.choice(pool)
        s += [src[i] for i in a]
        if rnd.random() >= 0.05:
            t += [tgt[j] for j in b]
    return s, t


def with_paragraphs(docs: list[Doc], seed: int = 1) -> list[tuple]:
    """Documents cut into paragraphs of 2-5 gold beads, one English paragraph dropped."""
    rnd = random.Random(seed)
    out = []
    for _, src, tgt, gold in docs:
        cuts = []
        k = 0
        while k < len(gold):
            size = rnd.randint(2, 5)
            cuts.append(gold[k : k + size])
            k += size
        drop = rnd.randrange(len(cuts)) if len(cuts) > 2 else -1
        s2: list[str] = []
        t2: list[str] = []
        sp: list[int] = []
        tp: list[int] = []
        g2: list = []
        for number, paragraph in enumerate(cuts):
            for a, b in paragraph:
                b = () if number == drop else b
                ia = tuple(range(len(s2), len(s2) + len(a)))
                ib = tuple(range(len(t2), len(t2) + len(b)))
                s2 += [src[i] for i in a]
                t2 += [tgt[j] for j in b]
                sp += [number] * len(a)
                tp += [number] * len(b)
                if a and b:
                    g2.append((ia, ib))
                else:
                    g2 += [((i,), ()) for i in ia] + [((), (j,)) for j in ib]
        out.append((s2, t2, sp, tp, g2))
    return out


def without_word_evidence(fn: Callable[[], dict]) -> dict:
    """Run ``fn`` with cognate and name evidence switched off (lengths + numbers left)."""
    saved = dict(align_module.TRANSFER)
    align_module.TRANSFER.update({"W": 1e-4, "S": 1e-4})
    try:
        return fn()
    finally:
        align_module.TRANSFER.update(saved)


def reliability(results: dict[str, dict]) -> None:
    """Confidence bins against the share of beads in them that are right, per set."""
    lower = (0.0, *BINS[:-1])
    labels = [
        f"[{low:.2f}, {min(high, 1.0):.2f}{']' if high > 1 else ')'}"
        for low, high in zip(lower, BINS)
    ]
    print("\n| set | " + " | ".join(labels) + " |")
    print("| --- |" + " --- |" * len(labels))
    for name, r in results.items():
        bins = [[0, 0] for _ in BINS]
        for confidence, right, _ in r["beads"]:
            band = next(k for k, edge in enumerate(BINS) if confidence < edge)
            bins[band][0] += 1
            bins[band][1] += right
        cells = [f"{right / count:.2f} of {count}" if count else "-" for count, right in bins]
        print(f"| {name} | " + " | ".join(cells) + " |")


def trade_off(results: dict[str, dict]) -> None:
    """Share of beads sent to review and precision above, at other review thresholds."""
    print("\n| set | " + " | ".join(f"threshold {t}" for t in THRESHOLDS) + " |")
    print("| --- |" + " --- |" * len(THRESHOLDS))
    for name, r in results.items():
        cells = []
        for threshold in THRESHOLDS:
            share, precision = at_threshold(r["beads"], threshold)
            cells.append(f"{share:.1%} / {precision:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


def doubts(results: dict[str, dict]) -> None:
    """Beads doubted whatever their posterior, by reason: how many, and how many are right."""
    reasons = list(DOUBTS)
    print("\n| set | " + " | ".join(reasons) + " | weak posterior |")
    print("| --- |" + " --- |" * (len(reasons) + 1))
    for name, r in results.items():
        cells = []
        for reason in [*reasons, ""]:
            chosen = [
                right
                for confidence, right, doubt in r["beads"]
                if doubt == reason and (reason or confidence < REVIEW_THRESHOLD)
            ]
            cells.append(f"{sum(chosen)} of {len(chosen)}" if chosen else "-")
        print(f"| {name} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PROJECT.parent / "shared" / "eval" / "align")
    args = parser.parse_args()
    scorer = load_scorer(args.data)
    sets = {name: load_set(args.data / name, scorer, langs) for name, langs in SETS.items()}
    try:
        import nltk  # noqa: F401

        have_nltk = True
    except ImportError:
        have_nltk = False

    def f1(r: dict) -> str:
        return f"{r['strict_f1']:.3f} / {r['lax_f1']:.3f}"

    print(
        "| set | ours strict / lax F1 | sent/min | Gale-Church (nltk) | hunalign (published) "
        f"| beads below {REVIEW_THRESHOLD} (review) | right at or above it |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    results = {}
    for name, docs in sets.items():
        results[name] = r = run(docs, scorer, ours(SETS[name]))
        base = f1(run(docs, scorer, gale_church)) if have_nltk else "nltk not installed"
        print(
            f"| {name} | {f1(r)} | {r['per_minute']:,.0f} | {base} | {HUNALIGN[name]:.3f} "
            f"| {r['share_below']:.1%} | {r['precision_above']:.3f} |"
        )
    raw_dir = args.data / "raw" / "flores-dev"
    raw = raw_pipeline(raw_dir, scorer)
    if raw:
        print(f"| raw flores-dev (segment + align, --refine) | {f1(raw)} | | | "
              f"{HUNALIGN['raw flores-dev']:.3f} | | |")  # fmt: skip

    reliability(results)
    trade_off(results)
    doubts(results)

    print("\n| measure | value |\n| --- | --- |")
    # Lexicon ablation: learn on one set's gold pairs, align the other.
    flores, wmt = sets["flores-dev"], sets["wmt16-dev"]
    for train, test, label in ((wmt, flores, "wmt16 -> flores"), (flores, wmt, "flores -> wmt16")):
        lexicon = Lexicon.learn(gold_pairs(train), source_lang="ro", target_lang="en")
        plain = run(test, scorer, ours(("ro", "en")))
        learned = run(test, scorer, ours(("ro", "en"), lexicon))
        print(
            f"| lexicon {label} ({len(lexicon)} entries from {lexicon.pairs} pairs), strict F1 "
            f"without -> with | {plain['strict_f1']:.4f} -> {learned['strict_f1']:.4f} |"
        )
        plain = without_word_evidence(lambda test=test: run(test, scorer, ours(("ro", "en"))))
        learned = without_word_evidence(
            lambda test=test, lex=lexicon: run(test, scorer, ours(("ro", "en"), lex))
        )
        print(
            f"| lexicon {label}, no cognate evidence, strict F1 without -> with "
            f"| {plain['strict_f1']:.4f} -> {learned['strict_f1']:.4f} |"
        )

    # Time 5,000 sentences against 500 of the same kind of text.
    for label, make in (
        ("distinct text", lambda size: long_document(wmt, size)),
        ("repeated text, no anchors", lambda size: repeated_text(wmt, size)),
    ):
        small, large = best_time(*make(500)), best_time(*make(5000), repeat=1)
        print(
            f"| time of 5,000 vs 500 source sentences, {label} | {large:.2f} s vs {small:.3f} s:"
            f" ratio {large / small:.1f} |"
        )
    print(f"| search band (initial half-width, widest) | {align_module.BAND}, "
          f"{align_module.MAX_BAND} sentences |")  # fmt: skip


if __name__ == "__main__":
    main()
