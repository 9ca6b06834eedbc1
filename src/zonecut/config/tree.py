"""The desired zone tree: every declared zone with its resolved parent and depth."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from zonecut.names import closest_ancestor

if TYPE_CHECKING:
    from zonecut.config.models import Config


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


@dataclass(frozen=True)
class DesiredZone:
    """One declared zone as zonecut wants it.

    ``tags`` are sorted ``(key, value)`` pairs (a tuple, so the zone stays hashable);
    :attr:`tag_dict` gives them as a dict.
    """

    name: str
    account_key: str
    account_id: str
    parent: str | None
    root: bool
    ns_ttl: int
    comment: str | None
    tags: tuple[tuple[str, str], ...]
    zone_id: str | None
    depth: int

    @property
    def tag_dict(self) -> dict[str, str]:
        return dict(self.tags)


@dataclass(frozen=True)
class DesiredTree:
    """All declared zones, parents before children (by depth, then name)."""

    zones: tuple[DesiredZone, ...]
    _by_name: dict[str, DesiredZone] = field(init=False, repr=False, compare=False, hash=False)
    _children: dict[str, tuple[DesiredZone, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.zones, key=lambda zone: (zone.depth, zone.name)))
        children: dict[str, list[DesiredZone]] = {}
        for zone in ordered:
            if zone.parent is not None:
                children.setdefault(zone.parent, []).append(zone)
        object.__setattr__(self, "zones", ordered)
        object.__setattr__(self, "_by_name", {zone.name: zone for zone in ordered})
        object.__setattr__(self, "_children",
                           {name: tuple(kids) for name, kids in children.items()})

    def __iter__(self) -> Iterator[DesiredZone]:
        return iter(self.zones)

    def __len__(self) -> int:
        return len(self.zones)

    def get(self, name: str) -> DesiredZone | None:
        """The zone of canonical ``name``; None when not declared."""
        return self._by_name.get(name)

    def children(self, name: str) -> tuple[DesiredZone, ...]:
        """The zones whose parent is ``name``, sorted by name."""
        return self._children.get(name, ())

    def roots(self) -> tuple[DesiredZone, ...]:
        """The zones without a declared parent."""
        return tuple(zone for zone in self.zones if zone.parent is None)


def build_tree(config: Config) -> DesiredTree:
    """Resolve parents, depths, accounts and effective TTLs of a valid config."""
    declared = {zone.name for zone in config.zones}
    key_of = {account.id: key for key, account in reversed(config.accounts.items())}
    key_of.update({key: key for key in config.accounts})
    depth: dict[str, int] = {}
    built: list[DesiredZone] = []
    for spec in sorted(config.zones, key=lambda zone: zone.name.count(".")):
        parent = declared_parent(spec.name, declared)
        depth[spec.name] = 0 if parent is None else depth[parent] + 1
        key = key_of.get(spec.account)
        account = config.accounts[key] if key is not None else None
        built.append(DesiredZone(
            name=spec.name,
            account_key=key if key is not None else spec.account,
            account_id=account.id if account is not None else spec.account,
            parent=parent,
            root=spec.root,
            ns_ttl=spec.ns_ttl if spec.ns_ttl is not None else config.defaults.ns_ttl,
            comment=spec.comment,
            tags=tuple(sorted(spec.tags.items())),
            zone_id=spec.zone_id,
            depth=depth[spec.name],
        ))
    return DesiredTree(tuple(built))
