"""Sentence alignment: a dynamic program over beads in a band around the diagonal.

A bead pairs 0-3 source segments with 0-3 target sentences (1-1, 1-2, 2-1, 1-0, 0-1, 2-2,
1-3, 3-1). Its cost adds a prior for its kind and the Gale-Church length cost (character
lengths, ratio estimated from the texts), minus a reward for the evidence both sides share
(numbers, dates, names, cognates, punctuation, lexicon: see ``tool.core.evidence``).
Paragraph ends on both sides are soft anchors.

The search keeps to a band around the expected path (through sentence pairs sharing rare
numbers or names, and along the cumulative lengths between them) and widens the band
locally where the best path presses against its edge, so time grows linearly with the
length of the text. Each bead's confidence is its posterior probability under a
forward-backward pass over the same band, doubted where the model cannot judge (see
``_doubts``): a bead at or above ``REVIEW_THRESHOLD`` is right about 99 times in 100.
"""

from __future__ import annotations

import bisect
import gc
import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tool.core.evidence import sentence_features

if TYPE_CHECKING:
    from tool.core.lexicon import Lexicon

REVIEW_THRESHOLD = 0.6

# (source count, target count) -> prior probability of the bead kind.
BEAD_PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.82,
    (2, 1): 0.07,
    (1, 2): 0.07,
    (1, 0): 0.04,
    (0, 1): 0.04,
    (2, 2): 0.01,
    (3, 1): 0.005,
    (1, 3): 0.005,
    (2, 3): 0.003,
    (3, 2): 0.003,
    (1, 4): 0.002,
    (4, 1): 0.002,
}
KINDS = list(BEAD_PRIORS)
MAX_SPAN = 4  # most sentences on one side of a bead
PRIOR_COST = [-math.log(BEAD_PRIORS[k]) for k in KINDS]

LENGTH_VARIANCE = 6.8  # Gale-Church's variance of target chars per source char
# Evidence counts this much: features are not independent (a word's cognate key and its
# skeleton, a date's day, month and year), and a sum of their log-ratios overstates it.
EVIDENCE_SCALE = 0.5
# Chance that a feature of a sentence shows in its translation, by kind (see evidence.py).
# Consonant skeletons meet by chance so often that only rare ones count, and a missing one
# costs nothing.
TRANSFER = {"N": 0.85, "M": 0.8, "D": 0.7, "W": 0.3, "S": 0.05, "P": 0.6, "L": 0.5}
UNSHARED_SHARING = 0.85  # sharing rate from which ...
UNSHARED_PENALTY = 3.0  # ... a pairing bead sharing nothing, with numbers, costs this
PARAGRAPH_PENALTY = 3.0  # a path state at a paragraph end on one side only
NEAR_PARAGRAPH_SHARE = 0.25  # share of it one sentence short of a paragraph end
CROSSING_PENALTY = 3.0  # each paragraph end a bead joins across on one side only
TEMPERATURE = 1.25  # softness of the forward-backward pass that yields confidences
PRIOR_STRENGTH = 100.0  # weight, in beads, of BEAD_PRIORS against a document's own kinds
# Chance of a 1-0 or 0-1 bead for a translator who merges and splits but rarely drops or
# adds a sentence: beside an unpaired sentence, a bead must be likely under this too.
RARE_NULL_PRIOR = 0.005
LONG_BEAD = 4  # sentences in a bead from which its extent is doubted
DOUBT = 0.59  # most confidence of a bead the model cannot judge (below REVIEW_THRESHOLD)
LEXICON_SUPPORT = 500  # approved pairs at which a lexicon counts half
ANCHOR_KINDS = frozenset("NW")  # feature kinds that can anchor the band
ANCHOR_REPEATS = 3  # ... when found at most this many times on each side
BAND = 6  # initial half-width of the search band, in sentences
MAX_ROUNDS = 6  # searches with a widened band before the best path found is kept
MAX_BAND = 8 * BAND  # widest half-width a row may grow to
SEARCH_BUDGET = 2.5  # cells searched in all rounds, in units of the first band's


