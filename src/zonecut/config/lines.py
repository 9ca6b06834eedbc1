"""Where each zone is declared in a config's text (for SARIF locations). Pure."""

from __future__ import annotations

import contextlib

import yaml

from zonecut.names import InvalidName, canonical


def zone_lines(text: str) -> dict[str, int]:
    """Canonical zone name -> the 1-based line of its item in ``zones:``; ``{}`` for text
    that is not a config (the loader reports that; this only adds locations)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    found: dict[str, int] = {}
    for key, value in root.value:
        if not (isinstance(key, yaml.ScalarNode) and key.value == "zones"
                and isinstance(value, yaml.SequenceNode)):
            continue
        for item in value.value:
            if not isinstance(item, yaml.MappingNode):
                continue
            for field, name in item.value:
                if isinstance(field, yaml.ScalarNode) and field.value == "name" \
                        and isinstance(name, yaml.ScalarNode):
                    with contextlib.suppress(InvalidName):
                        found.setdefault(canonical(name.value), item.start_mark.line + 1)
    return found
