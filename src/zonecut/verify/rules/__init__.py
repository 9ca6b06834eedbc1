"""The verification rules: one small function per finding code, grouped by subject.

Every rule takes a :class:`~zonecut.verify.views.DelegationView` and the policy and
returns findings; none raises, none sends a packet. :data:`RULES_IN_ORDER` is the
order :func:`zonecut.verify.checks.check` runs them in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from zonecut.verify.findings import Finding
from zonecut.verify.rules.apex import extra_ns_in_apex
from zonecut.verify.rules.bounds import ns_address_not_routable
from zonecut.verify.rules.consistency import ns_inconsistent, soa_serial_inconsistent
from zonecut.verify.rules.delegation import (
    cname_at_delegation,
    dangling_delegation,
    extra_ns_in_parent,
    not_delegated,
    ns_mismatch,
    servers_failing,
    takeover_in_progress,
)
from zonecut.verify.rules.hygiene import (
    apex_ns_edited,
    grandparent_delegation,
    ns_ttl_policy,
    occluded_records,
    record_limit_near,
)
from zonecut.verify.rules.lookup import duplicate_zone, zone_missing, zone_unread
from zonecut.verify.rules.parent import parent_servers_disagree, parent_unreachable, walk_failed
from zonecut.verify.rules.servers import (
    lame_server,
    ns_name_unresolvable,
    server_slow,
    server_unreachable,
)
from zonecut.verify.targets import VerifyPolicy
from zonecut.verify.views import DelegationView

Rule = Callable[[DelegationView, VerifyPolicy], list[Finding]]

RULES_IN_ORDER: Sequence[Rule] = (
    zone_unread,
    zone_missing,
    duplicate_zone,
    takeover_in_progress,
    dangling_delegation,
    servers_failing,
    cname_at_delegation,
    not_delegated,
    walk_failed,
    parent_unreachable,
    parent_servers_disagree,
    extra_ns_in_parent,
    extra_ns_in_apex,
    ns_mismatch,
    ns_name_unresolvable,
    ns_address_not_routable,
    lame_server,
    server_unreachable,
    server_slow,
    soa_serial_inconsistent,
    ns_inconsistent,
    apex_ns_edited,
    grandparent_delegation,
    occluded_records,
    ns_ttl_policy,
    record_limit_near,
)

# The rules that read the Route 53 data only (still run when the DNS probe of a zone
# was cut short by a deadline).
API_RULES: Sequence[Rule] = (
    zone_missing,
    duplicate_zone,
    apex_ns_edited,
    grandparent_delegation,
    ns_ttl_policy,
    record_limit_near,
)
