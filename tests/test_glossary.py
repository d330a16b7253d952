"""Glossary: stems (property-tested), inflected matching, add/import/list and the CLI."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tool.core.stems import MIN_STEM, contains_phrase, fold, stem
from tool.errors import InputError
from tool.services.glossary import add_term, glossary_hits, import_glossary, list_terms

RO_LETTERS = "abcdefghijlmnoprstuvzăâîșț"
CONSONANTS = "bcdfgmnpstvz"  # no l or r: endings contain them (-lor, -uri)


@pytest.mark.parametrize(
    "forms",
    [
        "negocieri negocierile negocierilor negocierea negociere",
        "guvern guvernul guvernului guverne guvernele guvernelor",
        "țară țara țări țării țările țărilor",
        "ministru ministrul miniștri miniștrii",
        "președinte președintele președintelui",
        "Statele Statelor State",
    ],
)
def test_romanian_inflections_share_a_stem(forms):
    assert len({stem(w, "ro") for w in forms.split()}) == 1


@pytest.mark.parametrize(
    "forms",
    [
        "talk talks",
        "negotiation negotiations",
        "government governments government's",
        "party parties",
        "tax taxes",
        "vote voted",
    ],  # fmt: skip
)
def test_english_inflections_share_a_stem(forms):
    assert len({stem(w, "en") for w in forms.split()}) == 1


@given(st.text(alphabet=RO_LETTERS + RO_LETTERS.upper(), min_size=1, max_size=15))
def test_romanian_stem_is_a_long_enough_prefix_of_the_folded_word(word):
    result = stem(word, "ro")
    assert fold(word).startswith(result)
    assert len(result) >= min(len(fold(word)), MIN_STEM)
    assert stem(word.upper(), "ro") == result == stem(word.lower(), "ro")


@given(
    st.text(alphabet="aeioubcdfgmnprstvz", min_size=2, max_size=8),
    st.sampled_from(CONSONANTS),
    st.sampled_from(
        [
            "",
            "ul",
            "ului",
            "ele",
            "elor",
            "ilor",
            "ile",
            "i",
            "e",
            "a",
            "uri",
            "urile",
            "urilor",
            "ii",
        ]
    ),  # fmt: skip
)
def test_romanian_endings_come_off(root, last, ending):
    word = root + last
    assert stem(word + ending, "ro") == stem(word, "ro") == word


@given(st.text(alphabet="abcdefhijklmnoprtuvw", min_size=3, max_size=10).filter(
    lambda w: w[-1] not in "aeiouy" and not w.endswith(("ed", "ing"))))  # fmt: skip
def test_english_plural_comes_off(word):
    assert stem(word + "s", "en") == stem(word, "en")


def test_multi_word_terms_match_stem_by_stem():
    assert contains_phrase("Guvernatorul Băncii Naționale a vorbit.", "Banca Națională", "ro")
    assert not contains_phrase("Banca a vorbit cu Națională.", "Banca Națională", "ro")
    assert contains_phrase("The central banks' talks", "central bank", "en")


def test_hits_in_inflected_text(db):
    add_term(db, "negocieri", "talks", target_lang="en", forbidden=["negotiations"],
             note="house style")  # fmt: skip
    add_term(db, "guvern", "government", target_lang="en")
    add_term(db, "Banca Națională", "National Bank", target_lang="en")
    hits = glossary_hits(db, "Negocierilor guvernului cu Băncii Naționale", "ro", "en")
    assert [(h.term, h.translation) for h in hits] == [
        ("negocieri", "talks"),
        ("guvern", "government"),
        ("Banca Națională", "National Bank"),
    ]
    assert hits[0].forbidden == ("negotiations",) and hits[0].note == "house style"
    assert glossary_hits(db, "Negocierile", "ro", "fr") == []


def test_add_replaces_same_term(db):
    _, new = add_term(db, "guvern", "cabinet", target_lang="en", user="ed")
    assert new
    term, new = add_term(db, "guvern", "government", target_lang="en", user="ed")
    assert not new and term.translation == "government"
    assert [t.translation for t in list_terms(db)] == ["government"]


def test_add_errors(db):
    with pytest.raises(InputError, match="^the term 'guvern' needs a translation$"):
        add_term(db, "guvern", " ", target_lang="en")
    with pytest.raises(InputError, match="^'talks' cannot be both required and forbidden$"):
        add_term(db, "negocieri", "talks", target_lang="en", forbidden=["talks"])


def test_import_csv_all_or_nothing(db, tmp_path):
    good = tmp_path / "terms.csv"
    good.write_text(
        "term,translation,forbidden,note\n"
        "negocieri,talks,negotiations;parleys,news style\n"
        "guvern,government,,\n",
        encoding="utf-8",
    )
    assert import_glossary(db, good, target_lang="en") == {"added": 2, "updated": 0}
    assert list_terms(db, "en")[1].forbidden == ["negotiations", "parleys"]
    bad = tmp_path / "bad.csv"
    bad.write_text("term,translation\nbuget,budget\nprimar,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.csv:3: the term 'primar' needs a translation$"):
        import_glossary(db, bad, target_lang="en")
    assert len(list_terms(db)) == 2
    headless = tmp_path / "headless.csv"
    headless.write_text("buget,budget\n", encoding="utf-8")
    with pytest.raises(InputError, match="the first line must name the columns term and"):
        import_glossary(db, headless, target_lang="en")


def test_cli_glossary(run, tmp_path):
    result = run("glossary", "add", "negocieri", "talks", "--lang", "en", "--forbid",
                 "negotiations", "--note", "news style")  # fmt: skip
    assert result.exit_code == 0
    assert result.output == "Added 'negocieri' -> 'talks' (ro-en).\n"
    path = tmp_path / "g.tsv"
    path.write_text("term\ttranslation\nguvern\tgovernment\n", encoding="utf-8")
    assert run("glossary", "import", str(path), "--lang", "en").output == (
        "1 terms added, 0 updated.\n"
    )
    listing = run("glossary", "list").output
    assert "negocieri" in listing and "negotiations" in listing
    data = json.loads(run("glossary", "list", "--json").output)
    assert data[1]["forbidden"] == ["negotiations"]
    assert set(data[0]) == {"id", "term", "translation", "source_lang", "target_lang",
                            "forbidden", "note", "created_by", "created_at"}  # fmt: skip
    result = run("glossary", "import", str(tmp_path / "missing.csv"), "--lang", "en")
    assert result.exit_code == 1 and result.output.startswith("Error: cannot read ")


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en">
  <text><body>
    <termEntry id="c1">
      <descrip type="definition">Formal negotiations between parties.</descrip>
      <langSet xml:lang="ro"><tig><term>negocieri</term></tig></langSet>
      <langSet xml:lang="en-GB">
        <tig><term>negotiations</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn</termNote></tig>
        <tig><term>talks</term>
          <termNote type="administrativeStatus">preferredTerm-admn</termNote></tig>
      </langSet>
    </termEntry>
    <termEntry id="c2">
      <langSet xml:lang="ro"><tig><term>guvern</term></tig></langSet>
      <langSet xml:lang="fr"><tig><term>gouvernement</term></tig></langSet>
    </termEntry>
  </body></text>
</martif>
"""