@dataclass(frozen=True)
class Bead:
    """One alignment step: source segment indexes with target sentence indexes.

    ``doubt`` says why a person should look whatever the posterior (see ``DOUBTS``), or is
    empty.
    """

    source: tuple[int, ...]
    target: tuple[int, ...]
    confidence: float = 1.0
    doubt: str = ""


#: Why a bead is doubted, by key: the reasons the model cannot judge it.
DOUBTS = {
    "unpaired": "a sentence paired with nothing: it may belong to a neighbour",
    "long": "a bead of many sentences: its ends are rarely all right",
    "beside-unpaired": "beside an unpaired sentence that may belong to it",
    "stray": "one of its sentences shares nothing with the other side",
    "unshared": "its numbers or dates are not on the other side, and nothing else is shared",
}


def format_bead(bead: Bead) -> str:
    """The standard text form: ``[1, 2]:[1]``, ``[3]:[]``."""
    return f"[{', '.join(map(str, bead.source))}]:[{', '.join(map(str, bead.target))}]"


def _length_cost(delta: float) -> float:
    """-log P(|delta| or more) for a standard normal delta."""
    x = abs(delta) / math.sqrt(2.0)
    if x > 5.0:
        return x * x + math.log(x * math.sqrt(math.pi))
    return -math.log(math.erfc(x))


def _boundaries(paragraphs: list[int] | None, count: int) -> list[bool] | None:
    """For each state 0..count: does a paragraph end there? None when there is no structure.

    A single paragraph, or one sentence in every paragraph (a file of one segment per
    line), says nothing that the sentences do not, so it counts as none. News articles
    with mostly one-sentence paragraphs keep their anchors: a translator rarely moves a
    sentence into another paragraph.
    """
    if paragraphs is not None and len(paragraphs) != count:
        raise ValueError(f"{len(paragraphs)} paragraph numbers for {count} sentences")
    if not paragraphs:
        return None
    distinct = len(set(paragraphs))
    if distinct < 2 or distinct == count:
        return None
    return [k == 0 or k == count or paragraphs[k - 1] != paragraphs[k] for k in range(count + 1)]


