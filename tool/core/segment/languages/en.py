"""English: titles, Latin abbreviations, months, US states in news style, company suffixes.

Sentences start with a capital; a capital after a colon or a semicolon does not start one
(American style capitalises a full sentence after a colon), except after a broken-off
utterance ("We need a — Do you have ..."). Sources besides usage: the English suppressions
of CLDR (Unicode licence).
"""

from tool.core.segment.languages.common import COMMON_FINAL, COMMON_NEVER
from tool.core.segment.rules import Rules, words

RULES = Rules(
    never=words(
        COMMON_NEVER,
        "mr mrs ms messrs mme mlle dr prof mt gov gen col lt sgt capt cmdr adm maj brig",
        "rev hon pres sen rep supt insp det assoc asst dept univ est fig figs eq eqs ch chap",
        "vol vols pp ed eds trans dist attn ref refs nos pvt cpl cdr misc",
    ),
    before_number=words(
        "no nr art sec p pg op tel ext min max jan feb mar apr jun jul aug sep sept oct nov dec"
    ),
    final=words(COMMON_FINAL),
    weak=words(
        "a.m p.m inc ltd co corp llc plc bros jr sr esq ave blvd rd st sq hwy al ft",
        "ala ariz calif colo conn fla ga kan ky md mich minn mont neb nev okla penn tenn tex",
        "va vt wis wyo",  # US states in news style (not the ones that are also words: "ill.")
    ),
    openers=words(
        "the a an this that these those it its he she they we i you his her their our my your",
        "there here but and or so yet however in on at for from with by as if when while after",
        "before although though because since during then now also still many most some all no",
        "not one two both each every such what who why how where which first finally meanwhile",
        "according despite under over into about last next other another more today yesterday",
        "tomorrow is was are were has have had do does did can could will would should may",
        "might must let please thus hence instead indeed yes oh well see look",
    ),
    dash_breaks=True,
    not_openers=words("I"),
    # textbooks and web pages copied as text keep footnote references as bare numbers:
    # "... minority rights. 4 Even though ..." (Romanian official texts number sections so)
    footnote_numbers=True,
    closings=frozenset(
        [
            "sincerely",
            "respectfully",
            "regards",
            "best regards",
            "kind regards",
            "yours truly",
            "sincerely yours",
            "yours sincerely",
            "yours faithfully",
            "best wishes",
            "cheers",
            "thanks",
            "thank you",
            "best",
            "warm regards",
            "love",
        ]
    ),
    # a short quotation of several sentences stays in the sentence that quotes it:
    # 'His mother wrote, "He has no fault but love. In short, he is in love."'
    quote_pairs=('""', "“”"),
)
