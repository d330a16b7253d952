"""The sentence aligner: bead kinds, coverage properties, bead text form, evidence, CLI."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SHARED
from tool.core.align import (
    BEAD_PRIORS,
    DOUBTS,
    REVIEW_THRESHOLD,
    Bead,
    align,
    format_bead,
)
from tool.core.evidence import sentence_features
from tool.core.numbers import number_value, read_numbers, separators
from tool.errors import InputError

RO = [
    "Guvernul a aprobat miercuri un buget de 1.250 de milioane de lei pentru spitale.",
    "Ministrul Sănătății, Alexandru Rafila, a declarat că banii vor ajunge la 42 de unități.",
    "Inflația a scăzut la 5,5% în luna mai, potrivit Institutului Național de Statistică.",
    "Președintele Klaus Iohannis va vizita Parisul pe 19 iunie.",
    "Acolo se va întâlni cu Emmanuel Macron.",
    "Opoziția a criticat decizia și a cerut demisia premierului.",
]
EN = [
    "The government approved on Wednesday a budget of 1,250 million lei for hospitals.",
    "Health Minister Alexandru Rafila said the money would reach 42 units.",
    "Inflation fell to 5.5% in May, according to the National Institute of Statistics.",
    "President Klaus Iohannis will visit Paris on June 19.",
    "There he will meet Emmanuel Macron.",
    "The opposition criticised the decision and called for the prime minister's resignation.",
]


_BEAD_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


def parse_bead(line: str) -> Bead:
    """Read a bead written by ``format_bead`` (confidence 1.0); InputError on a bad line."""
    match = _BEAD_LINE.match(line)
    if not match:
        raise InputError(f"not a bead: {line.strip()!r}")
    sides = []
    for group in match.groups():
        parts = [p.strip() for p in group.split(",")] if group.strip() else []
        if any(not p.isdigit() for p in parts):
            raise InputError(f"not a bead: {line.strip()!r}")
        sides.append(tuple(int(p) for p in parts))
    if not sides[0] and not sides[1]:
        raise InputError(f"empty bead: {line.strip()!r}")
    return Bead(sides[0], sides[1], 1.0)


def pairs(beads: list[Bead]) -> list[str]:
    return [format_bead(b) for b in beads]


def assert_covers(beads: list[Bead], n: int, m: int) -> None:
    """Every index once, in order, and no empty bead."""
    assert [i for b in beads for i in b.source] == list(range(n))
    assert [j for b in beads for j in b.target] == list(range(m))
    assert all(b.source or b.target for b in beads)
    last_i = last_j = -1
    for b in beads:
        if b.source:
            assert b.source[0] == last_i + 1
            last_i = b.source[-1]
        if b.target:
            assert b.target[0] == last_j + 1
            last_j = b.target[-1]


def test_one_to_one():
    beads = align(RO, EN, "ro", "en")
    assert pairs(beads) == [f"[{k}]:[{k}]" for k in range(6)]
    assert all(b.confidence >= REVIEW_THRESHOLD for b in beads)


def test_two_source_sentences_in_one_target_sentence():
    en = EN[:3] + ["President Klaus Iohannis will visit Paris on June 19 to meet Emmanuel Macron."]
    en += EN[5:]
    assert pairs(align(RO, en, "ro", "en"))[3:] == ["[3, 4]:[3]", "[5]:[4]"]


def test_one_source_sentence_in_two_target_sentences():
    ro = (
        RO[:3]
        + [
            "Președintele Klaus Iohannis va vizita Parisul pe 19 iunie, unde se va întâlni cu "
            "Emmanuel Macron."
        ]
        + RO[5:]
    )
    assert pairs(align(ro, EN, "ro", "en"))[3:] == ["[3]:[3, 4]", "[4]:[5]"]


def test_untranslated_source_sentence():
    en = EN[:1] + EN[2:]
    assert pairs(align(RO, en, "ro", "en"))[:3] == ["[0]:[0]", "[1]:[]", "[2]:[1]"]


def test_target_only_credit_line():
    en = ["Translated from the Romanian original by the newsroom."] + EN
    beads = align(RO, en, "ro", "en")
    assert pairs(beads)[:2] == ["[]:[0]", "[0]:[1]"]


def test_empty_inputs():
    assert align([], [], "ro", "en") == []
    assert pairs(align(["Una.", "Două."], [], "ro", "en")) == ["[0]:[]", "[1]:[]"]
    assert pairs(align([], ["One."], "ro", "en")) == ["[]:[0]"]


def test_paragraphs_are_anchors():
    ro = ["Prima frază.", "A doua frază, mai lungă decât prima.", "A treia."]
    en = ["First sentence, rather long.", "Second.", "Third sentence here."]
    # Without structure lengths decide; with paragraphs [0, 1] | [2] on both sides the
    # paragraph end holds.
    beads = align(ro, en, "ro", "en", source_paragraphs=[0, 0, 1], target_paragraphs=[0, 0, 1])
    assert beads[-1].source == (2,) and beads[-1].target == (2,)


def test_paragraph_merge_does_not_break_alignment():
    src_par = [0, 0, 1, 1, 2, 2]
    tgt_par = [0, 0, 0, 0, 1, 1]  # the translator merged the first two paragraphs
    beads = align(RO, EN, "ro", "en", source_paragraphs=src_par, target_paragraphs=tgt_par)
    assert pairs(beads) == [f"[{k}]:[{k}]" for k in range(6)]


def test_one_sentence_per_paragraph_does_not_block_merges():
    en = EN[:3] + ["President Klaus Iohannis will visit Paris on June 19 to meet Emmanuel Macron."]
    en += EN[5:]
    beads = align(
        RO, en, "ro", "en", source_paragraphs=list(range(6)), target_paragraphs=list(range(5))
    )
    assert pairs(beads)[3:] == ["[3, 4]:[3]", "[5]:[4]"]


def test_confidence_lower_on_garbage():
    good = align(RO[:2], EN[:2], "ro", "en")
    garbage = align(
        RO[:2], ["Lorem ipsum dolor sit amet.", "Quux frobnicates the widget."], "ro", "en"
    )
    assert all(0.0 <= b.confidence <= 1.0 for b in good + garbage)
    assert min(b.confidence for b in good) > max(b.confidence for b in garbage)


@pytest.mark.parametrize(
    ("token", "lang", "value"),
    [
        ("5,5", "ro", "5.5"),
        ("5.5", "en", "5.5"),
        ("1.000", "ro", "1000"),
        ("1,000", "en", "1000"),
        ("1.250.000,75", "ro", "1250000.75"),
        ("2016", "en", "2016"),
        ("007", "ro", "7"),
        ("17 500", "ru", "17500"),
        ("1\u00a0000,5", "fr", "1000.5"),
    ],
)
def test_numbers_read_in_their_locale(token, lang, value):
    (number,) = read_numbers(token, lang)
    assert number.text == token
    assert ("value", Decimal(value)) in number.keys
    decimal, group = separators(lang)[0]
    assert number_value(
        token.replace(" ", group).replace("\u00a0", group), decimal, group
    ) == Decimal(value)


def test_number_and_date_features_match_across_languages():
    ro = sentence_features("Inflația a fost de 5,5% pe 19 iunie.", "ro")
    en = sentence_features("Inflation was 5.5% on June 19.", "en")
    assert {"N:5.5", "N:19", "M:6"} <= ro & en
    # "mai" (more) and "luni" (months) are months and weekdays only near a number
    assert not {f for f in sentence_features("Este mai bine de 4 luni.", "ro") if f[0] in "MD"}


def test_numbers_decide_which_sentence_was_translated():
    ro = [
        "Inflația a fost de 5,5% în iunie.",
        "Șomajul a scăzut la 3,2% în aceeași lună, după o perioadă lungă.",
    ]
    en = ["Unemployment was 3.2%."]
    beads = align(ro, en, "ro", "en")
    assert pairs(beads) == ["[0]:[]", "[1]:[0]"]
    # Beside an unpaired sentence, the pairing goes to a person all the same.
    assert all(b.confidence < REVIEW_THRESHOLD for b in beads)


def test_format_and_parse_round_trip():
    for bead in (Bead((0,), (0,)), Bead((1, 2), (1,)), Bead((3,), ()), Bead((), (4,))):
        assert parse_bead(format_bead(bead)) == bead
    assert format_bead(Bead((1, 2), (1,), 0.3)) == "[1, 2]:[1]"
    assert parse_bead("  [1,2] : [3]\n") == Bead((1, 2), (3,))


@pytest.mark.parametrize("line", ["", "[0]", "[a]:[1]", "[0]:[1]x", "[]:[]", "[0,,1]:[2]", "0:1"])
def test_parse_rejects_bad_lines(line):
    with pytest.raises(InputError):
        parse_bead(line)


WORDS = ["casa", "guvern", "12", "Ion", "5,5", "pace", "lume", "azi", "nou", "vechi", "mare"]
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(
    lambda w: " ".join(w) + "."
)


@settings(max_examples=60, deadline=None)
@given(st.lists(sentence, max_size=30), st.lists(sentence, max_size=30))
def test_every_index_once_in_order(src, tgt):
    beads = align(src, tgt, "ro", "en")
    assert_covers(beads, len(src), len(tgt))
    assert all(0.0 <= b.confidence <= 1.0 for b in beads)


@settings(max_examples=30, deadline=None)
@given(st.lists(sentence, min_size=1, max_size=25), st.data())
def test_coverage_with_paragraphs(src, data):
    tgt = data.draw(st.lists(sentence, min_size=1, max_size=25))
    sp = sorted(data.draw(st.lists(st.integers(0, 4), min_size=len(src), max_size=len(src))))
    tp = sorted(data.draw(st.lists(st.integers(0, 4), min_size=len(tgt), max_size=len(tgt))))
    beads = align(src, tgt, "ro", "en", source_paragraphs=sp, target_paragraphs=tp)
    assert_covers(beads, len(src), len(tgt))


def test_long_lopsided_documents():
    src = [f"Propoziția numărul {k} despre guvern." for k in range(3)]
    tgt = [f"Sentence number {k} about the government." for k in range(60)]
    assert_covers(align(src, tgt, "ro", "en"), 3, 60)
    assert_covers(align(tgt, src, "en", "ro"), 60, 3)


# --- the align command -----------------------------------------------------------------


@pytest.fixture
def texts(tmp_path):
    ro = tmp_path / "a.ro"
    en = tmp_path / "a.en"
    ro.write_text(
        "Guvernul a aprobat bugetul de 5,5 miliarde. Ministrul a spus că e bine.\n\n"
        "Președintele Klaus Iohannis va vizita Parisul pe 19 iunie.\n",
        encoding="utf-8",
    )
    en.write_text(
        "The government approved the 5.5 billion budget. The minister said it was good.\n\n"
        "President Klaus Iohannis will visit Paris on June 19.\n",
        encoding="utf-8",
    )
    return ro, en


def test_cli_beads(run, texts):
    result = run("align", *texts, "--source-lang", "ro", "--target-lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output == "[0]:[0]\n[1]:[1]\n[2]:[2]\n"


def test_cli_presegmented(run, texts):
    result = run("align", *texts, "--presegmented")
    assert result.exit_code == 0, result.output
    assert result.output == "[0]:[0]\n[1]:[1]\n"


def test_cli_tsv(run, texts):
    result = run("align", *texts, "--format", "tsv")
    lines = result.output.splitlines()
    assert len(lines) == 3
    source, target, confidence = lines[2].split("\t")
    assert source == "Președintele Klaus Iohannis va vizita Parisul pe 19 iunie."
    assert target == "President Klaus Iohannis will visit Paris on June 19."
    assert 0.0 <= float(confidence) <= 1.0 and len(confidence.split(".")[1]) == 3


def test_cli_jsonl(run, texts):
    result = run("align", *texts, "--format", "jsonl")
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [set(r) for r in rows] == [
        {"source", "target", "source_index", "target_index", "confidence"}
    ] * 3
    assert rows[0]["source_index"] == [0] and rows[0]["target_index"] == [0]
    assert rows[0]["target"] == "The government approved the 5.5 billion budget."


def test_cli_presegmented_merge(run, tmp_path):
    ro, en = tmp_path / "m.ro", tmp_path / "m.en"
    ro.write_text("\n".join(RO) + "\n", encoding="utf-8")
    merged = "President Klaus Iohannis will visit Paris on June 19 to meet Emmanuel Macron."
    en.write_text("\n".join([*EN[:3], merged, EN[5]]) + "\n", encoding="utf-8")
    result = run("align", ro, en, "--presegmented")
    assert result.output.splitlines() == ["[0]:[0]", "[1]:[1]", "[2]:[2]", "[3, 4]:[3]", "[5]:[4]"]


def test_cli_empty_target(run, texts, tmp_path):
    empty = tmp_path / "empty.en"
    empty.write_text("", encoding="utf-8")
    result = run("align", texts[0], empty, "--presegmented")
    assert result.exit_code == 0
    assert result.output == "[0]:[]\n[1]:[]\n"


def test_cli_unknown_language(run, texts):
    result = run("align", *texts, "--source-lang", "xx-nope")
    assert result.exit_code == 1
    assert result.stderr == "Error: unknown language: 'xx-nope'\n"
    assert result.stdout == ""


def test_paragraph_numbers_must_match_sentences():
    with pytest.raises(ValueError):
        align(RO, EN, "ro", "en", source_paragraphs=[0, 1], target_paragraphs=[0] * 6)


def test_dropped_paragraph_far_from_the_diagonal():
    """A translation missing a long stretch still aligns (the band follows the anchors)."""
    src = [
        f"Știrea {k}: ministrul {name} a anunțat {k * 7} de măsuri."
        for k, name in enumerate(
            ["Popescu", "Ionescu", "Georgescu", "Vasilescu", "Dumitrescu"] * 12
        )
    ]
    tgt = [
        f"News {k}: minister {name} announced {k * 7} measures."
        for k, name in enumerate(
            ["Popescu", "Ionescu", "Georgescu", "Vasilescu", "Dumitrescu"] * 12
        )
    ]
    kept = tgt[:10] + tgt[40:]
    beads = align(src, kept, "ro", "en")
    assert_covers(beads, len(src), len(kept))
    assert [format_bead(b) for b in beads[:10]] == [f"[{k}]:[{k}]" for k in range(10)]
    assert all(not b.target for b in beads[10:40])
    assert format_bead(beads[40]) == "[40]:[10]" and format_bead(beads[-1]) == "[59]:[29]"


def test_a_dropped_last_sentence_and_a_credit_line_are_never_paired_with_confidence():
    ro = RO[:3] + ["Legea intră în vigoare la 1 ianuarie 2026."]
    en = EN[:3] + ["Translated by the English desk."]
    beads = align(
        ro, en, "ro", "en", source_paragraphs=[1, 1, 2, 3], target_paragraphs=[1, 1, 2, 3]
    )
    assert pairs(beads)[:3] == ["[0]:[0]", "[1]:[1]", "[2]:[2]"]
    last = [b for b in beads if 3 in b.source or 3 in b.target]
    assert all(b.confidence < REVIEW_THRESHOLD for b in last)


def test_credit_lines_in_their_own_paragraphs_stay_apart():
    en = ["World", "Government approves hospital budget", "AFP", *EN[:3]]
    ro = ["Guvernul aprobă bugetul spitalelor", *RO[:3]]
    beads = align(ro, en, "ro", "en", source_paragraphs=[0, 1, 1, 2],
                  target_paragraphs=[1, 2, 3, 4, 4, 5])  # fmt: skip
    assert pairs(beads)[:4] == ["[]:[0]", "[0]:[1]", "[]:[2]", "[1]:[3]"]


def test_an_anchor_far_from_the_diagonal_still_leaves_a_path():
    """Found by hypothesis: a shared number pulled the band off the start corner."""
    beads = align(["12."], ["casa."] * 7 + ["12."], "ro", "en")
    assert [j for b in beads for j in b.target] == list(range(8))
    assert [i for b in beads for i in b.source] == [0]
    beads = align(["casa."] * 7 + ["12."], ["12."], "ro", "en")
    assert [i for b in beads for i in b.source] == list(range(8))


@settings(max_examples=40, deadline=None)
@given(st.lists(sentence, min_size=1, max_size=20))
def test_beads_are_of_known_kinds_and_a_text_aligns_with_itself(src):
    """Every bead is of a kind the aligner knows; a text aligned with itself is 1-1."""
    beads = align(src, src, "ro", "ro")
    assert all((len(b.source), len(b.target)) in BEAD_PRIORS for b in beads)
    assert all(len(b.source) == len(b.target) for b in beads)


@settings(max_examples=30, deadline=None)
@given(st.lists(sentence, min_size=2, max_size=20))
def test_capitals_do_not_matter(src):
    """Lower-cased or all-caps text gives the same alignment as the text as written."""
    tgt = src[::2]
    expected = pairs(align(src, tgt, "ro", "en"))
    assert pairs(align(src, [t.lower() for t in tgt], "ro", "en")) == expected
    assert pairs(align([s.upper() for s in src], tgt, "ro", "en")) == expected


def test_names_and_numbers_meet_across_scripts():
    ro = sentence_features("Plajele din Auckland au 17.500 de vizitatori pe 3 mai.", "ro")
    ru = sentence_features("На пляжах Окленда 17 500 посетителей 3 мая.", "ru")
    assert {"N:17500", "M:5", "N:3"} <= ro & ru
    assert any(f.startswith("S:") for f in ro & ru)  # Auckland / Окленд: one skeleton


def test_cli_reads_article_files(run):
    project = Path(__file__).resolve().parents[1]
    name = "buget-bucuresti-2026"
    result = run(
        "align",
        str(project / "originals" / "ro" / f"{name}.md"),
        str(project / "translations" / "en" / f"{name}.md"),
        "--format",
        "jsonl",
    )
    assert result.exit_code == 0, result.output
    beads = [json.loads(line) for line in result.output.splitlines()]
    assert beads[0]["source"] == "Consiliul General a aprobat bugetul Capitalei pe 2026"
    assert beads[0]["target"] == "Bucharest councillors approve the capital's 2026 budget"
    assert not any("translator:" in b["target"] or "---" in b["target"] for b in beads)


# --- confidence: what the model cannot judge goes to a person ---------------------------


def test_a_credit_line_glued_to_a_sentence_is_doubted():
    ro = [
        "Guvernul a aprobat miercuri finanțarea pentru 42 de spitale județene.",
        "El a adăugat că finanțarea vine din PNRR și din fonduri europene.",
        "Lucrările încep în martie și durează doi ani.",
    ]
    en = [
        "The government approved funding for 42 county hospitals on Wednesday.",
        "He added that the financing comes from the PNRR.",
        "It also comes from European funds.",  # the translator split the sentence
        "Work starts in March and lasts two years.",
        "Translated by the English desk.",
    ]
    beads = align(ro, en, "ro", "en")
    assert pairs(beads)[:2] == ["[0]:[0]", "[1]:[1, 2]"]
    assert beads[1].confidence >= REVIEW_THRESHOLD and not beads[1].doubt
    last = [b for b in beads if 4 in b.target]
    assert all(b.confidence < REVIEW_THRESHOLD and b.doubt for b in last)


def test_a_bead_of_many_sentences_is_doubted():
    ro = [
        "Primarul general, dl. N. D. Popescu, a spus joi că bugetul Capitalei crește cu 5,5% "
        "față de anul trecut, că investițiile în transport ajung la 3,2 miliarde de lei și că "
        "1.000 de stații de autobuz vor fi modernizate până în 2027.",
        "Opoziția contestă această prevedere.",
    ]
    en = [
        "The mayor, Mr N. D. Popescu, spoke on Thursday.",
        "He said the capital budget grows by 5.5% from last year.",
        "Transport investment reaches 3.2 billion lei.",
        "And 1,000 bus stops will be modernised by 2027.",
        "The opposition contests this provision.",
    ]
    first, second = align(ro, en, "ro", "en")
    assert format_bead(first) == "[0]:[0, 1, 2, 3]"
    assert (first.doubt, first.confidence < REVIEW_THRESHOLD) == ("long", True)
    assert second.confidence >= REVIEW_THRESHOLD and not second.doubt
    assert set(DOUBTS) >= {first.doubt}


@pytest.mark.parametrize(
    ("name", "langs"), [("flores-dev", ("ro", "en")), ("textberg-dev", ("de", "fr"))]
)
def test_beads_at_or_above_the_review_threshold_are_right_99_times_in_100(name, langs):
    """On the development sets (real hand alignments in textberg), when they are present."""
    folder = SHARED / "eval" / "align" / name
    if not folder.is_dir():
        pytest.skip(f"no development set at {folder}")
    right = above = 0
    for gold_path in sorted(folder.glob("*.gold")):
        src = gold_path.with_suffix(f".{langs[0]}").read_text(encoding="utf-8").splitlines()
        tgt = gold_path.with_suffix(f".{langs[1]}").read_text(encoding="utf-8").splitlines()
        gold = {(b.source, b.target) for b in map(parse_bead, gold_path.read_text().splitlines())}
        for bead in align(src, tgt, *langs):
            if bead.confidence >= REVIEW_THRESHOLD:
                above += 1
                right += (bead.source, bead.target) in gold
    assert above and right / above >= 0.99
