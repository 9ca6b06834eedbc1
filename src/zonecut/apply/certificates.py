"""Certificates in the zone's own account: request (or reuse), validate through the zone,
prove the validation record resolves through the delegation, then wait for ISSUED.

Order per run: every declared certificate is found or requested (accounts in
parallel); ACM's validation CNAMEs are written into their zones (one per name: an apex
and its wildcard share it) and synced; then, unless told not to wait, the DNS is asked
from the root down whether each zone is delegated and each validation CNAME resolves.
A broken delegation is reported with its verify finding (``NOT_DELEGATED``, ...) at
once, instead of waiting for ACM to time out. Only then does apply wait for ISSUED,
bounded by ``defaults.certificate_timeout``.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from zonecut.apply.executor import ApplyEvent
from zonecut.apply.observe import observe
from zonecut.apply.parallel import per_account
from zonecut.aws.acm import AcmAccount, acm_account
from zonecut.aws.fleet import Fleet
from zonecut.aws.route53 import RecordChange
from zonecut.config.tree import DesiredTree, DesiredZone
from zonecut.errors import ZonecutError
from zonecut.names import normalize
from zonecut.plan.certificates import (
    VALIDATION_TTL,
    CertificateInfo,
    CertificatePlan,
    ValidationRecord,
    plan_certificates,
    validation_changes,
)
from zonecut.state import RRSet
from zonecut.verify.checks import check
from zonecut.verify.from_state import build_targets
from zonecut.verify.probe import probe_sync
from zonecut.verify.recursive import ask_cname
from zonecut.verify.resolve import resolve_sync
from zonecut.verify.targets import ServerLike, VerifyPolicy

FAILED_STATUSES = ("FAILED", "VALIDATION_TIMED_OUT", "REVOKED", "EXPIRED")
VALIDATION_RECORD_WAIT = 120.0
"""Seconds to wait for ACM to name the validation records of a new certificate."""


class CertificateError(ZonecutError):
    """A certificate that cannot be issued (failed, timed out, or not validatable)."""


class CertificatesBlocked(CertificateError):
    """ACM cannot validate: the DNS shows the zone (or its record) unreachable."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            "ACM cannot validate the certificates; nothing was waited for:\n  - "
            + "\n  - ".join(self.problems)
            + "\nFix the delegation (zonecut apply, zonecut verify), then apply again: "
            "the certificates are reused.")


@dataclass(frozen=True)
class DnsView:
    """Where DNS checks start: root servers (the real ones, or the sandbox's)."""

    roots: tuple[ServerLike, ...]
    port_map: Mapping[str, int] | None = None
    timeout: float = 2.0
    retries: int = 1
    # when the roots cannot be reached: a recursive resolver (empty: the system's)
    resolvers: tuple[str, ...] = ()
    resolver_port: int = 53


@dataclass
class CertificatesResult:
    requested: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    validation_written: list[str] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    seconds_waited: float = 0.0
    warnings: list[str] = field(default_factory=list)


