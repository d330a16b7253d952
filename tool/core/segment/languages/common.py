"""Abbreviations shared by the languages written in Latin script."""

COMMON_NEVER = "e.g i.e cf viz vs approx ca cca"
COMMON_FINAL = "etc"