class _Scorer:
    """Precomputed lengths and features; ``cost(kind, i, j)`` of a bead ending at (i, j).

    The evidence of a pairing bead is a log-likelihood ratio over the features found on both
    sides of the document: a feature shared by the bead's two sides adds ``log(p / q)`` (p:
    the chance that a feature of its kind crosses into a translation, q: the chance that a
    random sentence has it), one on one side only adds ``log(1 - p)``. Features that never
    show on the other side of the document say nothing and are left out. A bead with one
    side empty has no evidence term: the prior of its kind is its whole cost.
    """

    def __init__(
        self,
        src_len: list[int],
        tgt_len: list[int],
        src_feats: list[set[str]],
        tgt_feats: list[set[str]],
        transfer: dict[str, float],
        src_par: list[int] | None,
        tgt_par: list[int] | None,
    ) -> None:
        self.n, self.m = len(src_len), len(tgt_len)
        self.src_len = _prefix([x + 1 for x in src_len])
        self.tgt_len = _prefix([x + 1 for x in tgt_len])
        total_src, total_tgt = self.src_len[-1], self.tgt_len[-1]
        self.ratio = min(2.0, max(0.5, total_tgt / total_src)) if total_src else 1.0
        df_src: Counter[str] = Counter(f for fs in src_feats for f in fs)
        df_tgt: Counter[str] = Counter(f for fs in tgt_feats for f in fs)
        shared = sorted(
            (df_src.keys() & df_tgt.keys())
            | {f for f in df_src.keys() ^ df_tgt.keys() if _kept_by_translators(f)}
        )
        self.names = shared
        number = {name: k for k, name in enumerate(shared)}
        self.kinds = [name[0] for name in shared]
        self.match: list[float] = []  # added when the feature is on both sides of a bead
        self.miss: list[float] = []  # added when it is on one side only
        for name in shared:
            p = min(0.95, max(1e-4, transfer.get(name[0], 0.3)))
            q = max(df_src[name] / self.n, df_tgt[name] / self.m, 1.0 / (self.n + self.m))
            scale = EVIDENCE_SCALE
            # A number nowhere on the other side of the text: its sentence was most likely
            # left out, so pairing it costs in full.
            one_sided = not (df_src[name] and df_tgt[name])
            miss = (1.0 if one_sided else scale) * math.log(1.0 - p)
            if name[0] == "L":  # a word has several learned translations: one may show
                miss = 0.0
            self.miss.append(miss)
            self.match.append(scale * max(0.0, math.log(p / q)) - 2.0 * miss)
        # Sentences with words or numbers of their own, shared or not.
        self.src_worded = [any(f[0] in "NW" for f in fs) for fs in src_feats]
        self.tgt_worded = [any(f[0] in "NW" for f in fs) for fs in tgt_feats]
        self.src_ids = [frozenset(number[f] for f in fs if f in number) for fs in src_feats]
        self.tgt_ids = [frozenset(number[f] for f in fs if f in number) for fs in tgt_feats]
        # Features that barely count (a lexicon of a few approvals) take no part in the
        # rules about sharing nothing below.
        weak = frozenset(k for k, name in enumerate(shared) if transfer.get(name[0], 0.3) < 0.05)
        self.weak = weak
        self.src_strong = [ids - weak for ids in self.src_ids]
        self.tgt_strong = [ids - weak for ids in self.tgt_ids]
        self.sharing = self._sharing_rate()
        self.kept = frozenset(
            k for k, name in enumerate(shared) if _kept_by_translators(name) and k not in weak
        )
        # Where nearly every sentence shares something with its translation, a pairing
        # whose numbers or dates disagree and that shares nothing else is most likely not
        # one: a dropped sentence beside an added line.
        self.unshared = UNSHARED_PENALTY if self.sharing >= UNSHARED_SHARING else 0.0
        self.src_groups = self._groups(self.src_ids)
        self.tgt_groups = self._groups(self.tgt_ids)
        sb, tb = _boundaries(src_par, self.n), _boundaries(tgt_par, self.m)
        self.sb: list[bool] | None = sb if sb and tb else None
        self.tb: list[bool] | None = tb if sb and tb else None

    def _sharing_rate(self) -> float:
        """How often a sentence shares a feature with the sentences near its place on the
        other side: high where names and cognates abound (Romanian and English), low
        across scripts. 0.0 for texts too short to tell."""
        n, m = self.n, self.m
        sharing = counted = 0
        for i, feats in enumerate(self.src_strong):
            if not feats:
                continue
            centre = round((i + 0.5) * m / n)
            near = self.tgt_strong[max(0, centre - 3) : centre + 3]
            counted += 1
            sharing += any(feats & other for other in near)
        if counted < 3:
            return 0.0
        return sharing / counted

    def _groups(self, feats: list[frozenset[int]]) -> list[list[tuple[frozenset[int], float]]]:
        """groups[d][k]: features of sentences k..k+d-1 and the sum of their miss terms."""
        miss = self.miss
        out: list[list[tuple[frozenset[int], float]]] = [[]]
        for d in range(1, MAX_SPAN + 1):
            row = []
            for k in range(len(feats) - d + 1):
                union = frozenset().union(*feats[k : k + d])
                row.append((union, sum(miss[f] for f in union)))
            out.append(row)
        return out

    def evidence(self, a: frozenset[int], b: frozenset[int], miss_a: float, miss_b: float):
        """The evidence log-likelihood ratio of two groups of features."""
        score = miss_a + miss_b
        common = a & b
        if common:
            match = self.match
            score += sum(match[f] for f in common)
        if self.unshared and not (common - self.weak) and self.kept & (a | b):
            score -= self.unshared
        return score

    def cost(self, kind: int, i: int, j: int) -> float:
        di, dj = KINDS[kind]
        cost = PRIOR_COST[kind]
        if not (di and dj):
            return cost
        ls = self.src_len[i] - self.src_len[i - di]
        lt = self.tgt_len[j] - self.tgt_len[j - dj]
        mean = (ls * self.ratio + lt) / 2.0
        cost += _length_cost((lt - ls * self.ratio) / math.sqrt(mean * LENGTH_VARIANCE))
        a, ma = self.src_groups[di][i - di]
        b, mb = self.tgt_groups[dj][j - dj]
        cost -= self.evidence(a, b, ma, mb)
        sb, tb = self.sb, self.tb
        if sb is not None and tb is not None:
            cost += self._paragraph_cost(sb, tb, i, j)
            cross_s = sum(sb[k] for k in range(i - di + 1, i))
            cross_t = sum(tb[k] for k in range(j - dj + 1, j))
            cost += CROSSING_PENALTY * abs(cross_s - cross_t)
        return cost

    def _paragraph_cost(self, sb: list[bool], tb: list[bool], i: int, j: int) -> float:
        """Penalty for a pairing bead ending at a paragraph end on one side only.

        Beads with one side empty are not checked, and a bead ending one sentence short of
        a paragraph end pays little, since an untranslated or target-only sentence there is
        common (a dropped closing line, a credit line opening the next paragraph).
        """
        if sb[i] == tb[j]:
            return 0.0
        if (tb[j] and i < self.n and sb[i + 1]) or (sb[i] and j < self.m and tb[j + 1]):
            return PARAGRAPH_PENALTY * NEAR_PARAGRAPH_SHARE
        return PARAGRAPH_PENALTY


