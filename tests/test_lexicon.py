"""The bilingual lexicon: learning from approved pairs, JSON round trip, help to the aligner."""

from __future__ import annotations

import itertools
import random

import pytest

from tool.core.align import REVIEW_THRESHOLD, TRANSFER, align, format_bead, lexicon_transfer
from tool.core.lexicon import Lexicon
from tool.errors import InputError

SUBJECTS = [
    ("Câinele", "The dog"),
    ("Pisica", "The cat"),
    ("Vecinul", "The neighbour"),
    ("Copilul", "The child"),
    ("Bunica", "Grandmother"),
]
VERBS = [("doarme", "sleeps"), ("mănâncă", "eats"), ("cântă", "sings"), ("aleargă", "runs")]
PLACES = [
    ("în grădină", "in the garden"),
    ("acasă", "at home"),
    ("pe stradă", "on the street"),
    ("la școală", "at school"),
]
PAIRS = [
    (f"{s} {v} {p}.", f"{se} {ve} {pe}.")
    for (s, se), (v, ve), (p, pe) in itertools.product(SUBJECTS, VERBS, PLACES)
]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.learn(PAIRS, source_lang="ro", target_lang="en")


def test_learns_word_translations(lexicon):
    assert max(lexicon.translations("câinele"), key=lexicon.translations("câinele").get) == "dog"
    assert "sleep" in lexicon.translations("doarme")
    assert "grand" in lexicon.translations("Bunica")  # any case, any diacritics
    assert lexicon.knows_target("sleeps") and not lexicon.knows_target("zebra")
    assert lexicon.pairs == len(PAIRS)


def test_keeps_only_a_few_translations_per_word(lexicon):
    assert all(1 <= len(options) <= 3 for options in lexicon.table.values())
    assert all(0.0 < v <= 1.0 for options in lexicon.table.values() for v in options.values())


def test_words_seen_once_are_not_learned():
    lexicon = Lexicon.learn(
        [("Zebra aleargă.", "The zebra runs.")], source_lang="ro", target_lang="en"
    )
    assert len(lexicon) == 0


def test_score_of_a_pair(lexicon):
    assert lexicon.score("Câinele doarme acasă.", "The dog sleeps at home.") == 1.0
    assert lexicon.score("Câinele doarme acasă.", "The cat runs on the street.") < 0.5


def test_json_round_trip(lexicon):
    again = Lexicon.from_json(lexicon.to_json())
    assert again.table == lexicon.table
    assert (again.source_lang, again.target_lang, again.pairs) == ("ro", "en", len(PAIRS))
    assert again.knows_target("sleeps")


def test_empty_lexicon_round_trip():
    empty = Lexicon.learn([], source_lang="ro", target_lang="en")
    assert len(empty) == 0
    assert Lexicon.from_json(empty.to_json()).table == {}


@pytest.mark.parametrize("text", ["", "not json", "[]", '{"table": 5}', '{"table": {"a": 1}}'])
def test_bad_json_is_an_input_error(text):
    with pytest.raises(InputError):
        Lexicon.from_json(text)


HARD_RO = [
    "Câinele doarme acasă.",
    "Pisica cântă pe stradă.",
    "Copilul aleargă în grădină.",
    "Bunica mănâncă la școală.",
]
HARD_EN = [
    "The dog sleeps at home.",
    "The child runs in the garden.",
    "Grandmother eats at school.",
]


def test_a_well_supported_lexicon_finds_the_dropped_sentence():
    # No numbers, names or cognates; one sentence was left untranslated and the lengths
    # alone cannot tell which one.
    rnd = random.Random(1)
    chosen = rnd.sample(PAIRS, 16)
    drop = 10
    ro = [a for a, _ in chosen]
    en = [b for k, (_, b) in enumerate(chosen) if k != drop]
    expected = [f"[{k}]:[{k - (k > drop)}]" if k != drop else f"[{k}]:[]" for k in range(16)]
    lexicon = Lexicon.learn(PAIRS * 10, source_lang="ro", target_lang="en")
    without = align(ro, en, "ro", "en")
    learned = align(ro, en, "ro", "en", lexicon=lexicon)
    assert [format_bead(b) for b in without] != expected
    assert [format_bead(b) for b in learned] == expected
    # The unpaired sentence and its neighbours go to a person.
    assert [b.confidence < REVIEW_THRESHOLD for b in learned[drop - 1 : drop + 2]] == [True] * 3


def test_a_lexicon_from_few_pairs_barely_counts():
    assert (
        lexicon_transfer(20) < 0.1 * TRANSFER["L"] < 0.9 * TRANSFER["L"] < lexicon_transfer(10_000)
    )
    few = Lexicon.learn(PAIRS[:20], source_lang="ro", target_lang="en")
    assert [format_bead(b) for b in align(HARD_RO, HARD_EN, "ro", "en", lexicon=few)] == [
        format_bead(b) for b in align(HARD_RO, HARD_EN, "ro", "en")
    ]


def test_translations_seen_in_few_pairs_score_less(lexicon):
    once = Lexicon.learn(PAIRS[:8] * 2, source_lang="ro", target_lang="en")
    assert max(once.translations("câinele").values()) < max(
        lexicon.translations("câinele").values()
    )


def _alignments(db, corpus, names):
    from tool.services.translations import import_translations

    results = import_translations(
        db, [corpus / "translations" / "en" / f"{name}.md" for name in names], user="root"
    )
    alignments = {r.article_id: r.alignment for r in results}
    return alignments, {r.article_id: (r.translated, r.needs_review) for r in results}


def test_approving_one_article_leaves_the_others_aligned_as_before(tmp_path):
    """Through the services: approvals of one article teach the lexicon little, and never
    change how the other articles align."""
    import shutil
    from pathlib import Path

    from tool.db.connection import open_database
    from tool.services.importer import import_originals
    from tool.services.lexicon_store import load_lexicon
    from tool.services.review import approve_article
    from tool.services.users import add_user

    project = Path(__file__).resolve().parents[1]
    corpus = tmp_path / "corpus"
    for folder in ("originals", "translations"):
        shutil.copytree(project / folder, corpus / folder)
    names = sorted(p.stem for p in (corpus / "originals" / "ro").glob("*.md"))
    approved, others = names[0], names[1:]

    def desk(name: str):
        db = open_database(tmp_path / f"{name}.db")
        add_user(db, "root", "admin", by="root")
        add_user(db, "ed", "editor", ["en"], by="root")
        import_originals(db, [corpus / "originals" / "ro" / f"{n}.md" for n in names], user="root")
        return db

    fresh = desk("fresh")
    before, before_counts = _alignments(fresh, corpus, others)
    learning = desk("learning")
    _alignments(learning, corpus, [approved])
    assert approve_article(learning, approved, "en", "ed").approved
    lexicon = load_lexicon(learning, "ro", "en")
    assert lexicon is not None and len(lexicon) > 0
    after, after_counts = _alignments(learning, corpus, others)
    assert after == before
    for name in others:  # no more beads sent to review than before
        assert after_counts[name][1] <= before_counts[name][1]
