"""The translation memory: approved pairs, exact/fuzzy/context search, TMX in and out."""

from __future__ import annotations

import json

import pytest

from tests.conftest import INTEROP_KIT, store_article, unavailable
from tool.db.connection import open_database
from tool.errors import InputError, NotFoundError, ToolError
from tool.services.memory import (
    add_approved,
    best_matches,
    export_tmx,
    import_tmx,
    memory_entries,
    search_memory,
    sync_memory,
)

INTEROP = INTEROP_KIT / "inputs" / "good"
NOW = "2025-06-20T10:00:00.000000Z"


BUDGET = [
    ("Bugetul pe 2025, aprobat", "2025 budget approved"),
    ("Consiliul General a aprobat joi bugetul Capitalei.",
     "The General Council approved the capital's budget on Thursday."),
    ("Dl. Ionescu a votat împotrivă.", "Mr Ionescu voted against."),
    ("Bugetul crește cu 5,5% față de anul trecut, la 1.250.000 lei.",
     "The budget grows by 5.5% compared with last year, to 1,250,000 lei."),
]  # fmt: skip


def test_add_approved_stores_pair_with_context_and_people(db):
    units = store_article(db, "budget", BUDGET)
    memory_id = add_approved(db, units[2])
    row = db["memory"].get(memory_id)
    assert (row["source"], row["target"]) == BUDGET[2]
    assert row["previous"] == BUDGET[1][0]
    assert (row["translator"], row["reviewer"], row["origin"]) == ("ana", "ed", "desk")
    assert (row["article_id"], row["source_lang"], row["target_lang"]) == ("budget", "ro", "en")
    assert row["changed_at"] == NOW
    # Adding again refreshes the same entry.
    assert add_approved(db, units[2]) == memory_id
    assert db["memory"].count == 1


def test_add_approved_ignores_unapproved_and_unknown(db):
    units = store_article(db, "budget", BUDGET, status="translated")
    assert add_approved(db, units[0]) is None
    assert db["memory"].count == 0
    with pytest.raises(NotFoundError, match="^no unit 99$"):
        add_approved(db, 99)


def test_merged_bead_joins_its_sources(db):
    units = store_article(db, "budget", BUDGET)
    db.execute("UPDATE units SET text = 'The General Council approved the budget; Mr Ionescu "
               "voted against.' WHERE id = ?", [units[1]])  # fmt: skip
    db.execute("UPDATE units SET text = '', joined_to = ? WHERE id = ?", [units[1], units[2]])
    assert sync_memory(db) == 3
    sources = [r["source"] for r in memory_entries(db)]
    assert f"{BUDGET[1][0]} {BUDGET[2][0]}" in sources
    assert BUDGET[2][0] not in sources


def test_sync_memory_adds_missing_and_changed(db):
    units = store_article(db, "budget", BUDGET)
    assert sync_memory(db) == 4
    assert sync_memory(db) == 0
    db.execute("UPDATE units SET text = 'Budget for 2025 approved' WHERE id = ?", [units[0]])
    assert sync_memory(db) == 1
    assert db["memory"].count == 4


def test_search_exact_context_and_fuzzy(db):
    store_article(db, "budget", BUDGET)
    sync_memory(db)
    exact = search_memory(db, "Dl. Ionescu a votat  împotrivă.", "ro", "en")
    assert [(m.score, m.target) for m in exact] == [(100, "Mr Ionescu voted against.")]
    context = search_memory(db, BUDGET[2][0], "ro", "en", previous=BUDGET[1][0])
    assert context[0].score == 101
    fuzzy = search_memory(db, "Bugetul crește cu 6,5% față de anul trecut.", "ro", "en")
    assert fuzzy and 70 <= fuzzy[0].score < 100
    assert fuzzy[0].target == BUDGET[3][1]
    assert search_memory(db, "Bugetul crește cu 6,5%.", "ro", "en", minimum=95) == []
    assert search_memory(db, "Dl. Ionescu a votat împotrivă.", "ro", "fr") == []


def test_case_difference_is_99(db):
    store_article(db, "budget", BUDGET)
    sync_memory(db)
    assert search_memory(db, "dl. ionescu a votat împotrivă.", "ro", "en")[0].score == 99