def _kept_by_translators(feature: str) -> bool:
    """Months, and numbers from 10 up (smaller ones are often spelled out)."""
    if feature[0] == "M":
        return True
    if feature[0] != "N":
        return False
    try:
        return float(feature[2:]) >= 10
    except ValueError:
        return False


def _prefix(values: list[int]) -> list[int]:
    out = [0]
    for v in values:
        out.append(out[-1] + v)
    return out


def _anchors(scorer: _Scorer) -> list[tuple[int, int]]:
    """Sentence pairs sharing a number, name or learned word that is rare on both sides.

    Every pairing of the (at most ``ANCHOR_REPEATS``) occurrences is a candidate; only the
    longest chain in document order is kept, which drops chance matches.
    """
    where: dict[int, tuple[list[int], list[int]]] = {}
    names = scorer.names
    for side, groups in ((0, scorer.src_groups[1]), (1, scorer.tgt_groups[1])):
        for k, (feats, _) in enumerate(groups):
            for f in feats:
                if names[f][0] in ANCHOR_KINDS:
                    where.setdefault(f, ([], []))[side].append(k)
    candidates: set[tuple[int, int]] = set()
    for rows, cols in where.values():
        if 0 < len(rows) <= ANCHOR_REPEATS and 0 < len(cols) <= ANCHOR_REPEATS:
            candidates.update((i, j) for i in rows for j in cols)
    # Longest chain increasing on both sides (patience sorting; ties in i by falling j).
    points = sorted(candidates, key=lambda p: (p[0], -p[1]))
    tails: list[int] = []  # tails[k]: j at the end of the best chain of length k + 1
    ends: list[int] = []  # ends[k]: index in points of that chain's last point
    previous = [-1] * len(points)
    for index, (_, j) in enumerate(points):
        k = bisect.bisect_left(tails, j)
        previous[index] = ends[k - 1] if k else -1
        if k == len(tails):
            tails.append(j)
            ends.append(index)
        else:
            tails[k], ends[k] = j, index
    chain = []
    index = ends[-1] if ends else -1
    while index >= 0:
        chain.append(points[index])
        index = previous[index]
    return chain[::-1]