def test_import_tbx(db, tmp_path):
    path = tmp_path / "terms.tbx"
    path.write_text(TBX, encoding="utf-8")
    assert import_glossary(db, path, target_lang="en") == {"added": 1, "updated": 0}
    (term,) = list_terms(db, "en")
    assert (term.term, term.translation, term.forbidden) == ("negocieri", "talks", ["negotiations"])
    assert term.note == "Formal negotiations between parties."
    path.write_text("<tmx/>", encoding="utf-8")
    with pytest.raises(InputError, match=r"terms\.tbx: not a TBX file \(root element <tmx>\)$"):
        import_glossary(db, path, target_lang="en")


def test_only_editors_change_the_glossary(db, tmp_path):
    from tool.errors import PermissionDenied
    from tool.services.users import add_user

    add_user(db, "root", "admin", by="root")
    add_user(db, "tina", "translator", ["en"], by="root")
    with pytest.raises(PermissionDenied, match="^tina is a translator: only editors or admins"):
        add_term(db, "guvern", "government", target_lang="en", user="tina")
    path = tmp_path / "g.csv"
    path.write_text("term,translation\nguvern,government\n", encoding="utf-8")
    with pytest.raises(PermissionDenied):
        import_glossary(db, path, target_lang="en", user="tina")
    with pytest.raises(PermissionDenied, match="^unknown user 'nobody'"):
        add_term(db, "guvern", "government", target_lang="en", user="nobody")
    assert list_terms(db) == []
    add_term(db, "guvern", "government", target_lang="en", user="root")


