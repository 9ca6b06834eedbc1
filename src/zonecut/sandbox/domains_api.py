"""Route 53 Domains' DNSSEC and operations in the sandbox's moto server (the registrar).

moto 5.2 has ``RegisterDomain``, ``GetDomainDetail``, ``UpdateDomainNameservers`` and
``GetOperationDetail`` but no DS keys. Here, as the botocore ``route53domains``
(2014-05-15) model names them:

``AssociateDelegationSignerToDomain``
    ``SigningAttributes`` ``Algorithm``, ``Flags`` and ``PublicKey`` (base64, at most
    32768 characters: ``DnssecPublicKey``); flags 256 or 257 (the model: "either a KSK
    ... 257 or ZSK ... 256"), an IANA algorithm number and a public key that makes a
    DNSKEY, else ``InvalidInput``; an algorithm RFC 8624 says MUST NOT be used for
    signing (1, 3, 5, 6, 7, 12) is refused by the registry: ``TLDRulesViolation``; the
    same key twice ``InvalidInput``; more than :data:`MAX_DS_KEYS` keys
    ``DnssecLimitExceeded``. The key gets an ``Id`` and the registry publishes its DS
    (digest type 2).
``DisassociateDelegationSignerFromDomain``
    by ``Id`` (from ``GetDomainDetail``); an unknown id is ``InvalidInput``.
``GetDomainDetail``
    gains ``DnssecKeys`` (``Algorithm``, ``DigestType``, ``Digest``, ``KeyTag``, ``Id``;
    the model deprecated ``Flags`` and ``PublicKey`` in answers on 2026-10-01) and
    ``DnsSec`` (``ENABLED`` with keys, else ``DISABLED``); moto's misspelt ``DnsSecKeys``
    goes.
``UpdateDomainNameservers``
    fewer than two name servers is ``TLDRulesViolation`` (a sandbox registry rule: many
    registries want two); otherwise moto's checks (glue, names).
``RegisterDomain``
    as moto, and like Route 53 Domains the domain's name servers are those of the hosted
    zone it creates (moto left moto's constant four), whose name is stored as
    ``CreateHostedZone`` stores it (moto left off the final dot, which hid it from
    ``ListHostedZonesByName``).
Operations
    each write answers an ``OperationId``; ``GetOperationDetail`` says ``IN_PROGRESS``
    for the sandbox's ``pending_seconds`` (0: ``SUCCESSFUL`` at once), then
    ``SUCCESSFUL``. A write while an operation of the same type is in progress for the
    domain is ``DuplicateRequest`` (moto refused any second one forever); more than
    :data:`MAX_IN_PROGRESS` operations in progress in the account is
    ``OperationLimitExceeded``. ``UnsupportedTLD`` comes from moto's TLD list.

Deviations: a write takes effect at once (Route 53 Domains changes the registry when the
operation completes); error wording is the sandbox's (the codes are AWS's); the two
limits below are not documented by AWS (the sandbox's choice).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.route53domains.models import Route53DomainsBackend
from moto.route53domains.responses import Route53DomainsResponse
from moto.route53domains.validators import NameServer, Route53Domain, Route53DomainsOperation

from zonecut.sandbox.domains_state import (
    DOMAINS_LOCK,
    bump,
    domains_of,
    keys_of,
    make_key,
    operations_of,
)
from zonecut.sandbox.zone_data import zone_name_servers

MAX_DS_KEYS = 4
"""Keys per domain before ``DnssecLimitExceeded`` (AWS documents the error, not the
number; 4 leaves room for a double-DS rollover of two KSKs)."""
MAX_IN_PROGRESS = 10
"""Operations in progress per account before ``OperationLimitExceeded`` (undocumented)."""
MAX_PUBLIC_KEY = 32768  # DnssecPublicKey "max": 32768
_IANA_ALGORITHMS = frozenset({1, 2, 3, 5, 6, 7, 8, 10, 12, 13, 14, 15, 16, 17, 23})
_MUST_NOT_SIGN = frozenset({1, 3, 5, 6, 7, 12})  # RFC 8624 section 3.1
_FLAGS = (256, 257)

_ready_at: dict[str, float] = {}
_pending: Callable[[], float] = lambda: 0.0  # noqa: E731


def set_pending(source: Callable[[], float]) -> None:
    """Where each new operation reads how long it stays IN_PROGRESS (the sandbox's
    ``pending_seconds``, which also keeps Route 53 changes PENDING)."""
    global _pending
    _pending = source


def _ready_time() -> float:
    return time.monotonic() + max(0.0, float(_pending()))


def reset() -> None:
    with DOMAINS_LOCK:
        _ready_at.clear()
    bump()


def _error(code: str, message: str) -> JsonRESTError:
    error = JsonRESTError(code, message)
    error.code = 400
    return error


def _in_progress(operation: Any) -> bool:
    return time.monotonic() < _ready_at.get(str(operation.id), 0.0)


def _check_duplicate(backend: Any, requested: Any) -> None:
    """moto's ``__validate_duplicate_operations``, as AWS words it: "The request is
    already in progress for the domain"."""
    running = [op for op in operations_of(backend).values() if _in_progress(op)]
    if any(op.domain_name == requested.domain_name and op.type == requested.type
           for op in running):
        raise _error("DuplicateRequest", "The request is already in progress for the domain.")
    if len(running) >= MAX_IN_PROGRESS:
        raise _error("OperationLimitExceeded",
                     f"The number of operations or jobs running ({len(running)}) exceeded "
                     "the allowed threshold for the account.")


