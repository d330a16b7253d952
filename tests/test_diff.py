"""Matching edited originals' segments against stored ones."""

from hypothesis import given
from hypothesis import strategies as st

from tool.core.diff import match_segments


def test_unchanged():
    m = match_segments(["A.", "B."], ["A.", "B."])
    assert m.same == [(0, 0), (1, 1)] and not m.changed


def test_inserted_above_keeps_matches():
    m = match_segments(["Unu doi trei.", "Patru cinci."], ["Nou.", "Unu doi trei.", "Patru cinci."])
    assert m.same == [(0, 1), (1, 2)]
    assert m.added == [0]


def test_typo_fixed_is_an_edit():
    m = match_segments(
        ["Primarul a anunțat bugetul.", "Consilierii au votat."],
        ["Primarul a anunțat bugetul.", "Consilierii au votat joi."],
    )
    assert [(i, j) for i, j, _ in m.edited] == [(1, 1)]
    assert m.removed == [] and m.added == []


def test_paragraph_moved():
    m = match_segments(["P1.", "P2.", "Q1.", "Q2."], ["Q1.", "Q2.", "P1.", "P2."])
    assert sorted(m.same + m.moved) == [(0, 2), (1, 3), (2, 0), (3, 1)]


def test_removed_and_unrelated_added():
    m = match_segments(
        ["Vremea va fi frumoasă.", "Ploile se opresc."],
        ["Vremea va fi frumoasă.", "Guvernul a demisionat astăzi."],
    )
    assert m.removed == [1] and m.added == [1] and not m.edited


def test_two_sentences_joined():
    old = ["Ministrul a plecat la Bruxelles.", "Acolo va negocia bugetul."]
    new = ["Ministrul a plecat la Bruxelles, unde va negocia bugetul."]
    m = match_segments(old, new)
    assert [(i, j) for i, j, _ in m.edited] == [(0, 0)]
    assert m.removed == [1]


_sentences = st.lists(
    st.sampled_from(["A a.", "B b.", "C c.", "D d!", "E e?", "Ff gg."]), max_size=8
)


@given(_sentences, _sentences)
def test_every_index_appears_once(old, new):
    m = match_segments(old, new)
    olds = [i for i, _ in m.same + m.moved] + [i for i, _, _ in m.edited] + m.removed
    news = [j for _, j in m.same + m.moved] + [j for _, j, _ in m.edited] + m.added
    assert sorted(olds) == list(range(len(old)))
    assert sorted(news) == list(range(len(new)))
    for i, j in m.same + m.moved:
        assert old[i] == new[j]
