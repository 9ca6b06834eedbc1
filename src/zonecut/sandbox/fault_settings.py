"""What the sandbox injects into Route 53 requests: plain data, JSON, no moto.

``rate_limit``
    Route 53 requests per second per account (the account moto resolves from the
    request's access key); 0 turns the limit off. A request beyond it is answered with
    Route 53's ``Throttling`` error (HTTP 400, ``Rate exceeded``) and changes nothing.
``rate_burst``
    How many requests an idle account may send at once (the bucket's size); ``None``
    means one second's worth (``max(2, rate_limit)``), a small burst as Route 53 allows.
``fault_rate``
    The share of Route 53 requests (0 to 1) that get one of ``fault_kinds``.
``fault_kinds``
    ``throttle`` (``Throttling``, 400), ``prior`` (``PriorRequestNotComplete``, 400; only
    ChangeResourceRecordSets and CreateHostedZone), ``5xx`` (``ServiceUnavailable`` 503 or
    ``InternalFailure`` 500) and ``drop`` (the request is processed, the change is made,
    then the connection is closed without a response). Only ``drop`` changes anything.
``fault_seed``
    Seeds one generator per account: the same sequence of requests in an account gets
    the same faults.
``pending_seconds``
    ``GetChange`` reports a change PENDING for this long after it was submitted
    (CreateHostedZone, ChangeResourceRecordSets and DeleteHostedZone answer PENDING too).
``quotas``
    Route 53's documented token buckets (:mod:`zonecut.quotas`): per account, all
    requests together (50, refilled 10 per second) and each operation on its own
    (CreateHostedZone 40 / 2 per second, DeleteHostedZone 40 / 5, others 50 / 10); a
    request needs a token from both, else ``Throttling``. Independent of ``rate_limit``
    (the legacy flat 5 per second, still there: both apply when both are on).
``latency``
    Seconds every Route 53 request takes (half before it is handled, half after),
    jittered by ``latency_jitter`` (0.25: uniformly between 75 % and 125 %).

:meth:`FaultSettings.realistic` is ``sandbox up --realistic``: quotas on, 80 ms
latency, changes PENDING for 10 s (Route 53 says usually within 60 s; scaled down so
benchmarks finish).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

FAULT_KINDS: tuple[str, ...] = ("throttle", "prior", "5xx", "drop")
RATE_LIMIT_KIND = "rate-limit"
"""The kind under which requests refused by the rate limit are counted."""
QUOTA_KIND = "quota"
"""The kind under which requests refused by Route 53's token buckets are counted."""
REALISTIC_LATENCY = 0.08
REALISTIC_PENDING = 10.0


@dataclass(frozen=True)
class FaultSettings:
    rate_limit: float = 0.0
    rate_burst: float | None = None
    fault_rate: float = 0.0
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    fault_seed: int = 0
    pending_seconds: float = 0.0
    quotas: bool = False
    latency: float = 0.0
    latency_jitter: float = 0.25

    @classmethod
    def realistic(cls) -> FaultSettings:
        return cls(quotas=True, latency=REALISTIC_LATENCY, pending_seconds=REALISTIC_PENDING)

    def __post_init__(self) -> None:
        if self.rate_limit < 0:
            raise ValueError(f"rate_limit must be 0 (off) or positive, not {self.rate_limit}")
        if self.rate_burst is not None and self.rate_burst < 1:
            raise ValueError(f"rate_burst must be at least 1, not {self.rate_burst}")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError(f"fault_rate must be between 0 and 1, not {self.fault_rate}")
        unknown = [k for k in self.fault_kinds if k not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kind(s) {', '.join(unknown)}; "
                             f"known: {', '.join(FAULT_KINDS)}")
        if self.fault_rate > 0 and not self.fault_kinds:
            raise ValueError("a fault_rate above 0 needs at least one fault kind")
        if self.pending_seconds < 0:
            raise ValueError(f"pending_seconds must not be negative, not {self.pending_seconds}")
        if self.latency < 0:
            raise ValueError(f"latency must not be negative, not {self.latency}")
        if not 0.0 <= self.latency_jitter <= 1.0:
            raise ValueError(f"latency_jitter must be between 0 and 1, not {self.latency_jitter}")

    @property
    def burst(self) -> float:
        """The bucket size in effect."""
        if self.rate_burst is not None:
            return self.rate_burst
        return max(2.0, self.rate_limit)

    @property
    def active(self) -> bool:
        return (self.rate_limit > 0 or self.fault_rate > 0 or self.pending_seconds > 0
                or self.quotas or self.latency > 0)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["fault_kinds"] = list(self.fault_kinds)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], base: FaultSettings | None = None) -> FaultSettings:
        """Settings from JSON; keys left out keep their value in ``base`` (or the default)."""
        known = set(cls.__dataclass_fields__)
        extra = sorted(set(data) - known)
        if extra:
            raise ValueError(f"unknown fault setting(s): {', '.join(extra)}")
        merged = (base or cls()).to_dict() | data
        burst = merged["rate_burst"]
        return cls(
            rate_limit=float(merged["rate_limit"]),
            rate_burst=None if burst is None else float(burst),
            fault_rate=float(merged["fault_rate"]),
            fault_kinds=parse_kinds(merged["fault_kinds"]),
            fault_seed=int(merged["fault_seed"]),
            pending_seconds=float(merged["pending_seconds"]),
            quotas=_flag(merged["quotas"]),
            latency=float(merged["latency"]),
            latency_jitter=float(merged["latency_jitter"]),
        )

    def updated(
        self,
        *,
        rate_limit: float | None = None,
        rate_burst: float | None = None,
        fault_rate: float | None = None,
        fault_kinds: str | Sequence[str] | None = None,
        fault_seed: int | None = None,
        pending_seconds: float | None = None,
        quotas: bool | None = None,
        latency: float | None = None,
        latency_jitter: float | None = None,
    ) -> FaultSettings:
        """These settings with every argument that is not None changed."""
        changes: dict[str, Any] = {
            "rate_limit": rate_limit, "rate_burst": rate_burst, "fault_rate": fault_rate,
            "fault_kinds": fault_kinds, "fault_seed": fault_seed,
            "pending_seconds": pending_seconds, "quotas": quotas, "latency": latency,
            "latency_jitter": latency_jitter,
        }
        return FaultSettings.from_dict({k: v for k, v in changes.items() if v is not None},
                                       base=self)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "on", "off"):
        return value.lower() in ("true", "1", "on")
    raise ValueError(f"quotas must be true or false, not {value!r}")


def parse_kinds(kinds: str | Sequence[str]) -> tuple[str, ...]:
    """``"throttle,drop"`` or a list of kinds; ``"all"`` means every kind."""
    items = kinds.split(",") if isinstance(kinds, str) else list(kinds)
    found: list[str] = []
    for item in items:
        kind = str(item).strip().lower()
        if kind == "all":
            found.extend(FAULT_KINDS)
        elif kind:
            found.append(kind)
    return tuple(dict.fromkeys(found))


def faults_to_json(counts: dict[tuple[str, str], int]) -> list[list[Any]]:
    return [[account, kind, n] for (account, kind), n in sorted(counts.items())]


def faults_from_json(rows: list[list[Any]]) -> dict[tuple[str, str], int]:
    return {(str(account), str(kind)): int(n) for account, kind, n in rows}
