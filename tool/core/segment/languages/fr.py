"""French: abbreviations after the Imprimerie nationale's rules and common use, « » quotes
with their spaces, spaced ! ? ; :, "av. J.-C.".

Sources besides them: the French suppressions of CLDR (Unicode licence) and the French list
of sentencex (MIT, Wikimedia Foundation). "M." (Monsieur) never ends a sentence, "J.-C." may.
A capital after a semicolon starts a new sentence when it is a common opener.
"""

import re

from tool.core.segment.rules import Rules, words

RULES = Rules(
    never=words(
        "m mm mgr dr pr st ste mr me vve cf p.ex c.-à-d c-à-d env ex ibid id op cit loc.cit",
        "éd édit dir coll réf tél fax n.b av apr bd boul fg pl gén lt col cap sgt adj cdt",
        "trad ill illustr anon comm prof all var dest dict append imprim encycl indus équiv",
        "e.g i.e vs ca cca resp suiv sqq sq",
    ),
    before_number=words(
        "p pp no n° t vol chap art fig al ann nov oct sept déc janv févr avr juil",
    ),
    units=words("km kg cm mm ha hab mds md mrd"),
    final=words("etc j.-c av.j.-c apr.j.-c cie"),
    weak=words("inc ltd co corp jr sr s.a"),
    openers=words(
        "le la les l un une des de du d au aux ce cet cette ces c il elle ils elles on nous",
        "vous je j tu en dans sur sous pour par avec sans après avant depuis pendant selon mais",
        "et ou donc car puis ensuite enfin alors ainsi cependant pourtant toutefois néanmoins",
        "or si s quand lorsque comme même tous tout toute toutes chaque plusieurs certains",
        "certaines aucun aucune son sa ses leur leurs mon ma mes notre nos votre vos qui que qu",
        "quoi où comment pourquoi voici voilà à y là ici non oui déjà encore aujourd hier",
        "demain n ne entre vers chez contre malgré grâce parmi dès outre sauf",
    ),
    opener_form=re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]{3,}ment"),  # an adverb: "Naturellement"
    lower_start_length=5,
    closings=frozenset(
        [
            "cordialement",
            "bien cordialement",
            "bien à vous",
            "amicalement",
            "salutations",
            "sincèrement",
        ]
    ),
)