def _band(scorer: _Scorer, width: int) -> tuple[list[int], list[int]]:
    """Column range [lo[i], hi[i]] of every row around the expected path, rows overlapping.

    The expected path runs through the anchors and, between them, follows the cumulative
    character lengths, so merged, split and dropped sentences do not pull the best path far
    from the centre of the band.
    """
    n, m = scorer.n, scorer.m
    src_len, tgt_len = scorer.src_len, scorer.tgt_len
    centre = [0] * (n + 1)
    points = [(0, 0), *_anchors(scorer), (n, m)]
    for (i0, j0), (i1, j1) in zip(points, points[1:]):
        span_s = src_len[i1] - src_len[i0]
        scale = (tgt_len[j1] - tgt_len[j0]) / span_s if span_s else 0.0
        for i in range(i0, i1 + 1):
            target = tgt_len[j0] + (src_len[i] - src_len[i0]) * scale
            centre[i] = min(j1, max(j0, bisect.bisect_left(tgt_len, target, j0, j1 + 1)))
    return _rows(centre, centre, [width] * (n + 1), m)


def _band_around(path: list[tuple[int, int]], n: int, m: int, widths: list[int]):
    """A band around a path that touched the edge of the last one (row half-widths given)."""
    first, last = [m] * (n + 1), [0] * (n + 1)
    for i, j in path:
        first[i], last[i] = min(first[i], j), max(last[i], j)
    for i in range(1, n + 1):  # rows the path jumped over (2-1 and 3-1 beads)
        if first[i] > last[i]:
            first[i] = last[i] = last[i - 1]
    return _rows(first, last, widths, m)


def _rows(first: list[int], last: list[int], widths: list[int], m: int):
    """lo/hi per row from the columns to cover and the half-widths, monotone and overlapping."""
    lo = [max(0, j - w) for j, w in zip(first, widths)]
    hi = [min(m, j + w) for j, w in zip(last, widths)]
    lo[0], hi[-1] = 0, m  # the path starts at (0, 0) and ends at (n, m)
    for i in range(1, len(lo)):
        lo[i] = min(max(lo[i], lo[i - 1]), hi[i - 1])
        hi[i] = max(hi[i], hi[i - 1])
    return lo, hi


def _touching(path: list[tuple[int, int]], lo: list[int], hi: list[int], m: int) -> list[int]:
    """Rows where the path runs along an edge of the band that is not the matrix edge."""
    return [i for i, j in path if (j <= lo[i] + 1 and lo[i] > 0) or (j >= hi[i] - 1 and hi[i] < m)]


class _Unreachable(Exception):
    """The band does not connect the two corners (a safety net: search everything)."""


def _search(scorer: _Scorer, lo: list[int], hi: list[int]):
    """Viterbi over the band: the best path (list of states) and every bead cost computed.

    ``costs[i][(j - lo[i]) * K + kind]`` is the cost of the bead of that kind ending at
    (i, j), infinite where it leaves the band. Flat rows of floats (not a list per cell)
    keep the garbage collector's work, and so the time, linear in the length of the text.
    """
    n, m = scorer.n, scorer.m
    inf = math.inf
    count = len(KINDS)
    best = [[inf] * (hi[i] - lo[i] + 1) for i in range(n + 1)]
    back = [[-1] * (hi[i] - lo[i] + 1) for i in range(n + 1)]
    costs = [[inf] * ((hi[i] - lo[i] + 1) * count) for i in range(n + 1)]
    best[0][0] = 0.0
    cost = scorer.cost
    kinds = list(enumerate(KINDS))
    for i in range(n + 1):
        lo_i = lo[i]
        row_best, row_back, row_costs = best[i], back[i], costs[i]
        for j in range(lo_i, hi[i] + 1):
            if i == 0 and j == 0:
                continue
            top, arg, base = inf, -1, (j - lo_i) * count
            for kind, (di, dj) in kinds:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                prev = best[pi][pj - lo[pi]]
                if prev == inf:
                    continue
                c = cost(kind, i, j)
                row_costs[base + kind] = c
                if prev + c < top:
                    top, arg = prev + c, kind
            row_best[j - lo_i], row_back[j - lo_i] = top, arg
    if best[n][m - lo[n]] == inf:
        raise _Unreachable
    path = [(n, m)]
    i, j = n, m
    while (i, j) != (0, 0):
        di, dj = KINDS[back[i][j - lo[i]]]
        i, j = i - di, j - dj
        path.append((i, j))
    path.reverse()
    return path, costs


