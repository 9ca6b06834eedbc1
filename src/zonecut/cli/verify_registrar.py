"""`zonecut verify`: the root zones against their registrar (Route 53 Domains), read
through the runtime's accounts and judged by :mod:`zonecut.verify.registrar`."""

from __future__ import annotations

from collections.abc import Sequence

from zonecut.apply.registrar import read_registrars
from zonecut.runtime import Runtime
from zonecut.verify.findings import Finding
from zonecut.verify.registrar import check_registrar
from zonecut.verify.targets import DelegationTarget


def registrar_findings(runtime: Runtime, targets: Sequence[DelegationTarget]
                       ) -> list[Finding]:
    """The root zones among verify's ``targets`` against their registrar."""
    found: list[Finding] = []
    for view in read_registrars(runtime.fleet, runtime.tree.zones, targets):
        found.extend(check_registrar(view.zone, view.name_servers, view.signing, view.domain))
    return found
