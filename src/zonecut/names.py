"""DNS names: validation, normalisation and label-boundary relations.

A *canonical* name in zonecut is lower case ASCII (IDNA A-labels), without the
trailing dot, with Route 53's octal escapes (``\\052`` for ``*``) decoded.
Everything inside zonecut compares canonical names only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import idna

MAX_NAME_OCTETS = 253
MAX_LABEL_OCTETS = 63

_LABEL_RE = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_OCTAL_RE = re.compile(r"\\([0-7]{3})")
_ESCAPE_OR_BACKSLASH_RE = re.compile(r"\\([0-7]{3})?")
_BACKSLASH_ESCAPE = "\\134"
_CODEPOINT_RE = re.compile(r"U\+([0-9A-F]{4,6})")


class InvalidName(ValueError):
    """A name that cannot be a hosted zone or record name."""


def decode_route53(name: str) -> str:
    """Decode Route 53's ``\\ooo`` octal escapes (``\\052`` is ``*``)."""
    return _OCTAL_RE.sub(lambda m: chr(int(m.group(1), 8)), name)


def _decode_keeping_backslashes(name: str) -> str:
    """Decode ``\\ooo`` escapes, but keep every backslash written as ``\\134``.

    A backslash that came out of (or stayed after) decoding could otherwise start a
    new escape on the next pass; writing it as Route 53 does keeps decoding stable.
    """

    def replace(match: re.Match[str]) -> str:
        digits = match.group(1)
        char = chr(int(digits, 8)) if digits else "\\"
        return _BACKSLASH_ESCAPE if char == "\\" else char

    return _ESCAPE_OR_BACKSLASH_RE.sub(replace, name)


def _trim(text: str) -> str:
    """Strip white space and one trailing dot (``a..`` keeps its dots: an empty label)."""
    while True:
        before = text
        text = text.strip()
        if text.endswith(".") and not text.endswith("..") and text != ".":
            text = text[:-1]
        if text == before:
            return text


def _idna_reason(exc: idna.IDNAError) -> str:
    """Why IDNA 2008 refuses a label, in words a user can act on."""
    text = str(exc)
    found = _CODEPOINT_RE.search(text)
    if isinstance(exc, idna.InvalidCodepoint) and found:
        char = chr(int(found.group(1), 16))
        return (f"{char!r} (U+{found.group(1)}) is not allowed in a domain name by IDNA "
                "2008 (emoji, symbols and punctuation are not; letters, digits and '-' are)")
    if isinstance(exc, idna.InvalidCodepointContext):
        return f"{text} (IDNA 2008 allows it only between certain letters)"
    if isinstance(exc, idna.IDNABidiError):
        return f"{text} (IDNA 2008's rules for right-to-left labels)"
    if "too long" in text.lower() or "empty" in text.lower():
        return f"it is empty or longer than {MAX_LABEL_OCTETS} octets once encoded"
    return text