def _operation(backend: Any, domain: str, type_: str) -> str:
    requested = Route53DomainsOperation.validate(domain_name=domain, status="SUCCESSFUL",
                                                 type_=type_)
    _check_duplicate(backend, requested)
    operations_of(backend)[requested.id] = requested
    _ready_at[str(requested.id)] = _ready_time()
    return str(requested.id)


def _domain(backend: Any, name: str) -> Any:
    errors: list[str] = []
    Route53Domain.validate_domain_name(name, errors)  # UnsupportedTLD
    if errors:
        raise _error("InvalidInput", f"The requested item is not acceptable: {errors[0]}.")
    domain = domains_of(backend).get(name)
    if domain is None:
        raise _error("InvalidInput", f"The requested item is not acceptable: domain {name} "
                     "is not registered to the current AWS account.")
    return domain


# -- the response methods -------------------------------------------------------------
def associate_delegation_signer_to_domain(self: Any) -> str:
    name = str(self._get_param("DomainName") or "")
    attributes = self._get_param("SigningAttributes") or {}
    algorithm, flags = attributes.get("Algorithm"), attributes.get("Flags")
    public_key = attributes.get("PublicKey")
    backend = self.route53domains_backend
    with DOMAINS_LOCK:
        domain = _domain(backend, name)
        if not isinstance(algorithm, int) or algorithm not in _IANA_ALGORITHMS:
            raise _error("InvalidInput", f"The requested item is not acceptable: Algorithm "
                         f"{algorithm!r} is not a DNSSEC algorithm number.")
        if flags not in _FLAGS:
            raise _error("InvalidInput", f"The requested item is not acceptable: Flags "
                         f"{flags!r} must be 257 (KSK) or 256 (ZSK).")
        if not isinstance(public_key, str) or not public_key \
                or len(public_key) > MAX_PUBLIC_KEY:
            raise _error("InvalidInput", "The requested item is not acceptable: PublicKey "
                         f"must be 1 to {MAX_PUBLIC_KEY} characters of base64.")
        if algorithm in _MUST_NOT_SIGN:
            raise _error("TLDRulesViolation", f"The top-level domain does not support this "
                         f"operation: the registry does not accept algorithm {algorithm}.")
        try:
            key = make_key(name, algorithm, int(flags), public_key)
        except (ValueError, binascii.Error) as exc:
            raise _error("InvalidInput", "The requested item is not acceptable: PublicKey "
                         f"is not a public key of algorithm {algorithm} ({exc}).") from None
        keys = keys_of(domain)
        if any(k.ds == key.ds for k in keys):
            raise _error("InvalidInput", "The requested item is not acceptable: the key is "
                         f"already associated with {name} (key tag {key.key_tag}).")
        if len(keys) >= MAX_DS_KEYS:
            raise _error("DnssecLimitExceeded", f"{name} has reached the maximum number of "
                         f"DS records ({MAX_DS_KEYS}): delete one first.")
        operation = _operation(backend, name, "ADD_DNSSEC")
        keys.append(key)
    bump()
    return json.dumps({"OperationId": operation})


def disassociate_delegation_signer_from_domain(self: Any) -> str:
    name = str(self._get_param("DomainName") or "")
    key_id = str(self._get_param("Id") or "")
    backend = self.route53domains_backend
    with DOMAINS_LOCK:
        keys = keys_of(_domain(backend, name))
        found = next((k for k in keys if k.id == key_id), None)
        if found is None:
            raise _error("InvalidInput", f"The requested item is not acceptable: no DS "
                         f"record with Id {key_id!r} for {name}.")
        operation = _operation(backend, name, "REMOVE_DNSSEC")
        keys.remove(found)
    bump()
    return json.dumps({"OperationId": operation})