def _confidence_costs(
    costs: list[list[float]], path: list[tuple[int, int]], null_prior: float | None = None
) -> list[list[float]]:
    """Bead costs for the confidences: priors of bead kinds re-estimated from the kinds on
    ``path`` (or, with ``null_prior``, that chance for 1-0 and 0-1 beads), divided by
    ``TEMPERATURE`` since the model is surer than it should be.

    A text whose translator merged and split often makes every 1-1 bead less sure: its
    confidences come from priors that lean towards what the document itself shows.
    """
    seen = Counter((i - pi, j - pj) for (pi, pj), (i, j) in zip(path, path[1:]))
    beads = len(path) - 1
    shift = []
    for kind, prior in BEAD_PRIORS.items():
        own = (seen[kind] + PRIOR_STRENGTH * prior) / (beads + PRIOR_STRENGTH)
        if null_prior is not None and 0 in kind:
            own = null_prior
        shift.append(math.log(prior) - math.log(own))
    count = len(shift)
    shifts = [shift[k % count] for k in range(max(len(row) for row in costs))]
    t = TEMPERATURE
    return [[(c + d) / t for c, d in zip(row, shifts)] for row in costs]


def _doubts(scorer: _Scorer, path: list[tuple[int, int]]) -> list[str]:
    """For each bead of ``path``: why the model cannot judge it (a key of DOUBTS), or "".

    A posterior weighs only the alternatives the model has. It cannot judge an unpaired
    sentence (often one a translator merged into a neighbour rather than dropped), a bead
    of ``LONG_BEAD`` or more sentences (a real bead larger than the model's kinds is cut
    into pieces), a bead beside an unpaired sentence when their union is of no known kind
    or when the unpaired sentence shares evidence with the bead's other side that the bead's
    own side lacks, nor a bead one of whose sentences shows no sign of belonging (it has
    words or numbers, none shared with the other side: a credit line glued to a sentence). A
    pairing that shares nothing while numbers or dates translators keep are on one side
    only is most likely a dropped sentence beside an added line.
    """
    steps = [(pi, i, pj, j) for (pi, pj), (i, j) in zip(path, path[1:])]
    src, tgt = scorer.src_strong, scorer.tgt_strong
    out = []
    for k, (pi, i, pj, j) in enumerate(steps):
        di, dj = i - pi, j - pj
        if not (di and dj):
            out.append("unpaired")
            continue
        if di + dj >= LONG_BEAD:
            out.append("long")
            continue
        ours_s = frozenset().union(*src[pi:i])
        ours_t = frozenset().union(*tgt[pj:j])
        reason = ""
        if not ours_s & ours_t and scorer.kept & (ours_s | ours_t):
            reason = "unshared"
        for near in (k - 1, k + 1):
            if not 0 <= near < len(steps):
                continue
            a0, a1, b0, b1 = steps[near]
            if a1 > a0 and b1 > b0:
                continue
            if (di + a1 - a0, dj + b1 - b0) not in BEAD_PRIORS:
                reason = "beside-unpaired"
            elif a1 > a0 and (frozenset().union(*src[a0:a1]) & ours_t) - ours_s:
                reason = "beside-unpaired"
            elif b1 > b0 and (frozenset().union(*tgt[b0:b1]) & ours_s) - ours_t:
                reason = "beside-unpaired"
        if not reason and (
            (di > 1 and _stray(src[pi:i], scorer.src_worded[pi:i], ours_t))
            or (dj > 1 and _stray(tgt[pj:j], scorer.tgt_worded[pj:j], ours_s))
        ):
            reason = "stray"
        out.append(reason)
    return out


