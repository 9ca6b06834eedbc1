"""What apply says of its DNSSEC steps (zonecut.apply.dnssec.DnssecResult)."""

from __future__ import annotations

from typing import Any

from zonecut.apply.dnssec import DnssecResult


def dnssec_summary(result: DnssecResult) -> str:
    parts = []
    if result.signed:
        parts.append(f"{len(result.signed)} zone(s) signed")
    if result.ds_written:
        parts.append(f"{len(result.ds_written)} DS record(s) written")
    if result.ds_removed:
        parts.append(f"{len(result.ds_removed)} DS record(s) removed")
    if result.unsigned:
        parts.append(f"{len(result.unsigned)} zone(s) unsigned")
    parts.extend(result.registrar)
    return ", ".join(parts) or "DNSSEC unchanged"


def dnssec_data(result: DnssecResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {"signed": result.signed, "unsigned": result.unsigned,
            "ds_written": result.ds_written, "ds_removed": result.ds_removed,
            "registrar_ds": {k: list(v) for k, v in result.registrar_ds.items()},
            "registrar": list(result.registrar),
            "waited_seconds": round(result.waited, 3)}
