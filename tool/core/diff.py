"""Matching the segments of an edited original against the stored ones.

Unchanged sentences are found first in order (difflib), then moved ones (same text
elsewhere), then edited ones: leftover old and new sentences that are similar enough,
preferring those between the same unchanged neighbours.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from rapidfuzz import fuzz

# Two sentences at least this similar (0-100, rapidfuzz ratio) are "the same sentence,
# edited": a typo fix or a changed figure scores well above, a different sentence below.
EDIT_SIMILARITY = 60.0


@dataclass
class SegmentMatch:
    """How old segments map onto new ones. Indexes are positions in the two lists."""

    same: list[tuple[int, int]] = field(default_factory=list)  # identical text, in order
    moved: list[tuple[int, int]] = field(default_factory=list)  # identical text, elsewhere
    edited: list[tuple[int, int, float]] = field(default_factory=list)  # similar text, score
    removed: list[int] = field(default_factory=list)  # old segments with no new counterpart
    added: list[int] = field(default_factory=list)  # new segments with no old counterpart

    @property
    def changed(self) -> bool:
        return bool(self.moved or self.edited or self.removed or self.added) or any(
            i != j for i, j in self.same
        )


def match_segments(old: Sequence[str], new: Sequence[str]) -> SegmentMatch:
    """Map old segment texts to new ones; every index appears exactly once in the result."""
    result = SegmentMatch()
    matcher = SequenceMatcher(a=list(old), b=list(new), autojunk=False)
    old_left: set[int] = set(range(len(old)))
    new_left: set[int] = set(range(len(new)))
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            result.same.append((block.a + k, block.b + k))
            old_left.discard(block.a + k)
            new_left.discard(block.b + k)

    by_text: dict[str, list[int]] = defaultdict(list)
    for i in sorted(old_left):
        by_text[old[i]].append(i)
    for j in sorted(new_left):
        if by_text.get(new[j]):
            i = by_text[new[j]].pop(0)
            result.moved.append((i, j))
            old_left.discard(i)
            new_left.discard(j)

    anchors = sorted(result.same + result.moved)
    candidates = []
    for i in old_left:
        for j in new_left:
            score = fuzz.ratio(old[i], new[j])
            if score >= EDIT_SIMILARITY:
                # Prefer pairs that sit between the same unchanged neighbours.
                candidates.append((-_same_gap(anchors, i, j), -score, abs(i - j), i, j, score))
    for *_, i, j, score in sorted(candidates):
        if i in old_left and j in new_left:
            result.edited.append((i, j, score))
            old_left.discard(i)
            new_left.discard(j)

    result.removed = sorted(old_left)
    result.added = sorted(new_left)
    result.same.sort()
    result.moved.sort()
    result.edited.sort()
    return result


def _same_gap(anchors: list[tuple[int, int]], i: int, j: int) -> int:
    """1 when no anchor separates old i from new j (they sit in the same gap), else 0."""
    for a, b in anchors:
        if (a < i) != (b < j):
            return 0
    return 1
