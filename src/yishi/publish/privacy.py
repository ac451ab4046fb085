"""Personal data kept out of everything public (个人信息最小化).

Three rules, applied to the disclosure document before any publisher sees it,
so no channel can forget them:

- a resident identity-card number (18 characters, GB 11643: 17 digits and a
  check character computed mod 11) is masked to its first four and last four
  characters; only strings whose check character is right are taken for ID
  numbers, so a contract or account number of the same length is left alone;
- a mainland mobile number (11 digits starting 13–19) keeps its first three
  and last four digits; a landline with an area code (0xx-xxxxxxx) keeps the
  area code and last two digits;
- the fields a privacy policy names are withheld entirely, and a matter type
  can withhold whole sections of its disclosure (a 低保 assessment shows who
  qualified, never the household's finances or the votes' breakdown).

Pure: no I/O.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import attrs

from yishi.domain.rules import DISCLOSURE_SECTIONS, RuleSet

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# Not inside a longer run of digits: a 20-digit account number is not an ID.
_ID = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{16}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<![\d-])(0\d{2,3})[- ]?(\d{5,6})(\d{2})(?![\d-])")


def id_check_char(first17: str) -> str:
    """The check character of an 18-character ID number (GB 11643-1999)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def is_id_number(text: str) -> bool:
    """True for an 18-character resident ID number whose check character is right."""
    if len(text) != 18 or not text[:17].isdigit():
        return False
    return id_check_char(text[:17]) == text[17].upper()


def _mask_id(match: re.Match[str]) -> str:
    number = match.group(1)
    if not is_id_number(number):
        return number
    return number[:4] + "*" * 10 + number[-4:]


# Every pattern above needs seven digits or more, allowing separators: most text has none.
_CANDIDATE = re.compile(r"\d[\d -]{6,}")


@functools.lru_cache(maxsize=8192)
def mask_text(text: str) -> str:
    """``text`` with every ID number and phone number masked."""
    if _CANDIDATE.search(text) is None:
        return text
    text = _ID.sub(_mask_id, text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}-{'*' * len(m.group(2))}{m.group(3)}", text)


# Digests are hex: a run of their digits could look like a phone number.
DIGEST_KEYS = frozenset({"sha256", "head"})


def mask_all(value: Any) -> Any:
    """Every string inside ``value`` (dicts, lists) masked, except digests; keys stay."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {k: v if k in DIGEST_KEYS else mask_all(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_all(v) for v in value]
    return value


WITHHELD = "（依规不予公开）"
WITHHELD_EN = "(withheld by rule)"


@attrs.frozen
class PrivacyPolicy:
    """What a community's disclosures never show, beyond the ID and phone masks.

    ``withhold_fields``: keys removed wherever they occur in the document
    (``"reason"`` hides every recusal reason). ``matter_types``: for a matter
    type, the document sections it withholds (``"decisions"``, ``"recusals"``,
    ``"objections"``, ``"implementation"``, ``"text"``, ``"counts"``).
    """

    withhold_fields: frozenset[str] = frozenset()
    matter_types: Mapping[str, frozenset[str]] = attrs.field(factory=dict)

    def sections_withheld(self, matter_type: str | None) -> frozenset[str]:
        return self.matter_types.get(matter_type or "", frozenset())

    @classmethod
    def from_ruleset(cls, ruleset: RuleSet) -> PrivacyPolicy:
        """What the rule set withholds: ``[privacy] withhold`` and ``matter_types.*.withhold``."""
        return cls(
            frozenset(ruleset.privacy_withhold),
            {k: frozenset(t.withhold) for k, t in ruleset.matter_types.items() if t.withhold},
        )

    def __or__(self, other: PrivacyPolicy) -> PrivacyPolicy:
        """Both policies at once: everything either withholds is withheld."""
        types = dict(self.matter_types)
        for name, sections in other.matter_types.items():
            types[name] = types.get(name, frozenset()) | sections
        return PrivacyPolicy(self.withhold_fields | other.withhold_fields, types)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> PrivacyPolicy:
        """From a ``[privacy]`` table: ``withhold = [...]`` and ``[privacy.matter_types]``."""
        fields = data.get("withhold", [])
        types = data.get("matter_types", {})
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise ValueError("privacy.withhold: expected a list of field names")
        if not isinstance(types, Mapping):
            raise ValueError("privacy.matter_types: expected a table of matter types")
        sections: dict[str, frozenset[str]] = {}
        for name, listed in types.items():
            if not isinstance(listed, list) or not all(s in SECTIONS for s in listed):
                raise ValueError(
                    f"privacy.matter_types.{name}: expected a list drawn from {sorted(SECTIONS)}"
                )
            sections[name] = frozenset(listed)
        return cls(frozenset(fields), sections)


SECTIONS = frozenset(DISCLOSURE_SECTIONS)


def withhold(value: Any, fields: frozenset[str]) -> Any:
    """``value`` without the named keys, at any depth."""
    if not fields:
        return value
    if isinstance(value, Mapping):
        return {k: withhold(v, fields) for k, v in value.items() if k not in fields}
    if isinstance(value, list):
        return [withhold(v, fields) for v in value]
    return value