def _stray(feats: list[frozenset[int]], worded: list[bool], other: frozenset[int]) -> bool:
    """Whether one of these sentences has words or numbers but shares nothing with ``other``."""
    return any(has_words and not f & other for f, has_words in zip(feats, worded))


def _posteriors(scorer: _Scorer, lo, hi, costs, path) -> list[float]:
    """Posterior probability of each bead of ``path`` (forward-backward over soft-min costs)."""
    n, m = scorer.n, scorer.m
    inf = math.inf
    t = 1.0
    exp, log = math.exp, math.log
    count = len(KINDS)
    kinds = list(enumerate(KINDS))
    fwd = [[inf] * (hi[i] - lo[i] + 1) for i in range(n + 1)]
    fwd[0][0] = 0.0
    for i in range(n + 1):
        lo_i, row = lo[i], costs[i]
        for j in range(lo_i, hi[i] + 1):
            if i == 0 and j == 0:
                continue
            base = (j - lo_i) * count
            values = []
            for kind, (di, dj) in kinds:
                c = row[base + kind]
                if c < inf:
                    prev = fwd[i - di][j - dj - lo[i - di]]
                    if prev < inf:
                        values.append(prev + c)
            if values:
                top = min(values)
                fwd[i][j - lo_i] = top - t * log(sum(exp((top - v) / t) for v in values))
    bwd = [[inf] * (hi[i] - lo[i] + 1) for i in range(n + 1)]
    bwd[n][m - lo[n]] = 0.0
    for i in range(n, -1, -1):
        lo_i, row = lo[i], costs[i]
        for j in range(hi[i], lo_i - 1, -1):
            after = bwd[i][j - lo_i]
            if after == inf:
                continue
            base = (j - lo_i) * count
            for kind, (di, dj) in kinds:
                c = row[base + kind]
                if c == inf:
                    continue
                cell, k = bwd[i - di], j - dj - lo[i - di]
                value, old = after + c, cell[k]
                if old == inf:
                    cell[k] = value
                else:
                    cell[k] = min(old, value) - t * math.log1p(exp(-abs(old - value) / t))
    total = fwd[n][m - lo[n]]
    out = []
    for (pi, pj), (i, j) in zip(path, path[1:]):
        c = costs[i][(j - lo[i]) * count + KINDS.index((i - pi, j - pj))]
        score = fwd[pi][pj - lo[pi]] + c + bwd[i][j - lo[i]] - total
        out.append(max(0.0, min(1.0, exp(-score / t))))
    return out


def align(
    src: list[str],
    tgt: list[str],
    source_lang: str,
    target_lang: str,
    *,
    source_paragraphs: list[int] | None = None,
    target_paragraphs: list[int] | None = None,
    lexicon: Lexicon | None = None,
) -> list[Bead]:
    """Align source segments with target sentences; beads cover every index once, in order.

    Paragraph numbers (one per sentence) make paragraph ends soft anchors; a lexicon
    learned from approved pairs adds word-translation evidence.
    """
    n, m = len(src), len(tgt)
    if not n or not m:
        return [Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)]
    # The search makes many small objects and no reference cycles. Python's cyclic garbage
    # collector would rescan them all, again and again, as they pile up: time would grow
    # faster than the text. It is paused while aligning.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _align(src, tgt, source_lang, target_lang, source_paragraphs,
                      target_paragraphs, lexicon)  # fmt: skip
    finally:
        if collecting:
            gc.enable()


