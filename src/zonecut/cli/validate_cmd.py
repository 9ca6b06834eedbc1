"""`zonecut validate` and `zonecut schema`: the config file alone (no AWS calls)."""

from __future__ import annotations

import json

from zonecut.cli.options import (
    DEFAULT_CONFIG,
    ConfigOpt,
    out,
    read_config,
)


def validate(config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Check the config file only (no AWS calls)."""
    cfg = read_config(config)
    out.print(f"{config}: ok: {len(cfg.zones)} zone(s) in {len(cfg.accounts)} account(s)",
              highlight=False)


def schema() -> None:
    """Print the config's JSON Schema (for editors and CI checks)."""
    from zonecut.config.schema import json_schema

    out.print_json(json.dumps(json_schema()))