def get_domain_detail(self: Any) -> str:
    name = str(self._get_param("DomainName") or "")
    backend = self.route53domains_backend
    with DOMAINS_LOCK:
        domain = backend.get_domain(domain_name=name)
        data = domain.to_json()
        keys = [k.data() for k in keys_of(domain)]
    data.pop("DnsSecKeys", None)
    data.pop("UpdateDate", None)
    data["UpdatedDate"] = domain.updated_date.timestamp()
    data["DnssecKeys"] = keys
    data["DnsSec"] = "ENABLED" if keys else "DISABLED"
    return json.dumps(data)


def update_domain_nameservers(self: Any) -> str:
    name = str(self._get_param("DomainName") or "")
    servers = self._get_param("Nameservers") or []
    backend = self.route53domains_backend
    with DOMAINS_LOCK:
        _domain(backend, name)
        if len(servers) < 2:
            raise _error("TLDRulesViolation", "The top-level domain does not support this "
                         f"operation: the registry wants at least two name servers "
                         f"({len(servers)} given).")
        operation = backend.update_domain_nameservers(domain_name=name, nameservers=servers)
        _ready_at[str(operation.id)] = _ready_time()
    bump()
    return json.dumps({"OperationId": operation.id})


def get_operation_detail(self: Any) -> str:
    operation = self.route53domains_backend.get_operation(self._get_param("OperationId"))
    data = operation.to_json()
    if _in_progress(operation):
        data["Status"] = "IN_PROGRESS"
    data = {k: v for k, v in data.items() if v is not None}
    return json.dumps(data)


def register_domain(self: Any) -> str:
    answer = str(_originals["register_domain"](self))
    name = str(self._get_param("DomainName"))
    backend = self.route53domains_backend
    with DOMAINS_LOCK:
        domain = domains_of(backend).get(name)
        zones = [z for z in backend._Route53DomainsBackend__route53_backend.zones.values()
                 if str(z.name).rstrip(".") == name and not z.private_zone]
        for zone in zones:
            if not str(zone.name).endswith("."):
                zone.name = f"{zone.name}."  # as CreateHostedZone stores names
        servers = zone_name_servers(zones[-1]) if zones else ()
        if domain is not None and servers:
            domain.nameservers = [NameServer.validate(name=s) for s in servers]
        operation_id = json.loads(answer)["OperationId"]
        _ready_at[operation_id] = _ready_time()
    bump()
    return answer


def _check_duplicate_method(self: Any, requested: Any) -> None:
    _check_duplicate(self, requested)


_METHODS: dict[str, Callable[..., Any]] = {
    "associate_delegation_signer_to_domain": associate_delegation_signer_to_domain,
    "disassociate_delegation_signer_from_domain": disassociate_delegation_signer_from_domain,
    "get_domain_detail": get_domain_detail,
    "update_domain_nameservers": update_domain_nameservers,
    "get_operation_detail": get_operation_detail,
    "register_domain": register_domain,
}
_BACKEND_METHODS: dict[str, Callable[..., Any]] = {
    "_Route53DomainsBackend__validate_duplicate_operations": _check_duplicate_method,
}
_originals: dict[str, Any] = {}
_backend_originals: dict[str, Any] = {}


def install() -> None:
    """Answer the registrar's DNSSEC calls (idempotent)."""
    with DOMAINS_LOCK:
        for name, method in _METHODS.items():
            current = Route53DomainsResponse.__dict__.get(name)
            if current is not method:
                _originals.setdefault(name, current)
                setattr(Route53DomainsResponse, name, method)
        for name, method in _BACKEND_METHODS.items():
            current = Route53DomainsBackend.__dict__.get(name)
            if current is not method:
                _backend_originals.setdefault(name, current)
                setattr(Route53DomainsBackend, name, method)


def uninstall() -> None:
    with DOMAINS_LOCK:
        for table, cls in ((_originals, Route53DomainsResponse),
                           (_backend_originals, Route53DomainsBackend)):
            for name, original in table.items():
                if original is None:
                    delattr(cls, name)
                else:
                    setattr(cls, name, original)
            table.clear()
        _ready_at.clear()


def public_key_of(dnskey_text: str) -> str:
    """The base64 public key field of a DNSKEY ("257 3 13 <base64>"), as
    ``SigningAttributes.PublicKey`` takes it (a helper for tests and the demo)."""
    parts = dnskey_text.split()
    return base64.b64encode(base64.b64decode("".join(parts[3:]))).decode()
