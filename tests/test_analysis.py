"""CAT-style analysis: every band, repetitions, --json shape."""

from __future__ import annotations

import json

import pytest

from tests.conftest import store_article
from tool.errors import NotFoundError
from tool.services.analysis import BANDS, analyse, band_of
from tool.services.memory import sync_memory

A = "Primăria a deschis un centru nou pentru vârstnici în cartierul Drumul Taberei."
B = "Consilierii locali au votat în unanimitate proiectul de reabilitare a parcului."
C = "Ploile torențiale au inundat mai multe gospodării din județul Buzău."
D = "Echipa națională de handbal s-a calificat în semifinalele campionatului european."
E = "Compania de transport a anunțat modificarea traseelor pe durata lucrărilor."
F = "Elevii din clasa a opta vor susține evaluarea națională la începutul lunii iunie."

MEMORY = [("Titlu de arhivă", "Archive title"), (A, "A."), (B, "B."), (C, "C."), (D, "D."),
          (E, "E."), (F, "F.")]  # fmt: skip
JOB = [
    "Cutremur puternic resimțit în Vrancea",  # no match
    A,  # 100%: the previous segment differs from the memory's
    B,  # 101%: A came before it in the memory too
    B,  # a repetition within the job
    "Ploile torențiale au inundat mai multe gospodării din județul Buzău!",  # 98
    "Echipa națională de handbal s-a calificat în finala campionatului european.",  # 94
    "Compania de transport a anunțat suspendarea traseelor de noapte pe durata verii.",  # 78
    "Elevii din clasa a opta au primit rezultatele la simulare săptămâna trecută.",  # 54
]


@pytest.fixture
def job(db):
    store_article(db, "archive", MEMORY)
    sync_memory(db)
    store_article(db, "job", [(text, None) for text in JOB])
    return db


def test_every_band_is_counted(job):
    result = analyse(job, ["job"], "en")
    counts = {b.name: (b.segments, b.words) for b in result.bands}
    words = [len(t.split()) for t in JOB]
    assert counts == {
        "repetitions": (1, words[3]),
        "101%": (1, words[2]),
        "100%": (1, words[1]),
        "95-99%": (1, words[4]),
        "85-94%": (1, words[5]),
        "75-84%": (1, words[6]),
        "50-74%": (1, words[7]),
        "no match": (1, words[0]),
    }
    assert result.segments == len(JOB) and result.words == sum(words)


def test_all_articles_and_open_only(job):
    everything = analyse(job, None, "en")
    assert everything.articles == ["archive", "job"]
    assert everything.band("101%").segments == len(MEMORY)
    assert everything.band("repetitions").segments == 3  # A and B were in the archive article
    assert analyse(job, None, "en", open_only=True).segments == len(JOB)


def test_band_of():
    assert [band_of(s) for s in (101, 100, 99, 95, 94, 85, 84, 75, 74, 50, 49, 0)] == [
        "101%", "100%", "95-99%", "95-99%", "85-94%", "85-94%", "75-84%", "75-84%",
        "50-74%", "50-74%", "no match", "no match",
    ]  # fmt: skip
    assert [name for name, _, _ in BANDS][0] == "repetitions"


def test_unknown_article(db):
    with pytest.raises(NotFoundError, match="^no article 'nope'$"):
        analyse(db, ["nope"], "en")


def test_cli_analyse_table_and_json(run, job):
    result = run("analyse", "job", "--lang", "en")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["band", "segments", "words", "%"]
    assert lines[2].split()[:2] == ["repetitions", "1"]
    assert lines[-1].split()[:2] == ["total", str(len(JOB))]
    data = json.loads(run("analyse", "job", "--lang", "en", "--json").output)
    assert set(data) == {"lang", "articles", "bands", "total"}
    assert data["bands"][1] == {"name": "101%", "segments": 1, "words": len(B.split())}
    assert data["total"]["segments"] == len(JOB)


def test_cli_analyse_usage(run):
    result = run("analyse", "--lang", "en")
    assert result.exit_code == 2
    assert "give article ids or --all (not both)" in result.output
