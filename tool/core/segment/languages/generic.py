"""Rules for languages without their own: a few abbreviations shared across Europe."""

from tool.core.segment.languages.common import COMMON_FINAL, COMMON_NEVER
from tool.core.segment.rules import Rules, words

RULES = Rules(
    never=words(COMMON_NEVER, "dr prof nr art z.b bzw d.h vgl т.е им ул"),
    before_number=words("no p pp s"),
    final=words(COMMON_FINAL, "usw т.д т.п"),
)
