"""Benchmark the sentence aligner against nltk's Gale-Church on the alignment dev sets.

Run as a script (not collected by pytest):

    python tests/benchmarks/bench_align.py [--data ../shared/eval/align]

Prints a Markdown table: strict and lax F1 and sentences per minute for our aligner and the
Gale-Church baseline on each set, the raw pipeline (our segmenter, then our aligner), the
lexicon ablation, the confidence calibration and the 400 vs 2,000 sentence scaling ratio.
Scores reuse the logic of the shared scorer, score_align.py, imported by path.
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
from tool.core import evidence  # noqa: E402
from tool.core.align import REVIEW_THRESHOLD, Bead, align  # noqa: E402
from tool.core.lexicon import Lexicon  # noqa: E402

Doc = tuple[str, list[str], list[str], list]  # name, source lines, target lines, gold beads
SETS = ("flores-dev", "wmt16-dev")
BINS = (0.3, 0.6, 0.8, 0.9, 0.99, 1.01)  # upper edges of the confidence bins


def load_scorer(data: Path) -> ModuleType:
    """Import score_align.py (next to the data folder) by path."""
    path = data.parent / "score_align.py"
    spec = importlib.util.spec_from_file_location("score_align", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_set(folder: Path, scorer: ModuleType) -> list[Doc]:
    docs = []
    for gold in sorted(folder.glob("*.gold")):
        src = gold.with_suffix(".ro").read_text(encoding="utf-8").splitlines()
        tgt = gold.with_suffix(".en").read_text(encoding="utf-8").splitlines()
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
    """Scores, speed and calibration of one aligner over a set."""
    pairs, seconds, sentences = [], 0.0, 0
    above = correct = below = total = 0
    bins = [[0, 0] for _ in BINS]  # beads, correct beads per confidence bin
    for _, src, tgt, gold in docs:
        start = time.perf_counter()
        beads = aligner(src, tgt)
        seconds += time.perf_counter() - start
        sentences += len(src) + len(tgt)
        pairs.append((gold, [(b.source, b.target) for b in beads]))
        gold_set = set(gold)
        for b in beads:
            total += 1
            band = next(k for k, edge in enumerate(BINS) if b.confidence < edge)
            bins[band][0] += 1
            bins[band][1] += (b.source, b.target) in gold_set
            if b.confidence >= REVIEW_THRESHOLD:
                above += 1
                correct += (b.source, b.target) in gold_set
            else:
                below += 1
    result = scorer.score(pairs)
    result["per_minute"] = sentences / seconds * 60 if seconds else 0.0
    result["precision_above"] = correct / above if above else 0.0
    result["share_below"] = below / total if total else 0.0
    result["bins"] = bins
    return result


def ours(src: list[str], tgt: list[str], lexicon: Lexicon | None = None) -> list[Bead]:
    return align(src, tgt, "ro", "en", lexicon=lexicon)


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
        return scorer.score(scorer.raw_pairs(str(folder), out))


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


def best_time(src: list[str], tgt: list[str], repeat: int = 5) -> float:
    """Best CPU time of a few runs (this machine is shared and noisy)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        align(src, tgt, "ro", "en")
        times.append(time.process_time() - start)
    return min(times)


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
    saved = dict(evidence.KIND_WEIGHTS)
    evidence.KIND_WEIGHTS.update({"W": 0.0, "C": 0.0})
    try:
        return fn()
    finally:
        evidence.KIND_WEIGHTS.update(saved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PROJECT.parent / "shared" / "eval" / "align")
    args = parser.parse_args()
    scorer = load_scorer(args.data)
    sets = {name: load_set(args.data / name, scorer) for name in SETS}
    try:
        import nltk  # noqa: F401

        have_nltk = True
    except ImportError:
        have_nltk = False

    def f1(r: dict) -> str:
        return f"{r['strict_f1']:.3f} / {r['lax_f1']:.3f}"

    print("| aligner | " + " | ".join(f"{n} strict / lax F1 | sent/min" for n in SETS) + " |")
    print("| --- |" + " --- | --- |" * len(SETS))
    results = {name: run(docs, scorer, ours) for name, docs in sets.items()}
    cells = " | ".join(f"{f1(r)} | {r['per_minute']:,.0f}" for r in results.values())
    print(f"| ours | {cells} |")
    if have_nltk:
        base = {name: run(docs, scorer, gale_church) for name, docs in sets.items()}
        cells = " | ".join(f"{f1(r)} | {r['per_minute']:,.0f}" for r in base.values())
        print(f"| Gale-Church (nltk) | {cells} |")
    else:
        print("| Gale-Church (nltk) | skipped: nltk not installed |")

    print("\n| measure | value |\n| --- | --- |")
    raw_dir = args.data / "raw" / "flores-dev"
    raw = raw_pipeline(raw_dir, scorer)
    if raw:
        print(f"| raw pipeline flores-dev (segment + align), strict / lax F1 | {f1(raw)} |")
        oracle = raw_pipeline(raw_dir, scorer, oracle=True)
        print(f"| raw flores-dev, gold sentences in their paragraphs + align | {f1(oracle)} |")
        split, total = split_gold_beads(raw_dir)
        print(
            f"| raw flores-dev gold beads our segmenter cuts on both sides | {split} of {total} |"
        )
    for name, r in results.items():
        print(
            f"| calibration {name}: precision of beads with confidence >= {REVIEW_THRESHOLD} "
            f"| {r['precision_above']:.3f} ({r['share_below']:.1%} of beads below) |"
        )
    lower = (0.0, *BINS[:-1])
    cells = []
    for k, (low, high) in enumerate(zip(lower, BINS)):
        count = sum(r["bins"][k][0] for r in results.values())
        right = sum(r["bins"][k][1] for r in results.values())
        share = f"{right / count:.2f}" if count else "-"
        cells.append(
            f"[{low:.2f}, {min(high, 1.0):.2f}{']' if high > 1 else ')'}: {share} of {count}"
        )
    print(f"| share of correct beads by confidence (both sets) | {'; '.join(cells)} |")

    # Lexicon ablation: learn on one set's gold pairs, align the other.
    flores, wmt = sets["flores-dev"], sets["wmt16-dev"]
    for train, test, label in ((wmt, flores, "wmt16 -> flores"), (flores, wmt, "flores -> wmt16")):
        lexicon = Lexicon.learn(gold_pairs(train), source_lang="ro", target_lang="en")
        plain = run(test, scorer, ours)
        learned = run(test, scorer, lambda s, t, lex=lexicon: ours(s, t, lex))
        print(
            f"| lexicon {label} ({len(lexicon)} entries), strict F1 without -> with "
            f"| {plain['strict_f1']:.4f} -> {learned['strict_f1']:.4f} |"
        )
        plain = without_word_evidence(lambda test=test: run(test, scorer, ours))
        learned = without_word_evidence(
            lambda test=test, lex=lexicon: run(test, scorer, lambda s, t: ours(s, t, lex))
        )
        print(
            f"| lexicon {label}, no cognate/name evidence, strict F1 without -> with "
            f"| {plain['strict_f1']:.4f} -> {learned['strict_f1']:.4f} |"
        )

    for use in (False, True):
        pairs = []
        for src, tgt, sp, tp, gold in with_paragraphs(wmt):
            beads = align(
                src,
                tgt,
                "ro",
                "en",
                source_paragraphs=sp if use else None,
                target_paragraphs=tp if use else None,
            )
            pairs.append((gold, [(b.source, b.target) for b in beads]))
        r = scorer.score(pairs)
        label = "with" if use else "without"
        print(
            f"| wmt16-dev in paragraphs, one English paragraph dropped per document, {label} "
            f"paragraph anchors, strict / lax F1 | {f1(r)} |"
        )

    # Time 2,000 sentences against the five 400-sentence slices of the same text, so that
    # both measure the same sentences.
    src2k, tgt2k = long_document(wmt, 2000)
    t2k = best_time(src2k, tgt2k)
    t400 = sum(best_time(*long_document(wmt, 400, skip=400 * k)) for k in range(5)) / 5
    print(
        f"| time of 2,000 source sentences vs 400 (mean of its five slices) | {t2k:.3f} s vs "
        f"{t400:.3f} s: ratio {t2k / t400:.2f} |"
    )
    sentences = len(src2k) + len(tgt2k)
    print(f"| speed on the long document | {sentences / t2k * 60:,.0f} sentences/minute |")
    print(f"| search band (initial half-width) | {align_module.BAND} sentences |")


if __name__ == "__main__":
    main()