def test_best_matches_are_ranked_and_limited(db):
    pairs = [
        ("Ministrul a anunțat noi măsuri fiscale.", "The minister announced new tax measures."),
        ("Ministrul a anunțat noi măsuri sociale.", "The minister announced new social measures."),
        ("Ministrul a anunțat măsuri.", "The minister announced measures."),
    ]
    store_article(db, "a", pairs)
    sync_memory(db)
    found = best_matches(db, "Ministrul a anunțat noi măsuri fiscale azi.", "ro", "en", limit=2)
    assert len(found) == 2
    assert found[0].target == "The minister announced new tax measures."
    assert found[0].score >= found[1].score


def test_the_interop_tmx_files_are_present():
    if not sorted(INTEROP.glob("*.tmx")):
        unavailable(f"no TMX files in {INTEROP} (../shared/interop)")


@pytest.mark.parametrize("path", sorted(INTEROP.glob("*.tmx")), ids=lambda p: p.name)
def test_import_real_tmx_files(db, path):
    result = import_tmx(db, path)
    assert result.added > 0
    assert db["memory"].count == result.added
    row = next(memory_entries(db))
    assert row["origin"] == path.name
    assert row["source_lang"] == "en"
    again = import_tmx(db, path)
    assert again.added == 0 and again.duplicates == result.added + result.duplicates


def test_imported_tmx_is_searchable(db):
    if not INTEROP.is_dir():
        unavailable("interop files not present (../shared/interop)")
    import_tmx(db, INTEROP / "tmx.okapi-website.sample14b.tmx")
    found = search_memory(db, "Touch Retry to resume.", "en", "de")
    assert found[0].source == "Touch Retry to resume the procedure."


def test_tmx_round_trip(db, tmp_path):
    units = store_article(db, "budget", BUDGET)
    sync_memory(db)
    path = tmp_path / "out.tmx"
    result = export_tmx(db, path, source_lang="ro")
    assert (result.written, result.skipped) == (len(units), [])
    text = path.read_text(encoding="utf-8")
    assert '<prop type="x-context">Consiliul General' in text
    assert 'creationid="ana"' in text and 'changeid="ed"' in text
    other = open_database(tmp_path / "other.db")
    assert import_tmx(other, path).added == len(units)
    assert search_memory(other, BUDGET[2][0], "ro", "en", previous=BUDGET[1][0])[0].score == 101
    assert {r["translator"] for r in memory_entries(other)} == {"ana"}
    assert [r["created_at"] for r in memory_entries(other)] == [NOW] * 4


def test_import_errors(db, tmp_path):
    with pytest.raises(InputError, match="^no such file: "):
        import_tmx(db, tmp_path / "missing.tmx")
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu><tuv xml:lang='ro'><seg>a</seg>", encoding="utf-8")
    with pytest.raises(InputError):
        import_tmx(db, bad)
    assert db["memory"].count == 0


# --- CLI ---------------------------------------------------------------------------------


def test_cli_memory_search_and_json(run, db):
    store_article(db, "budget", BUDGET)
    assert run("memory", "rebuild").output == "Added 4 approved pairs; search index rebuilt.\n"
    result = run("memory", "search", "Dl. Ionescu a votat împotrivă.", "--lang", "en")
    assert result.exit_code == 0
    assert "Mr Ionescu voted against." in result.output and "100" in result.output
    data = json.loads(
        run(
            "memory",
            "search",
            "Dl. Ionescu a votat împotrivă.",
            "--lang",
            "en",
            "--previous",
            BUDGET[1][0],
            "--json",
        ).output  # fmt: skip
    )
    assert data[0]["score"] == 101
    assert set(data[0]) == {"id", "score", "source", "target", "source_lang", "target_lang",
                            "origin", "translator", "reviewer", "article_id", "previous",
                            "changed_at"}  # fmt: skip
    assert run("memory", "search", "Nimic aici.", "--lang", "en").output == "No matches.\n"


def test_cli_memory_import_export(run, tmp_path, db):
    store_article(db, "budget", BUDGET)
    run("memory", "rebuild")
    out = tmp_path / "m.tmx"
    assert run("memory", "export", str(out)).output == f"Wrote 4 units to {out}.\n"
    result = run("memory", "import", str(out))
    assert result.output == f"{out}: 0 added, 4 already in memory, 0 skipped\n"
    result = run("memory", "import", str(tmp_path / "nope.tmx"))
    assert result.exit_code == 1
    assert result.output == f"Error: no such file: {tmp_path / 'nope.tmx'}\n"
    stats = json.loads(run("memory", "stats", "--json").output)
    assert stats == [{"source_lang": "ro", "target_lang": "en", "origin": "desk", "entries": 4}]


