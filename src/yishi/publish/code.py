"""The verification code printed on every disclosure (核验码): short enough to type.

``code = first 40 bits of SHA-256("yishi-code/1\\n" + disclosure id + "\\n" + SIZE:HEAD)``,
written in Crockford's base32 as eight characters in two groups (``7K3M-Q9TD``).
SIZE:HEAD is the checkpoint the disclosure was made from, so the code ties the
notice to one disclosure at one point of one log. ``yishi verify --code`` finds
the disclosure in the log whose code matches, checks the chain up to its
checkpoint and prints what was posted, for the reader to compare with the
paper. Reading is forgiving: case, spaces and hyphens are ignored, and the
letters people confuse with digits (O, I, L) read as 0, 1, 1.

The code is a locator and a consistency check, not a signature: the hash chain
(``yishi verify``) is what shows the record was not changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_READ = {c: c for c in ALPHABET} | {"O": "0", "I": "1", "L": "1"}
PREFIX = "yishi-code/1"


def verification_code(disclosure: str, checkpoint: Mapping[str, Any]) -> str:
    """The eight-character code of a disclosure made at ``checkpoint`` ({"size", "head"})."""
    message = f"{PREFIX}\n{disclosure}\n{checkpoint['size']}:{checkpoint['head']}"
    value = int.from_bytes(hashlib.sha256(message.encode("utf-8")).digest()[:5], "big")
    chars = "".join(ALPHABET[(value >> shift) & 31] for shift in range(35, -1, -5))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_code(text: str) -> str | None:
    """A typed code in its canonical form (``7K3M-Q9TD``), or None if it cannot be one."""
    chars = [c for c in text.upper() if c not in " -_"]
    if len(chars) != 8 or any(c not in _READ for c in chars):
        return None
    canonical = "".join(_READ[c] for c in chars)
    return f"{canonical[:4]}-{canonical[4:]}"
