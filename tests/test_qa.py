"""Quality checks: each check's true positives, no false alarms on real news pairs, dismissals."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import store_article
from tool.core.qa import CHECKS, QAContext, TermHit, run_checks
from tool.errors import InputError, NotFoundError, PermissionDenied
from tool.services.glossary import add_term
from tool.services.qa import check_text, check_unit, dismiss, qa_article
from tool.services.users import add_user

RO_EN = QAContext("ro", "en")

# Realistic Romanian news sentences with good English translations: no finding at all.
GOOD_PAIRS = [
    ("Bugetul pe 2025, aprobat", "2025 budget approved"),
    (
        "Consiliul General a aprobat joi bugetul Capitalei.",
        "The General Council approved the capital's budget on Thursday.",
    ),
    ("Dl. Ionescu a votat împotrivă.", "Mr Ionescu voted against."),
    (
        "Bugetul crește cu 5,5% față de anul trecut, la 1.250.000 lei.",
        "The budget grows by 5.5% compared with last year, to 1,250,000 lei.",
    ),
    (
        "Președintele Klaus Iohannis s-a întâlnit pe 19 iunie cu Vladimir Putin la Moscova.",
        "President Klaus Iohannis met Vladimir Putin in Moscow on June 19.",
    ),
    (
        "„Nu vom accepta acest lucru”, a declarat premierul Marcel Ciolacu.",
        "“We will not accept this,” said Prime Minister Marcel Ciolacu.",
    ),
    (
        "Statele Unite și NATO au anunțat noi sancțiuni împotriva Rusiei.",
        "The United States and NATO announced new sanctions against Russia.",
    ),
    (
        "Banca Națională a României (BNR) a menținut rata dobânzii la 6,5%.",
        "The National Bank of Romania (NBR) kept the interest rate at 6.5%.",
    ),
    (
        "Inflația a scăzut la 5,1% în luna mai, potrivit Institutului Național de Statistică.",
        "Inflation fell to 5.1% in May, according to the National Institute of Statistics.",
    ),
    ("Vântul a atins 90 km/h.", "The wind reached 90 km/h."),
    (
        "Peste 1,2 milioane de români lucrează în străinătate.",
        "More than 1.2 million Romanians work abroad.",
    ),
    (
        "Negocierile cu FMI vor continua la București pe 12.07.2025.",
        "Talks with the IMF will continue in Bucharest on July 12, 2025.",
    ),
    ("Ce urmează pentru Uniunea Europeană?", "What comes next for the European Union?"),
    (
        "Ministerul Finanțelor a anunțat un deficit de 3 miliarde de euro.",
        "The Ministry of Finance announced a deficit of 3 billion euros.",
    ),
    ("Cinci persoane au fost rănite.", "Five people were injured."),
    ("Au fost rănite 5 persoane.", "Five people were injured."),
    (
        "Ucraina a primit ajutor de la Uniunea Europeană.",
        "Ukraine received aid from the European Union.",
    ),
    ("Klaus Iohannis", "Klaus Iohannis"),
]


@pytest.mark.parametrize("source,target", GOOD_PAIRS)
def test_no_false_alarms_on_good_translations(source, target):
    assert run_checks(source, target, RO_EN) == []


def ids(source: str, target: str, ctx: QAContext = RO_EN) -> list[str]:
    return [f.check for f in run_checks(source, target, ctx)]


@pytest.mark.parametrize(
    "source,target,expected",
    [
        ("Bugetul crește cu 5,5%.", "The budget grows by 6.5%.", "numbers changed: 5,5 -> 6.5"),
        (
            "Bugetul crește cu 5,5%.",
            "The budget grows.",
            "number 5,5 is missing from the translation",
        ),
        (
            "Pe 19 iunie.",
            "On July 19.",
            "date 19 iunie: its month is missing or changed in the translation",
        ),
        ("Pe 10:00.", "At 11 a.m.", "numbers changed: 10:00 -> 11"),
        ("Costă 1.000 lei.", "It costs 1,001 lei.", "numbers changed: 1.000 -> 1,001"),
    ],
)
def test_numbers_missing_or_changed_are_errors(source, target, expected):
    findings = [f for f in run_checks(source, target, RO_EN) if f.check == "numbers"]
    assert [(f.severity, f.message) for f in findings] == [("error", expected)]


@pytest.mark.parametrize(
    "source,target",
    [
        ("Creștere de 5,5%.", "Growth of 5.5%."),
        ("Au venit 1.000 de oameni.", "1,000 people came."),
        ("Pe 19 iunie 2025.", "On June 19, 2025."),
        ("Pe 19.06.2025.", "On 19 June 2025."),
        ("Un miliard de euro: 1.000.000.000.", "One billion euros: 1 billion."),
        ("La ora 10:30.", "At 10:30."),
        ("Între orele 10:00 și 22:00.", "From 10 a.m. to 10 p.m."),
        ("Între orele 11 și 18.", "Between 11 and 6 pm."),
        ("Între 12 și 21 iunie.", "On June 12-21."),
        ("Varianta COVID-19 s-a răspândit.", "The COVID-19 variant spread."),
    ],
)
def test_numbers_in_either_locale_match(source, target):
    assert "numbers" not in ids(source, target)


def test_extra_number_in_target_is_a_warning():
    findings = run_checks("Bugetul crește.", "The budget grows by 7%.", RO_EN)
    assert [(f.check, f.severity) for f in findings] == [("numbers", "warning")]


def test_number_in_source_style_is_flagged():
    assert ids("Crește cu 1,5 puncte.", "It grows by 1,5 points.") == ["number_format"]
    assert ids("Au venit 1.000 de oameni.", "1.000 people came.") == []  # ambiguous: thousands


def test_end_punctuation_mismatch():
    findings = run_checks("Bugetul crește.", "The budget grows", RO_EN)
    assert [f.message for f in findings] == [
        "the source ends with a full stop, the translation with none"
    ]
    assert ids("Cine plătește?", "Who pays.") == ["end_punctuation"]
    assert ids("„Plătim”, a spus el.", "“We pay,” he said.") == []
    assert ids("Și apoi...", "And then…") == []


def test_spaces():
    messages = [f.message for f in run_checks("Bugetul crește.", " The  budget grows. ", RO_EN)]
    assert messages == [
        "the translation starts with a space",
        "the translation ends with a space",
        "double space in the translation",
    ]
    assert ids("Da, sigur.", "Yes , sure.") == ["spaces"]


def test_quotes_style_and_balance():
    assert ids("Ea a spus „da”.", "She said „yes”.") == ["quotes"]
    assert ids("Ea a spus „da”.", 'She said "yes".') == []
    assert ids("El a spus „nu”.", "He said “no.") == ["quotes"]
    assert ids("„Vom contracara amenințările.", '"We will counter the threats.') == []  # spans on
    assert ids("Bugetul (mare) crește.", "The (big budget grows.") == ["quotes"]
    ro_ctx = QAContext("en", "ro")
    assert ids("She said “yes”.", "Ea a spus “da”.", ro_ctx) == ["quotes"]
    assert ids("She said “yes”.", "Ea a spus „da”.", ro_ctx) == []


def test_dropped_quotes_are_only_info():
    findings = run_checks("Ea a spus „da”.", "She agreed.", RO_EN)
    assert [(f.check, f.severity) for f in findings] == [("quotes", "info")]


def test_untranslated():
    assert ids("Bugetul crește mult.", "Bugetul crește mult.") == ["untranslated"]
    assert ids("NATO", "NATO") == []
    assert ids("Klaus Iohannis, 2025", "Klaus Iohannis, 2025") == []


def test_cedilla_letters():
    findings = run_checks("The country grows.", "Ţara creşte.", QAContext("en", "ro"))
    assert [f.check for f in findings] == ["cedilla"]
    assert "ş ţ" not in findings[0].message and "ş" in findings[0].message


def test_names_missing():
    findings = run_checks(
        "Vladimir Putin a vorbit cu Emmanuel Macron.",
        "Vladimir Putin spoke with the French president.",
        RO_EN,
    )
    assert [f.message for f in findings] == [
        "'Emmanuel' is not in the translation",
        "'Macron' is not in the translation",
    ]
    assert ids("Liderii PSD s-au reunit.", "The leaders met.") == ["names"]


def test_names_tolerate_inflection_transliteration_and_acronyms():
    assert ids("Președintele lui Zelenski a vorbit.", "Zelensky's president spoke.") == []
    assert ids("Reprezentanții UE au sosit.", "EU representatives arrived.") == []
    assert ids("Oficialii SUA au sosit.", "US officials arrived.") == []
    assert ids("Miniștrii Germaniei au sosit.", "Germany's ministers arrived.") == []
    assert ids("Luni, ministrul a plecat.", "On Monday, the minister left.") == []


def test_length_ratio():
    assert ids("Bugetul crește cu mult peste așteptările tuturor analiștilor.", "Budget up.") == [
        "length"
    ]


def test_empty_target_reports_only_empty():
    findings = run_checks("Bugetul crește cu 5%.", "  ", RO_EN)
    assert [(f.check, f.severity) for f in findings] == [("empty", "error")]


def test_glossary_checks_with_inflection():
    ctx = QAContext("ro", "en", (TermHit("negocieri", "talks", ("negotiations",)),))
    findings = run_checks("Negocierile continuă.", "The negotiations continue.", ctx)
    assert [(f.check, f.severity, f.message) for f in findings] == [
        ("glossary", "warning", "'negocieri' should be translated as 'talks'"),
        (
            "forbidden",
            "error",
            "'negotiations' is a forbidden translation of 'negocieri': use 'talks'",
        ),
    ]
    assert run_checks("Negocierile continuă.", "The talks continue.", ctx) == []


@given(st.text(alphabet='0123456789.,:/ -%aăâbcdeiînorsștțu„”“"()', max_size=60))
def test_checks_never_fail_and_numbers_match_themselves(text):
    for ctx in (RO_EN, QAContext("en", "ro"), QAContext("ro", "fr")):
        findings = run_checks(text, "x" + text, ctx)
        assert all(f.check in CHECKS for f in findings)
        assert CHECKS["numbers"].func(text, text, QAContext(ctx.source_lang, ctx.source_lang)) == []


def test_every_check_has_id_and_severity():
    expected = "numbers quotes end_punctuation spaces untranslated cedilla glossary forbidden"
    assert set(CHECKS) >= {*expected.split(), "names", "length", "empty"}
    assert {c.severity for c in CHECKS.values()} <= {"error", "warning", "info"}


def test_qa_of_100_segments_is_fast():
    pairs = GOOD_PAIRS * 6
    started = time.perf_counter()
    for source, target in pairs[:100]:
        run_checks(source, target, RO_EN)
    assert time.perf_counter() - started < 1.0  # the benchmark asks 100 ms; CI machines vary


# --- stored units -------------------------------------------------------------------------


def test_qa_article_and_dismissal(db):
    units = store_article(
        db, "budget", [("Bugetul crește cu 5,5%.", "The budget grows by 6.5%."),
                       ("Dl. Ionescu a votat.", "Mr Ionescu voted.")], status="translated"
    )  # fmt: skip
    findings = qa_article(db, "budget", "en")
    assert [(f.unit_id, f.check, f.severity) for f in findings] == [(units[0], "numbers", "error")]
    assert check_unit(db, units[0])[0].message == "numbers changed: 5,5 -> 6.5"
    assert dismiss(db, units[0], "numbers", user="ed") == 1
    assert qa_article(db, "budget", "en") == []
    assert check_unit(db, units[0]) == []
    assert [f.dismissed for f in qa_article(db, "budget", "en", include_dismissed=True)] == [True]
    # A changed translation brings the finding back.
    db.execute("UPDATE units SET text = 'The budget grows by 7.5%.' WHERE id = ?", [units[0]])
    assert [f.check for f in qa_article(db, "budget", "en")] == ["numbers"]


def test_dismiss_errors(db):
    units = store_article(db, "budget", [("Bugetul crește.", "The budget grows.")])
    with pytest.raises(InputError, match="^unknown check 'nope': choose one of empty, spaces"):
        dismiss(db, units[0], "nope", user="ed")
    with pytest.raises(NotFoundError, match=f"^unit {units[0]} has no 'numbers' finding$"):
        dismiss(db, units[0], "numbers", user="ed")
    with pytest.raises(NotFoundError, match="^no unit 999$"):
        dismiss(db, 999, "numbers", user="ed")
    add_user(db, "root", "admin", by="root")
    add_user(db, "tina", "translator", ["en"], by="root")
    with pytest.raises(PermissionDenied, match="^tina is a translator: only editors or admins"):
        dismiss(db, units[0], "numbers", user="tina")


def test_qa_uses_the_glossary(db):
    add_term(db, "negocieri", "talks", target_lang="en", forbidden=["negotiations"])
    units = store_article(db, "talks", [("Negocierile continuă.", "The negotiations continue.")])
    assert [f.check for f in check_unit(db, units[0])] == ["glossary", "forbidden"]
    assert [
        f.check for f in check_text(db, "Negocierile continuă.", "Talks go on.", "ro", "en")
    ] == []


def test_new_units_are_not_checked(db):
    store_article(db, "todo", [("Bugetul crește.", "")], status="new")
    assert qa_article(db, "todo", "en") == []


def test_unknown_article(db):
    with pytest.raises(NotFoundError, match="^no article 'nope'$"):
        qa_article(db, "nope", "en")


# --- CLI ---------------------------------------------------------------------------------


def test_cli_qa_table_json_and_dismiss(run, db):
    units = store_article(db, "budget", [("Bugetul crește cu 5,5%.", "The budget grows by 6.5%.")],
                          status="translated")  # fmt: skip
    result = run("qa", "budget", "--lang", "en")
    assert result.exit_code == 1  # an error was reported: a script can stop here
    assert "numbers changed: 5,5 -> 6.5" in result.output
    assert result.output.endswith("1 error: fix them or dismiss false alarms\n")
    data = json.loads(run("qa", "budget", "--lang", "en", "--json").output)
    assert data[0]["check"] == "numbers" and data[0]["unit_id"] == units[0]
    assert set(data[0]) == {"unit_id", "article_id", "seq", "lang", "check", "severity",
                            "message", "source", "target", "dismissed"}  # fmt: skip
    result = run("qa", "dismiss", str(units[0]), "numbers")
    assert result.exit_code == 0, result.output
    assert result.output == f"Dismissed 'numbers' on unit {units[0]}.\n"
    assert run("qa", "budget", "--lang", "en").output == "No findings.\n"
    result = run("qa", "dismiss", str(units[0]), "spaces")
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: unit {units[0]} has no 'spaces' finding"


def test_cli_qa_usage(run):
    result = run("qa", "--lang", "en")
    assert result.exit_code == 2
    assert "give an article id or --all" in result.output
    assert "numbers" in run("qa", "checks").output


SAMPLE = Path(__file__).parent.parent


def test_sample_corpus_has_no_error_false_alarms(db):
    """If the project's sample corpus is present, its translations raise no errors."""
    originals = sorted((SAMPLE / "originals").glob("ro/*.md"))
    translations = sorted((SAMPLE / "translations").glob("en/*.md"))
    if not originals or not translations:
        pytest.skip("no sample corpus yet")
    from tool.services.importer import import_originals
    from tool.services.translations import import_translations

    import_originals(db, originals)
    import_translations(db, translations)
    errors = qa_article(db, None, "en", minimum_severity="error")
    assert errors == [], "\n".join(f"{f.source} | {f.target}: {f.message}" for f in errors)