class CertificateManager:
    def __init__(
        self,
        fleet: Fleet,
        tree: DesiredTree,
        *,
        timeout: float = 900.0,
        sync_timeout: float = 300.0,
        max_workers: int = 8,
        on_event: Callable[[ApplyEvent], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fleet = fleet
        self.tree = tree
        self.timeout = timeout
        self.sync_timeout = sync_timeout
        self.max_workers = max_workers
        self.on_event = on_event or (lambda event: None)
        self._sleep = sleep
        self._clock = clock
        self._handles: dict[tuple[str, str], AcmAccount] = {}
        self._lock = threading.Lock()

    def acm(self, account_id: str, region: str) -> AcmAccount:
        with self._lock:
            found = self._handles.get((account_id, region))
        if found is None:
            found = acm_account(self.fleet, account_id, region)
            with self._lock:
                found = self._handles.setdefault((account_id, region), found)
        return found

    # -- plan ---------------------------------------------------------------------------
    def zones(self) -> list[DesiredZone]:
        return [z for z in self.tree.zones if z.certificates]

    def plan(self) -> list[CertificatePlan]:
        """Each declared certificate with the existing one it reuses, if any."""
        zones = self.zones()
        by_account: dict[str, list[DesiredZone]] = defaultdict(list)
        for zone in zones:
            by_account[zone.account_id].append(zone)

        def job(account_id: str) -> list[CertificatePlan]:
            found: list[CertificatePlan] = []
            for zone in by_account[account_id]:
                found += plan_certificates(zone, self._existing(account_id, zone))
            return found

        done = per_account({a: partial(job, a) for a in by_account}, self.max_workers)
        return [p for a in sorted(done) for p in done[a]]

    def _existing(self, account_id: str, zone: DesiredZone) -> list[CertificateInfo]:
        found: list[CertificateInfo] = []
        for region in sorted({c.region for c in zone.certificates}):
            wanted = {d for c in zone.certificates if c.region == region for d in c.domains}
            acm = self.acm(account_id, region)
            for arn, domain in acm.certificates():
                if domain in wanted:
                    found.append(acm.describe(arn))
        return found

    # -- apply --------------------------------------------------------------------------
    def apply(self, plans: Sequence[CertificatePlan], ids: Mapping[str, str], *,
              wait: bool = True, dns: DnsView | None = None) -> CertificatesResult:
        result = CertificatesResult()
        by_account: dict[str, list[CertificatePlan]] = defaultdict(list)
        for plan in plans:
            by_account[plan.account_id].append(plan)
        ready = per_account({a: partial(self._ensure, a, items, ids, result)
                             for a, items in by_account.items()}, self.max_workers)
        certificates = [c for a in sorted(ready) for c in ready[a]]
        pending = [(p, c) for p, c in certificates if c.status != "ISSUED"]
        result.issued += [c.arn for _, c in certificates if c.status == "ISSUED"]
        if not pending:
            return result
        if not wait:
            result.pending += [c.arn for _, c in pending]
            return result
        if dns is not None:
            problems = self.dns_problems(pending, dns, result.warnings)
            if problems:
                raise CertificatesBlocked(problems)
        started = self._clock()
        result.issued += self._wait_issued(pending)
        result.seconds_waited = self._clock() - started
        return result

    def _ensure(self, account_id: str, plans: Sequence[CertificatePlan],
                ids: Mapping[str, str], result: CertificatesResult
                ) -> list[tuple[CertificatePlan, CertificateInfo]]:
        """Request what is missing, then write every validation CNAME the account's
        pending certificates need, one batch per zone."""
        found: list[tuple[CertificatePlan, CertificateInfo]] = []
        for plan in plans:
            acm = self.acm(account_id, plan.certificate.region)
            if plan.existing is not None:
                info = plan.existing
                result.reused.append(info.arn)
            else:
                arn = acm.request(plan.certificate.domains, plan.token)
                result.requested.append(arn)
                self.on_event(ApplyEvent("certificate-requested", account_id, plan.zone, arn))
                info = acm.describe(arn)
            if info.status != "ISSUED" and not info.validation_ready:
                info = self._validation_named(acm, info)
            found.append((plan, info))
        records: dict[str, list[ValidationRecord]] = defaultdict(list)
        for plan, info in found:
            if info.status != "ISSUED":
                records[plan.zone] += info.validation
        self._write_validation(account_id, records, ids, result)
        return found

    def _validation_named(self, acm: AcmAccount, info: CertificateInfo) -> CertificateInfo:
        deadline = self._clock() + VALIDATION_RECORD_WAIT
        while not info.validation_ready:
            if self._clock() >= deadline:
                raise CertificateError(
                    f"account {acm.account_id}: ACM named no validation record for "
                    f"{info.arn} ({', '.join(info.domains)}) within "
                    f"{VALIDATION_RECORD_WAIT:.0f} s; apply again later")
            self._sleep(2.0)
            info = acm.describe(info.arn)
        return info

    def _write_validation(self, account_id: str, records: Mapping[str, list[ValidationRecord]],
                          ids: Mapping[str, str], result: CertificatesResult) -> None:
        if not records:
            return
        r53 = self.fleet.route53(account_id)
        waits: list[str] = []
        for zone, wanted in sorted(records.items()):
            zone_id = ids.get(zone)
            if zone_id is None:
                raise CertificateError(f"{zone}: the zone does not exist in account "
                                       f"{account_id}; its validation records were not written")
            changes, problems = validation_changes(zone, wanted, r53.list_rrsets(zone_id))
            if problems:
                raise CertificateError("\n".join(problems))
            if not changes:
                continue
            batch = [RecordChange(c.action, RRSet(c.name, "CNAME", VALIDATION_TTL,
                                                  tuple(normalize(v) for v in c.values)))
                     for c in changes]
            waits.append(r53.change_rrsets(zone_id, zone, batch,
                                           f"zonecut: {len(changes)} ACM validation record(s)"))
            for change in changes:
                result.validation_written.append(change.name)
                self.on_event(ApplyEvent("validation-written", account_id, zone, change.name))
        if waits:
            r53.wait_insync(waits, timeout=self.sync_timeout,
                            what=f"ACM validation records in account {account_id}")

    # -- DNS, then ISSUED ---------------------------------------------------------------
    def dns_problems(self, pending: Sequence[tuple[CertificatePlan, CertificateInfo]],
                     dns: DnsView, warnings: list[str] | None = None) -> list[str]:
        """Why ACM could not validate: the zone's delegation findings (verify's checks,
        failing ones), else validation CNAMEs that do not resolve from the root.

        When the root servers cannot be reached (no direct DNS egress), a recursive
        resolver is asked instead whether each validation CNAME resolves to its value;
        when neither answers, nothing blocks: a warning is added to ``warnings`` and ACM
        is left to validate."""
        root = resolve_sync(".", "NS", dns.roots, port_map=dns.port_map,
                            timeout=dns.timeout, retries=dns.retries)
        if not root.ok:
            return self._recursive_problems(pending, dns, root.error or root.outcome,
                                            warnings if warnings is not None else [])
        zones = sorted({p.zone for p, _ in pending})
        state = observe(self.tree.zones, self.fleet, max_workers=self.max_workers)
        targets = build_targets(self.tree.zones, state, state.apex_ns, zones)
        # verify's bounds: deadlines, caps on referrals, addresses never queried.
        policy = VerifyPolicy(timeout=dns.timeout, retries=dns.retries)
        observations = probe_sync(targets, dns.roots, policy=policy, port_map=dns.port_map)
        problems: list[str] = []
        broken: set[str] = set()
        for finding in check(targets, observations, policy):
            if finding.severity.fails:
                broken.add(finding.zone)
                problems.append(f"{finding.zone}: {finding.code}: {finding.message}")
        seen: set[str] = set()
        for plan, info in pending:
            if plan.zone in broken:
                continue
            for record in info.validation:
                if record.name in seen:
                    continue
                seen.add(record.name)
                # An A query: the zone's server answers with the CNAME (the resolver's view),
                # which the walk reports as the answer's CNAME target.
                answer = resolve_sync(record.name, "A", dns.roots, port_map=dns.port_map,
                                      timeout=dns.timeout, retries=dns.retries,
                                      policy=policy)
                if answer.cname is None or normalize(answer.cname) != record.value:
                    why = answer.error or answer.outcome
                    if answer.cname:
                        why = f"it points at {answer.cname}"
                    problems.append(f"{plan.zone}: the validation record {record.name} does not "
                                    f"resolve from the root ({why}); ACM cannot see it")
        return problems

    def _recursive_problems(self, pending: Sequence[tuple[CertificatePlan, CertificateInfo]],
                            dns: DnsView, why: str, warnings: list[str]) -> list[str]:
        problems: list[str] = []
        seen: set[str] = set()
        for plan, info in pending:
            for record in info.validation:
                if record.name in seen:
                    continue
                seen.add(record.name)
                answer = ask_cname(record.name, nameservers=dns.resolvers,
                                   port=dns.resolver_port, timeout=dns.timeout)
                if not answer.reached:
                    warnings.append(
                        f"the DNS pre-check of the certificates was skipped: the root servers "
                        f"cannot be reached ({why}) nor a recursive resolver ({answer.error});"
                        " ACM is left to validate")
                    return []
                if answer.cname != record.value:
                    found = f"it points at {answer.cname}" if answer.cname else answer.error
                    problems.append(f"{plan.zone}: the validation record {record.name} does not "
                                    f"resolve through a recursive resolver ({found}); the "
                                    f"root servers cannot be reached ({why}); ACM cannot see "
                                    "it")
        return problems

    def _wait_issued(self, pending: Sequence[tuple[CertificatePlan, CertificateInfo]]
                     ) -> list[str]:
        deadline = self._clock() + self.timeout
        waiting = {info.arn: plan for plan, info in pending}
        issued: list[str] = []
        delay = 1.0
        while waiting:
            for arn, plan in sorted(waiting.items()):
                info = self.acm(plan.account_id, plan.certificate.region).describe(arn)
                if info.status == "ISSUED":
                    issued.append(arn)
                    del waiting[arn]
                    self.on_event(ApplyEvent("certificate-issued", plan.account_id, plan.zone,
                                             arn))
                elif info.status in FAILED_STATUSES:
                    reason = f": {info.failure_reason}" if info.failure_reason else ""
                    raise CertificateError(
                        f"account {plan.account_id}: certificate "
                        f"{', '.join(plan.certificate.domains)} ({arn}) is {info.status}"
                        f"{reason}")
            if not waiting:
                break
            left = deadline - self._clock()
            for plan in {p.zone: p for p in waiting.values()}.values():
                # steps=0: progress only, "waiting for ACM (up to N s)" with the time left
                self.on_event(ApplyEvent("certificate-waiting", plan.account_id, plan.zone,
                                         f"{max(left, 0):.0f}", steps=0))
            if left <= 0:
                names = "; ".join(f"{', '.join(p.certificate.domains)} ({a})"
                                  for a, p in sorted(waiting.items()))
                raise CertificateError(
                    f"certificate(s) still not ISSUED after {self.timeout:.0f} s "
                    f"(defaults.certificate_timeout): {names}. The validation records are in "
                    "place; apply again later to keep waiting (the certificates are reused).")
            self._sleep(min(delay, left))
            delay = min(delay * 1.5, 15.0)
        return issued