def _align(
    src: list[str],
    tgt: list[str],
    source_lang: str,
    target_lang: str,
    source_paragraphs: list[int] | None,
    target_paragraphs: list[int] | None,
    lexicon: Lexicon | None,
) -> list[Bead]:
    sf = [sentence_features(s, source_lang, lexicon, "source") for s in src]
    tf = [sentence_features(t, target_lang, lexicon, "target") for t in tgt]
    transfer = dict(TRANSFER)
    if lexicon is not None:
        transfer["L"] = lexicon_transfer(lexicon.pairs)
    scorer = _Scorer(
        [len(s) for s in src],
        [len(t) for t in tgt],
        sf,
        tf,
        transfer,
        source_paragraphs,
        target_paragraphs,
    )
    path, lo, hi, costs = _best_path(scorer)
    confidences = _posteriors(scorer, lo, hi, _confidence_costs(costs, path), path)
    doubts = _doubts(scorer, path)
    steps = list(zip(path, path[1:]))
    unpaired = [False, *(i == pi or j == pj for (pi, pj), (i, j) in steps), False]
    beside = [not unpaired[k + 1] and (unpaired[k] or unpaired[k + 2]) for k in range(len(steps))]
    if any(beside):
        # Beside an unpaired sentence, a bead must also be likely for a translator who
        # rarely drops or adds a sentence, and would rather have merged it into the bead.
        rare = _confidence_costs(costs, path, RARE_NULL_PRIOR)
        for k, p in enumerate(_posteriors(scorer, lo, hi, rare, path)):
            if beside[k]:
                confidences[k] = min(confidences[k], p)
    return [
        Bead(
            tuple(range(pi, i)),
            tuple(range(pj, j)),
            min(conf, DOUBT) if doubt else conf,
            doubt,
        )
        for ((pi, pj), (i, j)), conf, doubt in zip(steps, confidences, doubts)
    ]


def lexicon_transfer(pairs: int) -> float:
    """How much a learned translation counts, by the number of pairs the lexicon was
    learned from: next to nothing from one article's approvals, ``TRANSFER["L"]`` from
    thousands. A lexicon of a few approvals cannot make an alignment worse."""
    return TRANSFER["L"] * pairs / (pairs + LEXICON_SUPPORT)


def _best_path(scorer: _Scorer):
    """The best path in a band widened where the path presses against its edge.

    Widening stops when the cells searched in all rounds would pass ``SEARCH_BUDGET``
    times those of the first band (and no row is wider than ``MAX_BAND``), so the time
    stays linear in the length of the text even where nothing anchors the path.
    """
    n, m = scorer.n, scorer.m
    lo, hi = _band(scorer, BAND)
    widths = [BAND] * (n + 1)
    budget = SEARCH_BUDGET * _cells(lo, hi)
    spent = 0
    for _ in range(MAX_ROUNDS):
        try:
            path, costs = _search(scorer, lo, hi)
        except _Unreachable:
            lo, hi = [0] * (n + 1), [m] * (n + 1)
            path, costs = _search(scorer, lo, hi)
        spent += _cells(lo, hi)
        touched = _touching(path, lo, hi, m)
        if not touched:
            break
        # Widen the band only around the rows where the path pressed against its edge.
        grown = widths[:]
        for i in touched:
            wider = min(MAX_BAND, 2 * widths[i])
            for k in range(max(0, i - wider), min(n, i + wider) + 1):
                grown[k] = max(grown[k], wider)
        if grown == widths:
            break
        new_lo, new_hi = _band_around(path, n, m, grown)
        if spent + _cells(new_lo, new_hi) > budget:
            break
        widths, lo, hi = grown, new_lo, new_hi
    return path, lo, hi, costs


def _cells(lo: list[int], hi: list[int]) -> int:
    return sum(top - bottom + 1 for bottom, top in zip(lo, hi))
