"""Romanian: abbreviations after DOOM and newsroom use, dialogue dashes, literary lower case.

A capital after a colon starts a quotation or a new sentence, never the same sentence going
on; a sentence in literary text may start in lower case after a full stop.
"""

import re

from tool.core.segment.languages.common import COMMON_FINAL, COMMON_NEVER
from tool.core.segment.rules import Rules, words

RULES = Rules(
    never=words(
        COMMON_NEVER,
        "dl dlui dna dnei dra d-na d-l d-lui d-nei d-ra d-ta d-voastră dvs nr art alin lit str",
        "bd bul cal șos şos sos aprox prof dr col lt mr cpt pag vol fig ed pct tel sf ing mun",
        "jud com ec av conf lect univ acad asist pr pt resp ex sg plt subst interj conj prep",
        "pron compar coord trad urm ibid id a.î d.p.d.v adj adv lat engl germ magh",
        "pl sing masc fem neutr reg op cit dir coresp bl sc et ap sect slt arh",
    ),
    before_number=words("p pp cap min max ian feb mar mart apr iun iul aug sept oct nov dec"),
    units=words("sec mil mld km kg gr ha cm mm"),
    final=words(
        COMMON_FINAL,
        "ș.a ş.a ș.a.m.d ş.a.m.d ș.c.l ş.c.l ș.m.a ş.m.a a.c î.hr d.hr î.e.n e.n î.chr d.chr",
    ),
    weak=words("gen s.a s.r.l s.c srl sa inc ltd co corp jr sr"),
    openers=words(
        "în la de pe cu din prin pentru după înainte dar și iar însă totuși apoi astfel deci",
        "acesta aceasta acestea aceștia acest această acel acea acei acele el ea ei ele eu noi",
        "voi tu se s-a nu da este sunt era a au un o unii unele cei cele care ce cum când unde",
        "dacă deși fiindcă potrivit conform totodată există mai toate toți fiecare nici așa",
        "atunci acum aici ca sau să fie am ne ni le lor până către spre printre între asta",
        "aceea acela primul prima al doilea ulterior anterior iată desigur bineînțeles poate",
        "probabil nimeni nimic oricum totul tot toată cine ceva cineva fără sub peste lângă",
        "avea aveau fost fi ar are e mi-a mi i-a l-a ne-a v-a le-a s-au au am ați vă îi îl",
        "mă te ne nimeni niciun nicio multe mulți câțiva câteva alte alții altele altfel",
    ),
    cased=words("Al Gh Th Em Şt Șt"),
    lower_start_length=4,
    closings=frozenset(["cu stimă", "cu respect", "cu drag", "cu bine", "toate cele bune"]),
    colon_breaks=True,
    # a noun with the definite article is no name: "Scorul", "Fenomenul", "Comisiei"
    colon_noun=re.compile(r"[A-ZĂÂÎȘŞȚŢ][a-zăâîșşțţ]{2,}(?:ul|ului|urile|urilor|ele|elor|ilor)"),
)
