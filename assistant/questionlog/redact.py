"""Take readers' contact details out of text before the question log keeps or exports it.

Emails, phone numbers and street addresses become `[email]`, `[phone]` and `[address]`; a name
is caught only where the reader introduces it ("my name is Ann Lee" → "my name is [name]"), since
telling names apart from exercises, places and brands needs a model, not a pattern. The patterns
are built to leave alone what runners write: "30 seconds", "3 sets of 10", "90-degree", "5K",
"15 to 20 minutes", "52 years old", "6:30", "4:45/km", "2024-05-12". URLs are left as they are.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}")

# Seven to fifteen digits in groups, as phone numbers are written in most countries: an optional
# +country code, an optional (area code), and separators of one space, dot or hyphen. Fewer than
# seven digits is a pace, a rep range or an age; NOT_PHONE keeps dates, year ranges, thousands
# ("1 000 000") and lists of three-digit numbers ("200-400-800 m") out, unless a + or ( says phone.
PHONE = re.compile(
    r"(?<![\w+/.:-])"
    r"(?:\+\d{1,3}[ .-]?)?"
    r"(?:\(\d{1,5}\)[ .-]?)?"
    r"\d{1,15}(?:[ .-]\d{1,8}){0,5}"
    r"(?![\w/:]|[.-]\d)"
)
NOT_PHONE = re.compile(
    r"\d{4}[-.]\d{1,2}[-.]\d{1,2}"  # 2024-05-12
    r"|\d{1,2}[-.]\d{1,2}[-.]\d{2,4}"  # 12.05.2024
    r"|(?:19|20)\d\d ?- ?(?:19|20)\d\d"  # 2019-2024
    r"|\d{1,3}(?:[ .-]\d{3})+"  # 1 000 000, 200-400-800
    r"|\d{7,8}"  # a bare count or a date like 20240512; bare phone numbers have 9 digits or more
)
PHONE_DIGITS = (7, 15)

STREET_TYPES = (
    "street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|place|pl|terrace|"
    "close|crescent|cres|parkway|pkwy|highway|hwy|square|sq|circle|cir|gardens|grove|row|mews"
)
# A house number, one to four capitalised words and a street type ("42 Elm Street", "7b Old Mill
# Lane"), then an optional flat and an optional "City, ST 12345". The capitals keep "5 miles down
# the road" out; a lone five-digit number ("10000 steps") is never read as a ZIP code.
ADDRESS = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?"
    r"(?: [A-Z][A-Za-z'-]*){1,4} "
    rf"(?i:{STREET_TYPES})\b"
    r"(?:,? (?i:apt|apartment|unit|suite|flat|#) ?[A-Za-z]?\d{1,5}[A-Za-z]?\b)?"
    r"(?:(?:,? [A-Z][A-Za-z'-]*){0,3},? (?:[A-Z]{2} )?\d{5}(?:-\d{4})?\b)?"
)
# Written in lower case, an address is caught only after a cue: "I live at 42 elm street".
CUED_ADDRESS = re.compile(
    r"\b((?i:live|lives|living|stay|staying) (?i:at|on) |(?i:address is|address:) ?)"
    rf"\d{{1,5}}[A-Za-z]?(?: [A-Za-z'-]+){{1,4}} (?i:{STREET_TYPES})\b"
)
# British postcodes ("SW1A 1AA"): capitals only, so "vo2 max" or "4x400" never match.
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b")
NAME = re.compile(r"\b((?i:my name is|my name's|i am called|call me) )[A-Z][a-z'-]+(?: [A-Z][a-z'-]+){0,2}")


def redact(text: str) -> str:
    """`text` with emails, phone numbers, street addresses and self-introduced names replaced."""
    if not text:
        return text
    text = EMAIL.sub("[email]", text)
    text = ADDRESS.sub("[address]", text)
    text = CUED_ADDRESS.sub(r"\1[address]", text)
    text = POSTCODE.sub("[address]", text)
    text = PHONE.sub(_phone_or_keep, text)
    return NAME.sub(r"\1[name]", text)


def redact_optional(text: str | None) -> str | None:
    return None if text is None else redact(text)


def _phone_or_keep(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(char.isdigit() for char in found)
    if not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        return found
    if found[0] not in "+(" and NOT_PHONE.fullmatch(found):
        return found
    return "[phone]"
