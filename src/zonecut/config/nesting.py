"""How declared names nest: a zone's closest declared parent, and the absolute name of
a record declared in a zone."""

from __future__ import annotations

from collections.abc import Collection

from zonecut.names import closest_ancestor, is_at_or_below, normalize


def label_suffixes(name: str) -> list[str]:
    """The names strictly above canonical ``name`` on label boundaries, nearest first.

    ``a.b.example.com`` -> ``b.example.com``, ``example.com``, ``com``.
    """
    labels = name.split(".")
    return [".".join(labels[index:]) for index in range(1, len(labels))]


def declared_parent(name: str, declared: Collection[str]) -> str | None:
    """The closest declared ancestor of canonical ``name`` on a label boundary, if any.

    ``badexample.com`` has no parent in ``{"example.com"}``. Looks up only the
    name's own suffixes, so it stays fast for large ``declared`` sets.
    """
    return closest_ancestor(name, [s for s in label_suffixes(name) if s in declared])


def record_name(name: str, zone: str) -> str:
    """The absolute canonical name of a record declared as ``name`` in ``zone``.

    ``@`` is the apex; a name inside the zone (``www.dev.example.com``) is taken as is;
    a name with a trailing dot is absolute; anything else is relative to the zone.
    """
    text = name.strip()
    if text == "@":
        return zone
    canon = normalize(text)
    if text.endswith(".") or is_at_or_below(canon, zone):
        return canon
    return f"{canon}.{zone}"