def test_approving_puts_the_pair_into_the_memory(run, db):
    from tests.conftest import DATA

    run("user", "add", "ana", "--role", "admin", user="ana")
    run("user", "add", "tom", "--role", "translator", "--lang", "en", user="ana")
    run("import", DATA / "articles" / "storm.md", user="ana")
    run("checkout", "storm", "--lang", "en", user="tom")
    assert run("translate", "1", "Storm in Constanța", "--submit", user="tom").exit_code == 0
    assert run("approve", "1", user="ana").exit_code == 0
    result = run("memory", "search", "Furtună la Constanța", "--lang", "en", "--json")
    assert result.exit_code == 0, result.output
    assert "Storm in Constanța" in result.output


# --- Search: word pairs find what words alone cannot ------------------------------------


COMMON_WORDS = "de la în și a cu pe care că din pentru au fost este mai un".split()


def common_sentence(rng, words: int = 14) -> str:
    return " ".join(rng.choice(COMMON_WORDS) for _ in range(words)).capitalize() + "."


def test_near_duplicate_of_common_words_is_found(db, monkeypatch):
    """Every word of the query is too common to read (as at a million entries, where each
    is in thousands): the pairs of adjacent words still find the near-duplicate."""
    import random

    from tool.services import memory

    rng = random.Random(3)
    pairs = [(common_sentence(rng), f"T{i}") for i in range(200)]
    store_article(db, "common", pairs)
    sync_memory(db)
    monkeypatch.setattr(memory, "DF_CAP", 60)  # each of the 16 words is in >= 60 entries
    index = memory.MemoryIndex(db, "ro", "en")
    words = set(memory.memory_index.index_words(" ".join(s for s, _ in pairs)))
    word_keys = [memory.memory_index.search_keys(w, "ro", "en")[0] for w in words]
    assert min(index._frequencies(word_keys).values()) == 60  # counted up to the cap
    for source, target in pairs[:20]:
        query = source.replace(" ", " nu ", 1)  # one word inserted: 89-98% similar
        found = index.search(query, minimum=75, limit=1)
        assert found and found[0].target == target, query


def test_near_duplicate_whose_words_and_pairs_are_all_common_is_found(db, monkeypatch):
    """Every word and every pair of adjacent words of the query is common: the pairs are
    counted further, and the few rarest read."""
    from tool.services import memory

    words = "de la în și a cu pe care".split()
    fillers = [
        (f"{first} {second} fost fost mai mai {n}.", f"F{n}")
        for first, second in zip(words, words[1:])
        for n in range(10)
    ]
    sentence = " ".join(words).capitalize() + "."
    store_article(db, "common", [*fillers, (sentence, "The one.")])
    sync_memory(db)
    monkeypatch.setattr(memory, "DF_CAP", 5)
    index = memory.MemoryIndex(db, "ro", "en")
    query = sentence.replace(".", " au.")  # one word added
    keys = memory.memory_index.search_keys(query, "ro", "en")
    assert set(index._frequencies(keys).values()) == {0, 5}  # no key rarer than the cap
    assert [m.target for m in index.search(query, minimum=75, limit=1)] == ["The one."]


def test_index_follows_every_change_of_the_memory(db):
    from tool.db import memory_index
    from tool.services.memory import rebuild_index, withdraw_unit

    units = store_article(db, "budget", BUDGET)
    sync_memory(db)
    query = "Consiliul General a aprobat vineri bugetul Capitalei."

    def postings(text: str) -> set[int]:
        key = memory_index.search_keys(text, "ro", "en")[0]
        rows = db.execute(f"SELECT rowid FROM memory_keys WHERE memory_keys MATCH '\"{key}\"'")
        return {r[0] for r in rows}

    assert search_memory(db, query, "ro", "en")[0].target == BUDGET[1][1]
    db.execute("UPDATE segments SET text = 'Consilierii au respins bugetul.' WHERE seq = 1")
    db.execute("UPDATE units SET text = 'Councillors rejected it.' WHERE id = ?", [units[1]])
    assert add_approved(db, units[1]) is not None  # the source changed: so do its keys
    assert postings("Consiliul") == set()
    assert search_memory(db, "Consilierii au respins bugetul azi.", "ro", "en")[0].score >= 75
    assert withdraw_unit(db, units[1]) is True
    assert postings("Consilierii") == set()
    assert search_memory(db, "Consilierii au respins bugetul azi.", "ro", "en") == []
    db.execute("INSERT INTO memory_keys(memory_keys) VALUES ('delete-all')")  # index lost
    assert rebuild_index(db) == 3
    assert search_memory(db, "Dl. Ionescu a votat contra.", "ro", "en")[0].target == BUDGET[2][1]


