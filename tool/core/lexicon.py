"""A small bilingual lexicon learned from approved sentence pairs.

Words are reduced to crude stems (folded, first letters). Association is the Dice
coefficient of co-occurrence over the pairs, sharpened by a few IBM-1 style iterations, and
weighed by its support: a translation seen in two pairs counts for less than one seen in
twenty. Only the top few translations per source stem are kept, so the lexicon stays small
enough to store as JSON in the database. The aligner also weighs the whole lexicon by the
number of pairs it was learned from (see ``tool.core.align``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product

from tool.core.text import fold, tokens
from tool.errors import InputError

STEM = 5
TOP_K = 3
MIN_PAIRS = 2
MIN_SCORE = 0.2
MIN_DICE = 0.1
ITERATIONS = 4
CANDIDATES = 4  # source stems considered per target stem in the EM
SUPPORT_HALF = 5  # pairs at which a translation's score counts half
MAX_PAIRS = 10_000


def _stems(text: str) -> set[str]:
    return {fold(t)[:STEM] for t in tokens(text) if not t[0].isdigit() and len(t) >= 2}


def _ibm1(
    sents: list[tuple[set[str], set[str]]], candidates: dict[str, set[str]]
) -> dict[tuple[str, str], float]:
    """A few IBM model 1 iterations, t(target | source), over the candidate pairs only.

    Each target word is explained by one of the source words of its pair or by NULL; the
    expected counts sharpen co-occurrence into translations ("si" -> "and", not "the").
    ``candidates`` maps a target stem to the source stems it may translate.
    """
    links: list[list[tuple[str, str]]] = []  # per target word of each pair: its candidate links
    for src, tgt in sents:
        for b in tgt:
            options = candidates.get(b)
            if options:
                common = options & src
                if common:
                    links.append([(a, b) for a in common])
    prob: dict[tuple[str, str], float] = dict.fromkeys((k for keys in links for k in keys), 1.0)
    null = 0.1
    for _ in range(ITERATIONS):
        counts: dict[tuple[str, str], float] = dict.fromkeys(prob, 0.0)
        for keys in links:
            values = [prob[k] for k in keys]
            total = null + sum(values)
            for k, v in zip(keys, values):
                counts[k] += v / total
        norms: dict[str, float] = defaultdict(float)
        for (a, _), c in counts.items():
            norms[a] += c
        prob = {k: c / norms[k[0]] for k, c in counts.items() if c}
    return prob


@dataclass
class Lexicon:
    """Source stem -> {target stem: association score in 0..1}."""

    source_lang: str = ""
    target_lang: str = ""
    table: dict[str, dict[str, float]] = field(default_factory=dict)
    pairs: int = 0

    def __post_init__(self) -> None:
        self._targets = {t for translations in self.table.values() for t in translations}

    @staticmethod
    def key(word: str) -> str:
        """The stem under which a (folded) word is stored."""
        return fold(word)[:STEM]

    @classmethod
    def learn(
        cls, pairs: Iterable[tuple[str, str]], *, source_lang: str, target_lang: str
    ) -> Lexicon:
        """Learn from approved (source sentence, target sentence) pairs.

        Only the last ``MAX_PAIRS`` pairs are used, which keeps learning to a few seconds.
        """
        recent = deque(((s, t) for s, t in pairs if s and t), maxlen=MAX_PAIRS)
        sents = [(_stems(s), _stems(t)) for s, t in recent]
        src_count = Counter(a for s, _ in sents for a in s)
        tgt_count = Counter(b for _, t in sents for b in t)
        joint: Counter[tuple[str, str]] = Counter()
        for s, t in sents:
            joint.update(
                product(
                    [a for a in s if src_count[a] >= MIN_PAIRS],
                    [b for b in t if tgt_count[b] >= MIN_PAIRS],
                )
            )
        by_target: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for (a, b), c in joint.items():
            dice = 2.0 * c / (src_count[a] + tgt_count[b])
            if c >= MIN_PAIRS and dice >= MIN_DICE:
                by_target[b].append((dice, a))
        candidates = {
            b: {a for _, a in sorted(options, reverse=True)[:CANDIDATES]}
            for b, options in by_target.items()
        }
        options: dict[str, dict[str, float]] = defaultdict(dict)
        for (a, b), p in _ibm1(sents, candidates).items():
            support = joint[(a, b)]
            options[a][b] = p * support / (support + SUPPORT_HALF)
        table: dict[str, dict[str, float]] = {}
        for a, row in options.items():
            best = sorted(row.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_K]
            kept = {b: round(v, 4) for b, v in best if v >= MIN_SCORE}
            if kept:
                table[a] = kept
        return cls(source_lang, target_lang, table, len(sents))

    def translations(self, word: str) -> dict[str, float]:
        """Target stems learned for a source word (any form), with their scores."""
        return self.table.get(self.key(word), {})

    def knows_target(self, word: str) -> bool:
        """Whether a target word's stem is the translation of some source stem."""
        return self.key(word) in self._targets

    def score(self, source: str, target: str) -> float:
        """Share of the source's known words whose translation appears in the target (0..1)."""
        src, tgt = _stems(source), _stems(target)
        known = [a for a in src if a in self.table]
        if not known:
            return 0.0
        return sum(1 for a in known if tgt & self.table[a].keys()) / len(known)

    def __len__(self) -> int:
        return len(self.table)

    def to_json(self) -> str:
        """Serialise to a JSON string (see ``from_json``)."""
        return json.dumps(
            {
                "version": 1,
                "source_lang": self.source_lang,
                "target_lang": self.target_lang,
                "pairs": self.pairs,
                "table": self.table,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Lexicon:
        """Read a lexicon written by ``to_json``; InputError on anything else."""
        try:
            data = json.loads(text)
            table = {
                str(a): {str(b): float(v) for b, v in options.items()}
                for a, options in data["table"].items()
            }
            return cls(
                str(data.get("source_lang", "")),
                str(data.get("target_lang", "")),
                table,
                int(data.get("pairs", 0)),
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise InputError(f"not a lexicon: {exc}") from None