def _label_to_ascii(label: str) -> str:
    """A unicode label as its IDNA 2008 A-label, after UTS 46 mapping (case folding,
    width and compatibility forms), non-transitional (``ß`` stays ``ß``)."""
    if label.isascii():
        return label
    try:
        return idna.encode(label, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError as exc:
        shown = label if len(label) <= 30 else label[:30] + "..."
        raise InvalidName(
            f"label {shown!r} is not a valid internationalised label: {_idna_reason(exc)}"
        ) from exc
    except UnicodeError as exc:  # a lone surrogate, which no encoding can write
        shown = label if len(label) <= 30 else label[:30] + "..."
        raise InvalidName(f"label {shown!r} is not a valid internationalised label: "
                          f"{exc}") from exc


def _a_label_problem(label: str) -> str | None:
    """Why an ``xn--`` label is no valid IDNA 2008 A-label, or None when it is one."""
    try:
        idna.decode(label)
    except idna.IDNAError as exc:
        return f"label {label!r} is not a valid IDNA 2008 A-label: {_idna_reason(exc)}"
    return None


def _to_ascii(name: str) -> str:
    if name.isascii():
        return name
    return ".".join(_label_to_ascii(label) for label in name.split("."))


def normalize(name: str) -> str:
    """Return the canonical form of ``name`` without validating it.

    Lower case, no trailing dot, octal escapes decoded, unicode labels as IDNA
    A-labels, a literal backslash as ``\\134``. Idempotent:
    ``normalize(normalize(x)) == normalize(x)``. Raises :class:`InvalidName` only
    when the name cannot be written in ASCII (bad IDNA) or has no stable form.
    """
    canon = _normalize_once(name)
    if _normalize_once(canon) != canon:
        raise InvalidName("the name has no stable canonical form (an escape or a character "
                          "that turns into one)")
    return canon


def _normalize_once(name: str) -> str:
    text = _trim(_decode_keeping_backslashes(name))
    return _trim(_to_ascii(text).lower())


def problems(name: str, *, allow_wildcard: bool = False) -> list[str]:
    """Everything wrong with ``name`` as a zone (or record) name; empty when valid."""
    try:
        canon = normalize(name)
    except InvalidName as exc:
        return [str(exc)]
    if not canon:
        return ["the name is empty"]
    found: list[str] = []
    if len(canon) > MAX_NAME_OCTETS:
        found.append(f"the name is {len(canon)} octets long; at most {MAX_NAME_OCTETS} are allowed")
    labels = canon.split(".")
    for index, label in enumerate(labels):
        if not label:
            message = "the name has an empty label (two dots in a row, or a leading dot)"
            if message not in found:
                found.append(message)
            continue
        if len(label) > MAX_LABEL_OCTETS:
            found.append(
                f"label {label[:20]!r}... is {len(label)} octets long; "
                f"at most {MAX_LABEL_OCTETS} are allowed"
            )
            continue
        if label == "*" and allow_wildcard and index == 0:
            continue
        if label.startswith("xn--"):
            problem = _a_label_problem(label)
            if problem is not None:
                found.append(problem)
                continue
        if not _LABEL_RE.match(label):
            found.append(
                f"label {label!r} may only hold letters, digits, '-' and '_', "
                "and may not start or end with '-'"
            )
    if len(labels) < 2 and not found:
        found.append("a zone name needs at least two labels (a top-level domain cannot be a zone)")
    return found


def canonical(name: str, *, allow_wildcard: bool = False) -> str:
    """Validate and normalise; raise :class:`InvalidName` with every problem found."""
    found = problems(name, allow_wildcard=allow_wildcard)
    if found:
        raise InvalidName(f"{name!r}: " + "; ".join(found))
    return normalize(name)


def is_at_or_below(name: str, ancestor: str) -> bool:
    """True when canonical ``name`` equals ``ancestor`` or lies below it on a label boundary.

    ``badexample.com`` is not below ``example.com``.
    """
    return name == ancestor or name.endswith("." + ancestor)


def is_below(name: str, ancestor: str) -> bool:
    """True when canonical ``name`` lies strictly below ``ancestor`` (label boundary)."""
    return name != ancestor and name.endswith("." + ancestor)


def closest_ancestor(name: str, candidates: Iterable[str]) -> str | None:
    """The longest candidate strictly above ``name`` on a label boundary, if any."""
    best: str | None = None
    for candidate in candidates:
        if is_below(name, candidate) and (best is None or len(candidate) > len(best)):
            best = candidate
    return best


def to_fqdn(name: str) -> str:
    """The canonical name with a trailing dot, as Route 53 and DNS wire text expect."""
    return name + "."


def iam_normalized(name: str) -> str:
    """The form IAM's ``route53:ChangeResourceRecordSetsNormalizedRecordNames`` uses.

    Lower case, no trailing dot, characters outside ``[a-z0-9-_.]`` as ``\\ooo`` octal.
    """
    canon = decode_route53(normalize(name))
    return "".join(
        ch if (ch.isascii() and (ch.isalnum() or ch in "-_.")) else f"\\{ord(ch):03o}"
        for ch in canon
    )