def test_migrated_database_is_searchable(tmp_path):
    import shutil

    from tests.conftest import DATA

    path = tmp_path / "old.db"
    shutil.copy(DATA / "schema-v2.db", path)
    old = open_database(path)
    [row] = old.execute("SELECT id, source, segtype FROM memory").fetchall()
    assert row[2] is None
    assert search_memory(old, row[1] + " nou", "ro", "en", minimum=50)[0].id == row[0]


# --- TMX: context, segment types, locales ------------------------------------------------


def tmx(*units: str, srclang: str = "ro", extra: str = "") -> bytes:
    """A TMX document holding the given <tu> elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">'
        f'<header srclang="{srclang}" segtype="sentence" adminlang="en" datatype="plaintext" '
        f'creationtool="t" creationtoolversion="1" o-tmf="t"/>\n<body>\n{extra}'
        + "\n".join(units)
        + "\n</body></tmx>"
    ).encode()


def tu(source: str, target: str, *, context: str | None = None, attrs: str = "") -> str:
    prop = f'<prop type="x-context">{context}</prop>' if context is not None else ""
    return (
        f'<tu{attrs}>{prop}<tuv xml:lang="ro"><seg>{source}</seg></tuv>'
        f'<tuv xml:lang="en"><seg>{target}</seg></tuv></tu>'
    )


def test_entries_differing_only_by_context_survive_a_round_trip(db, tmp_path):
    source, target = "Guvernul a anunțat măsuri.", "The government announced measures."
    store_article(db, "a", [("Titlu unu", "Title one"), (source, target)])
    store_article(db, "b", [("Titlu doi", "Title two"), (source, target)])
    sync_memory(db)
    path = tmp_path / "m.tmx"
    assert export_tmx(db, path).written == 4
    other = open_database(tmp_path / "other.db")
    result = import_tmx(other, path)
    assert (result.added, result.duplicates) == (4, 0)
    for title in ("Titlu unu", "Titlu doi"):
        assert search_memory(other, source, "ro", "en", previous=title)[0].score == 101
    again = import_tmx(other, path)
    assert (again.added, again.duplicates) == (0, 4)


def test_a_pair_without_context_duplicates_one_with_context_not_the_reverse(db, tmp_path):
    with_context = tmp_path / "with.tmx"
    with_context.write_bytes(tmx(tu("Bună ziua.", "Good day.", context="Titlu")))
    without = tmp_path / "without.tmx"
    without.write_bytes(tmx(tu("Bună ziua.", "Good day.")))
    assert import_tmx(db, without).added == 1
    assert import_tmx(db, with_context).added == 1  # brings a context match the first lacked
    assert import_tmx(db, without).duplicates == 1
    assert import_tmx(db, with_context).duplicates == 1
    assert search_memory(db, "Bună ziua.", "ro", "en", previous="Titlu")[0].score == 101


def test_context_props_of_other_tools_are_read(db, tmp_path):
    memoq = (
        '<tu><tuv xml:lang="ro-RO"><prop type="x-context-pre">Înainte</prop>'
        '<seg>Apoi a plecat.</seg></tuv><tuv xml:lang="en-GB"><seg>Then he left.</seg></tuv></tu>'
    )
    trados = (
        '<tu><prop type="x-Context">1234, 5678</prop><tuv xml:lang="ro"><seg>Apoi a venit.</seg>'
        '</tuv><tuv xml:lang="en"><seg>Then he came.</seg></tuv></tu>'
    )
    path = tmp_path / "other-tools.tmx"
    path.write_bytes(tmx(memoq, trados, srclang="ro-RO"))
    assert import_tmx(db, path).added == 2
    assert [r["previous"] for r in memory_entries(db)] == ["Înainte", None]
    assert search_memory(db, "Apoi a plecat.", "ro", "en", previous="Înainte")[0].score == 101


def test_merged_beads_are_blocks_in_the_memory_and_its_tmx(db, tmp_path):
    from tool.formats.tmx import read_tmx

    units = store_article(db, "budget", BUDGET)
    db.execute("UPDATE units SET text = 'The General Council approved the budget; Mr Ionescu "
               "voted against.' WHERE id = ?", [units[1]])  # fmt: skip
    db.execute("UPDATE units SET text = '', joined_to = ? WHERE id = ?", [units[1], units[2]])
    db.execute("UPDATE units SET text = 'Budget approved. It grows.' WHERE id = ?", [units[0]])
    sync_memory(db)
    assert [r["segtype"] for r in memory_entries(db)] == ["block", "block", None]
    path = tmp_path / "m.tmx"
    export_tmx(db, path)
    entries = list(read_tmx(path))
    assert [e.segtype for e in entries] == ["block", "block", "sentence"]
    assert path.read_text().count('segtype="block"') == 2
    other = open_database(tmp_path / "other.db")
    import_tmx(other, path)
    assert [r["segtype"] for r in memory_entries(other)] == ["block", "block", None]


def test_export_with_locales(run, db, tmp_path):
    store_article(db, "budget", BUDGET)
    run("memory", "rebuild")
    out = tmp_path / "trados.tmx"
    result = run("memory", "export", out, "--locale", "ro=ro-RO, en=en-GB")
    assert result.output == f"Wrote 4 units to {out}.\n"
    text = out.read_text()
    assert 'srclang="ro-RO"' in text and 'xml:lang="en-GB"' in text
    assert 'xml:lang="ro"' not in text and 'xml:lang="en"' not in text
    other = open_database(tmp_path / "other.db")
    assert import_tmx(other, out).added == 4  # locales read back as the desk's languages
    assert {(r["source_lang"], r["target_lang"]) for r in memory_entries(other)} == {("ro", "en")}
    for spec, message in [
        ("ro", "--locale: 'ro' is not LANG=LOCALE (e.g. ro=ro-RO,en=en-GB)"),
        ("ro=ro RO", "--locale: 'ro=ro RO' is not LANG=LOCALE (e.g. ro=ro-RO,en=en-GB)"),
        ("ro=en-GB", "--locale: en-GB is not a locale of ro"),
    ]:
        bad = run("memory", "export", tmp_path / "x.tmx", "--locale", spec)
        assert (bad.exit_code, bad.output) == (1, f"Error: {message}\n")
    assert not (tmp_path / "x.tmx").exists()


# --- TMX: nothing half-written, nothing unchecked ---------------------------------------


def test_export_refuses_an_existing_file_without_force(run, db, tmp_path):
    store_article(db, "budget", BUDGET)
    run("memory", "rebuild")
    out = tmp_path / "m.tmx"
    out.write_text("a translator's own file")
    result = run("memory", "export", out)
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {out} already exists: use --force to replace it\n",
    )
    assert out.read_text() == "a translator's own file"
    assert run("memory", "export", out, "--force").output == f"Wrote 4 units to {out}.\n"
    missing = tmp_path / "no" / "m.tmx"
    result = run("memory", "export", missing)
    assert (
        result.output == f"Error: cannot write {missing}: folder {missing.parent} does not exist\n"
    )


def test_export_skips_and_reports_text_xml_cannot_hold(run, db, tmp_path):
    from tool.formats.tmx import read_tmx

    store_article(db, "budget", BUDGET)
    run("memory", "rebuild")
    bad_id = db.execute("SELECT id FROM memory ORDER BY id LIMIT 1 OFFSET 3").fetchone()[0]
    db.execute("UPDATE memory SET target = 'bell \x07 here' WHERE id = ?", [bad_id])  # old data
    out = tmp_path / "m.tmx"
    result = run("memory", "export", out)
    assert result.exit_code == 0
    assert result.output == (
        f"Wrote 3 units to {out}.\n"
        f"skipped memory entry {bad_id}: it holds U+0007, which XML cannot hold\n"
    )
    assert len(list(read_tmx(out))) == 3


def test_export_that_fails_leaves_no_file(db, tmp_path, monkeypatch):
    from tool.services import memory

    store_article(db, "budget", BUDGET)
    sync_memory(db)
    written = []

    def failing(row):
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(row["id"])
        return real(row)

    real = memory.memory_unit
    monkeypatch.setattr(memory, "memory_unit", failing)
    out = tmp_path / "m.tmx"
    with pytest.raises(ToolError, match=f"^cannot write {out}: No space left on device$"):
        export_tmx(db, out)
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith("desk.db")]  # no .part


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (tu("Bună ziua.", "Good day.") + "\n" + tu("Pa\u009b31m.", "Bye."),
         "m.tmx: tu 2 (line 5): control character U+009B at character 3: remove it"),
        (tu("Bună.", "Hi.", context="Tit\u0085lu"),
         "m.tmx: tu 1 (line 4): control character U+0085 at character 4: remove it"),
        (tu("Bună.", "Hi.").replace('xml:lang="en"', 'xml:lang="xx-nonsense"'),
         "m.tmx: tu 1 (line 4): unknown language 'xx-nonsense'"),
    ],
)  # fmt: skip
def test_import_checks_every_unit_before_adding_any(run, db, tmp_path, body, message):
    path = tmp_path / "m.tmx"
    path.write_bytes(tmx(body))
    result = run("memory", "import", path)
    assert (result.exit_code, result.output) == (1, f"Error: {tmp_path}/{message}\n")
    assert db["memory"].count == 0


@pytest.mark.parametrize("encoding", ["klingon", "rot13", "punycode"])
def test_import_of_an_unknown_encoding_is_one_error_line(run, db, tmp_path, encoding):
    path = tmp_path / "m.tmx"
    path.write_bytes(tmx(tu("a", "b")).replace(b"UTF-8", encoding.encode()))
    result = run("memory", "import", path)
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {path}: unknown encoding {encoding!r} in the XML declaration\n",
    )


def test_import_parses_safely(run, db, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    path = tmp_path / "xxe.tmx"
    path.write_bytes(
        tmx(tu("&xxe;", "b")).replace(
            b"<tmx ", f'<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n<tmx '.encode()
        )
    )
    result = run("memory", "import", path)
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {path}: line 2: entity declarations are not allowed (XXE/DTD)\n",
    )
    assert db["memory"].count == 0


def test_import_goes_in_batches_and_resumes(db, tmp_path, monkeypatch):
    from tool.services import memory

    path = tmp_path / "m.tmx"
    path.write_bytes(tmx(*(tu(f"Propoziția numărul {i}.", f"Sentence number {i}.")
                           for i in range(7))))  # fmt: skip
    monkeypatch.setattr(memory, "LOCK_PAUSE", 0)
    real, inserted = memory._insert, []

    def dies_at_the_sixth(database, row):
        if len(inserted) == 5:
            raise KeyboardInterrupt  # the import is stopped half-way
        inserted.append(row["source"])
        return real(database, row)

    monkeypatch.setattr(memory, "_insert", dies_at_the_sixth)
    with pytest.raises(KeyboardInterrupt):
        import_tmx(db, path, batch_rows=2)
    assert db["memory"].count == 4  # two whole batches; the third was rolled back
    monkeypatch.setattr(memory, "_insert", real)
    result = import_tmx(db, path, batch_rows=2)
    assert (result.added, result.duplicates) == (3, 4)
    assert [r["source"] for r in memory_entries(db)] == [
        f"Propoziția numărul {i}." for i in range(7)
    ]
    assert search_memory(db, "Propoziția numărul 6!", "ro", "en")[0].target == "Sentence number 6."


@pytest.mark.interop
def test_memory_export_is_valid_tmx(db, tmp_path):
    """Blocks, empty and real contexts and locale tags, checked with xmllint and the DTD."""
    import shutil
    import subprocess

    dtd = INTEROP_KIT / "schemas" / "tmx-1.4b" / "tmx14.dtd"
    if not shutil.which("xmllint") or not dtd.is_file():
        unavailable("xmllint or the TMX DTD (../shared/interop) missing")
    units = store_article(db, "budget", BUDGET)
    db.execute("UPDATE units SET text = 'Two. Sentences.' WHERE id = ?", [units[3]])
    sync_memory(db)
    out = tmp_path / "m.tmx"
    export_tmx(db, out, locales={"ro": "ro-RO", "en": "en-GB"})
    text = out.read_text()
    assert 'segtype="block"' in text and '<prop type="x-context"></prop>' in text
    check = subprocess.run(
        ["xmllint", "--noout", "--dtdvalid", str(dtd), str(out)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def test_units_without_source_or_translation_are_skipped(db, tmp_path):
    path = tmp_path / "m.tmx"
    path.write_bytes(
        tmx(
            tu("Bună.", "Hi."),
            '<tu><tuv xml:lang="ro"><seg>Doar sursa.</seg></tuv></tu>',
            '<tu><tuv xml:lang="en"><seg>Only a target.</seg></tuv></tu>',
            tu("Fără traducere.", " "),
        )
    )
    result = import_tmx(db, path)
    assert (result.added, result.duplicates, result.skipped) == (1, 0, 3)