def test_import_csv_with_semicolons_as_romanian_excel_writes_it(db, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffterm;translation;forbidden;note\r\n"
        'negocieri;talks;"negotiations;parleys";stil de știri\r\n'
        "guvern;government;;\r\n".encode()
    )
    assert import_glossary(db, path, target_lang="en") == {"added": 2, "updated": 0}
    terms = {t.term: t for t in list_terms(db, "en")}
    assert terms["negocieri"].forbidden == ["negotiations", "parleys"]
    assert terms["negocieri"].note == "stil de știri"


def test_a_cell_over_the_csv_field_limit_is_one_error(db, tmp_path):
    import csv as csv_module

    path = tmp_path / "huge.csv"
    huge = "x" * (csv_module.field_size_limit() + 10)
    path.write_text(f'term,translation\nguvern,"{huge}"\n', encoding="utf-8")
    with pytest.raises(
        InputError, match=r"huge\.csv: line 2: a cell is longer than 131072 characters$"
    ):
        import_glossary(db, path, target_lang="en")


def test_tbx_without_the_desks_languages_is_refused(db, tmp_path, run):
    path = tmp_path / "de-fr.tbx"
    path.write_text(
        TBX.replace('xml:lang="ro"', 'xml:lang="de"').replace('xml:lang="en-GB"', 'xml:lang="it"'),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        import_glossary(db, path, target_lang="en")
    assert str(error.value) == (
        f"{path}: no entries with terms in both ro and en (languages in the file: de, fr, it); "
        "nothing imported"
    )
    result = run("glossary", "import", path, "--lang", "en")
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {path}: no entries")


@pytest.mark.parametrize("fmt", ["tbx", "csv", "tsv"])
def test_export_and_import_again(db, tmp_path, run, fmt):
    add_term(db, "negocieri", "talks", target_lang="en", forbidden=["negotiations"],
             note="house style")  # fmt: skip
    add_term(db, "plus", "+5%", target_lang="en", note="=not a formula")
    add_term(db, "guvern", "gouvernement", target_lang="fr")
    out = tmp_path / f"terms.{fmt}"
    result = run("glossary", "export", "--lang", "en", "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert run("glossary", "export", "--lang", "en", "--format", fmt, "-o", out).stderr == (
        f"Error: {out} already exists: use --force to replace it\n"
    )
    exported = sorted((t.term, t.translation, t.forbidden, t.note) for t in list_terms(db, "en"))
    db.execute("DELETE FROM glossary")
    assert import_glossary(db, out, target_lang="en") == {"added": 2, "updated": 0}
    again = sorted((t.term, t.translation, t.forbidden, t.note) for t in list_terms(db, "en"))
    assert again == exported
    if fmt == "csv":
        assert "'+5%" in out.read_text(encoding="utf-8")  # a spreadsheet will not run it


def test_exported_tbx_reads_in_translate_toolkit(db, tmp_path, run):
    from translate.storage import tbx

    add_term(db, "negocieri", "talks", target_lang="en", forbidden=["negotiations"])
    data = run("glossary", "export", "--lang", "en").stdout_bytes
    store = tbx.tbxfile.parsestring(data)
    assert [(u.source, u.target) for u in store.units] == [("negocieri", "talks")]
