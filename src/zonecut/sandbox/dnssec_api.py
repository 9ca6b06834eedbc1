"""Route 53's DNSSEC API in the sandbox's moto server (moto answers 404 for it).

Operations, as the botocore route53 model (2013-04-01) defines them, with the errors
it lists for each and the rules the API reference states:

``CreateKeySigningKey``
    ``Name`` of letters, digits and underscores (``InvalidKeySigningKeyName``), 3-128
    characters (the model); ``Status`` ``ACTIVE`` or ``INACTIVE``
    (``InvalidKeySigningKeyStatus``); a name or KMS key already used by a KSK of the
    zone is ``KeySigningKeyAlreadyExists`` (409); "You can only have two KSKs per hosted
    zone" (``TooManyKeySigningKeys``); the KMS key must be usable
    (:mod:`zonecut.sandbox.dnssec_kms`), else ``InvalidKMSArn``; private zones are
    ``InvalidArgument``. The DNSKEY, DS, key tag and public key come from the key's
    public key (KMS ``GetPublicKey``).
``ActivateKeySigningKey`` / ``DeactivateKeySigningKey``
    ``NoSuchKeySigningKey``; a KSK already in the wanted status is
    ``InvalidKeySigningKeyStatus``; activating re-checks the KMS key (``InvalidKMSArn``)
    -- the way out of ``ACTION_NEEDED`` once the key is fixed; deactivating the only
    active KSK of a signing zone is ``KeySigningKeyInUse`` ("it's the only KSK for a
    currently-enabled DNSSEC"), a KSK named by a DS in the parent (a sandbox hosted
    zone of any account, or the TLD registration) ``KeySigningKeyInParentDSRecord``.
``DeleteKeySigningKey``
    "The KSK must be deactivated before you can delete it": an ACTIVE KSK is
    ``InvalidKeySigningKeyStatus``.
``EnableHostedZoneDNSSEC``
    needs an ACTIVE KSK whose KMS key works (``KeySigningKeyWithActiveStatusNotFound``,
    ``InvalidKMSArn``); when the parent delegates the zone to other name servers than
    the zone's own: ``HostedZonePartiallyDelegated`` ("The hosted zone and parent must
    have the same nameservers"). A zone not delegated at all may be signed. Enabling a
    signing zone again succeeds.
``DisableHostedZoneDNSSEC``
    ``DNSSECNotFound`` for a zone that never had a KSK; while the parent publishes a DS
    for the zone: ``KeySigningKeyInParentDSRecord`` (the developer guide: Route 53
    "checks if the parent of the target zone has any NS records of the target zone and
    DS records of the target zone"). KSKs stay as they are.
``GetDNSSEC``
    ``Status`` (``ServeSignature`` ``SIGNING``, ``NOT_SIGNING`` or ``ACTION_NEEDED``
    with a ``StatusMessage``) and ``KeySigningKeys``.

Every change answers a ``ChangeInfo`` that goes PENDING -> INSYNC like the sandbox's
other changes (:mod:`zonecut.sandbox.changes`). ``DeleteHostedZone`` of a signing zone
is ``HostedZoneNotEmpty`` (see :func:`check_deletable`). Error wording is ours.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.route53 import urls as route53_urls
from moto.route53.exceptions import HostedZoneNotEmpty, Route53ClientError
from moto.route53.responses import Route53

from zonecut.sandbox import dnssec_kms
from zonecut.sandbox.dnssec_keys import (
    ALGORITHM,
    ALGORITHM_MNEMONIC,
    DIGEST_MNEMONIC,
    DIGEST_TYPE,
    KSK_FLAGS,
    material,
)
from zonecut.sandbox.dnssec_state import (
    Ksk,
    ZoneDnssec,
    delegation_differs,
    ds_matches,
    parent_delegation,
    state_of,
    zones_of,
)
from zonecut.sandbox.zone_data import BACKEND_LOCK, bump_generation, touch

MAX_KSKS = 2
_NAME = re.compile(r"^[A-Za-z0-9_]+$")
_KSK_STATUSES = ("ACTIVE", "INACTIVE")

_URL_PATHS = {
    r"{0}/(?P<api_version>[\d_-]+)/keysigningkey$": Route53.dispatch,
    r"{0}/(?P<api_version>[\d_-]+)/keysigningkey/(?P<zone_id>[^/]+)/(?P<ksk_name>[^/]+)"
    r"/activate$": Route53.dispatch,
    r"{0}/(?P<api_version>[\d_-]+)/keysigningkey/(?P<zone_id>[^/]+)/(?P<ksk_name>[^/]+)"
    r"/deactivate$": Route53.dispatch,
    r"{0}/(?P<api_version>[\d_-]+)/keysigningkey/(?P<zone_id>[^/]+)/(?P<ksk_name>[^/]+)$":
        Route53.dispatch,
    r"{0}/(?P<api_version>[\d_-]+)/hostedzone/(?P<zone_id>[^/]+)/enable-dnssec$":
        Route53.dispatch,
    r"{0}/(?P<api_version>[\d_-]+)/hostedzone/(?P<zone_id>[^/]+)/disable-dnssec$":
        Route53.dispatch,
}


def _error(code: str, message: str) -> Route53ClientError:
    return Route53ClientError(code, message)


def _change_info() -> dict[str, Any]:
    # the id and status are rewritten by the fault injector (see zonecut.sandbox.changes)
    return {"Id": "/change/C2682N5HXP0BZ4", "Status": "INSYNC", "SubmittedAt": utcnow()}


def _changed(zone: Any) -> None:
    touch(zone)
    bump_generation()


def _ksk_of(backend: Any, zone_id: str, name: str) -> tuple[Any, ZoneDnssec, Ksk]:
    zone = backend.get_hosted_zone(zone_id)
    state = state_of(backend, str(zone.resource_id))
    ksk = state.ksks.get(name) if state is not None else None
    if state is None or ksk is None:
        raise _error("NoSuchKeySigningKey",
                     f"The specified key-signing key ({name}) doesn't exist in hosted zone "
                     f"{zone.resource_id}.")
    return zone, state, ksk


def _parent_ds_names(zone: Any, ksk: Ksk) -> str | None:
    delegation = parent_delegation(str(zone.name))
    if delegation is None:
        return None
    if any(ds_matches(ds, ksk) for ds in delegation.ds):
        return delegation.where
    return None


# -- the operations (on moto's Route 53 backend) -----------------------------------------
def create_key_signing_key(backend: Any, caller_reference: str, zone_id: str, kms_arn: str,
                           name: str, status: str) -> Ksk:
    with BACKEND_LOCK:
        zone = backend.get_hosted_zone(zone_id)
        if zone.private_zone:
            raise _error("InvalidArgument",
                         "DNSSEC signing is not supported for private hosted zones.")
        if not _NAME.match(name):
            raise _error("InvalidKeySigningKeyName",
                         f"The key-signing key name {name!r} isn't valid: use letters, "
                         "numbers and underscores (_) only.")
        if status not in _KSK_STATUSES:
            raise _error("InvalidKeySigningKeyStatus",
                         f"The key-signing key status {status!r} isn't valid: use ACTIVE or "
                         "INACTIVE.")
        state = zones_of(backend).setdefault(str(zone.resource_id), ZoneDnssec())
        for existing in state.ksks.values():
            if existing.name == name or existing.kms_arn == kms_arn:
                raise _error("KeySigningKeyAlreadyExists",
                             f"A key-signing key with this name or KMS key already exists in "
                             f"hosted zone {zone.resource_id}: {existing.name}.")
        if len(state.ksks) >= MAX_KSKS:
            raise _error("TooManyKeySigningKeys",
                         f"Hosted zone {zone.resource_id} already has {MAX_KSKS} key-signing "
                         "keys; you can only have two KSKs per hosted zone.")
        found = dnssec_kms.problem(kms_arn)
        if found is not None:
            raise _error("InvalidKMSArn", found)
        der = dnssec_kms.public_key_der(kms_arn)
        now = utcnow()
        ksk = Ksk(name=name, kms_arn=kms_arn, status=status, caller_reference=caller_reference,
                  material=material(str(zone.name), der), public_key_der=der, created=now,
                  modified=now)
        state.ksks[name] = ksk
        _changed(zone)
        return ksk


def activate_key_signing_key(backend: Any, zone_id: str, name: str) -> None:
    with BACKEND_LOCK:
        zone, _, ksk = _ksk_of(backend, zone_id, name)
        if ksk.status == "ACTIVE" and ksk.effective_status()[0] == "ACTIVE":
            raise _error("InvalidKeySigningKeyStatus",
                         f"The key-signing key {name} is already ACTIVE.")
        found = dnssec_kms.problem(ksk.kms_arn)
        if found is not None:
            raise _error("InvalidKMSArn", found)
        ksk.status, ksk.modified = "ACTIVE", utcnow()
        _changed(zone)


def deactivate_key_signing_key(backend: Any, zone_id: str, name: str) -> None:
    with BACKEND_LOCK:
        zone, state, ksk = _ksk_of(backend, zone_id, name)
        if ksk.status != "ACTIVE":
            raise _error("InvalidKeySigningKeyStatus",
                         f"The key-signing key {name} is {ksk.status}, not ACTIVE.")
        if state.signing and len(state.active()) == 1:
            raise _error("KeySigningKeyInUse",
                         f"The key-signing key {name} can't be deactivated because it's the "
                         "only KSK for a currently-enabled DNSSEC. Disable DNSSEC signing, or "
                         "add or enable another KSK.")
        where = _parent_ds_names(zone, ksk)
        if where is not None:
            raise _error("KeySigningKeyInParentDSRecord",
                         f"The key-signing key {name} is specified in a DS record in the "
                         f"parent ({where}); remove that DS record first.")
        ksk.status, ksk.modified = "INACTIVE", utcnow()
        _changed(zone)


def delete_key_signing_key(backend: Any, zone_id: str, name: str) -> None:
    with BACKEND_LOCK:
        zone, state, ksk = _ksk_of(backend, zone_id, name)
        if ksk.status == "ACTIVE":
            raise _error("InvalidKeySigningKeyStatus",
                         f"The key-signing key {name} is ACTIVE; deactivate it before you "
                         "delete it.")
        del state.ksks[name]
        _changed(zone)


def enable_hosted_zone_dnssec(backend: Any, zone_id: str) -> None:
    with BACKEND_LOCK:
        zone = backend.get_hosted_zone(zone_id)
        state = state_of(backend, str(zone.resource_id))
        active = state.active() if state is not None else []
        if state is None or not active:
            raise _error("KeySigningKeyWithActiveStatusNotFound",
                         f"A key-signing key (KSK) with ACTIVE status wasn't found in hosted "
                         f"zone {zone.resource_id}.")
        for ksk in active:
            found = dnssec_kms.problem(ksk.kms_arn)
            if found is not None:
                raise _error("InvalidKMSArn", found)
        delegation = parent_delegation(str(zone.name))
        if delegation is not None and delegation_differs(zone, delegation):
            raise _error("HostedZonePartiallyDelegated",
                         f"The hosted zone nameservers don't match the parent nameservers "
                         f"(in {delegation.where}): "
                         f"{', '.join(sorted(delegation.name_servers))}. The hosted zone and "
                         "parent must have the same nameservers.")
        state.signing = True
        _changed(zone)


def disable_hosted_zone_dnssec(backend: Any, zone_id: str) -> None:
    with BACKEND_LOCK:
        zone = backend.get_hosted_zone(zone_id)
        state = state_of(backend, str(zone.resource_id))
        if state is None or (not state.ksks and not state.signing):
            raise _error("DNSSECNotFound",
                         f"The hosted zone {zone.resource_id} doesn't have any DNSSEC "
                         "resources.")
        delegation = parent_delegation(str(zone.name))
        if state.signing and delegation is not None and delegation.ds:
            raise _error("KeySigningKeyInParentDSRecord",
                         f"The parent ({delegation.where}) still has a DS record for "
                         f"{zone.name}; remove it (and wait out its TTL) before you disable "
                         "DNSSEC signing.")
        state.signing = False
        _changed(zone)


def check_deletable(backend: Any, zone: Any) -> None:
    """DeleteHostedZone of a signing zone: HostedZoneNotEmpty (turn off signing first)."""
    state = state_of(backend, str(zone.resource_id))
    if state is not None and state.signing:
        error = HostedZoneNotEmpty()
        error.message = ("The specified hosted zone has DNSSEC signing enabled; disable "
                         "DNSSEC signing before you delete it.")
        raise error


def forget(backend: Any, zone_id: str) -> None:
    zones_of(backend).pop(zone_id, None)


def ksk_view(ksk: Ksk) -> dict[str, Any]:
    status, message = ksk.effective_status()
    view: dict[str, Any] = {
        "Name": ksk.name,
        "KmsArn": ksk.kms_arn,
        "Flag": KSK_FLAGS,
        "SigningAlgorithmMnemonic": ALGORITHM_MNEMONIC,
        "SigningAlgorithmType": int(ALGORITHM),
        "DigestAlgorithmMnemonic": DIGEST_MNEMONIC,
        "DigestAlgorithmType": DIGEST_TYPE,
        "KeyTag": ksk.material.key_tag,
        "DigestValue": ksk.material.digest_value,
        "PublicKey": ksk.material.public_key,
        "DSRecord": ksk.material.ds_record,
        "DNSKEYRecord": ksk.material.dnskey_record,
        "Status": status,
        "CreatedDate": ksk.created,
        "LastModifiedDate": ksk.modified,
    }
    if message is not None:
        view["StatusMessage"] = message
    return view


def get_dnssec(backend: Any, zone_id: str) -> dict[str, Any]:
    with BACKEND_LOCK:
        zone = backend.get_hosted_zone(zone_id)
        state = state_of(backend, str(zone.resource_id)) or ZoneDnssec()
        serve, message = state.serve_signature()
        status: dict[str, Any] = {"ServeSignature": serve}
        if message is not None:
            status["StatusMessage"] = message
        return {"Status": status,
                "KeySigningKeys": [ksk_view(k) for k in state.ksks.values()]}


# -- moto response methods ---------------------------------------------------------------
def _create(self: Any) -> ActionResult:
    ksk = create_key_signing_key(
        self.backend, str(self._get_param("CallerReference")),
        str(self._get_param("HostedZoneId")), str(self._get_param("KeyManagementServiceArn")),
        str(self._get_param("Name")), str(self._get_param("Status")))
    zone_id = str(self._get_param("HostedZoneId")).rsplit("/", 1)[-1]
    return ActionResult({
        "ChangeInfo": _change_info(),
        "KeySigningKey": ksk_view(ksk),
        "Location": f"https://route53.amazonaws.com/2013-04-01/keysigningkey/{zone_id}/"
                    f"{ksk.name}",
    })


def _by_key(operation: Callable[[Any, str, str], None]) -> Callable[[Any], ActionResult]:
    def method(self: Any) -> ActionResult:
        operation(self.backend, str(self._get_param("HostedZoneId")),
                  str(self._get_param("Name")))
        return ActionResult({"ChangeInfo": _change_info()})
    return method


def _by_zone(operation: Callable[[Any, str], None]) -> Callable[[Any], ActionResult]:
    def method(self: Any) -> ActionResult:
        operation(self.backend, str(self._get_param("HostedZoneId")))
        return ActionResult({"ChangeInfo": _change_info()})
    return method


def _get(self: Any) -> ActionResult:
    return ActionResult(get_dnssec(self.backend, str(self._get_param("HostedZoneId"))))


_METHODS: dict[str, Callable[[Any], ActionResult]] = {
    "create_key_signing_key": _create,
    "activate_key_signing_key": _by_key(activate_key_signing_key),
    "deactivate_key_signing_key": _by_key(deactivate_key_signing_key),
    "delete_key_signing_key": _by_key(delete_key_signing_key),
    "enable_hosted_zone_dnssec": _by_zone(enable_hosted_zone_dnssec),
    "disable_hosted_zone_dnssec": _by_zone(disable_hosted_zone_dnssec),
    "get_dnssec": _get,
}
_originals: dict[str, Any] = {}


def install() -> None:
    """Route the DNSSEC URLs to moto's Route 53 handler and answer them (idempotent).
    Must run before the moto server builds its Route 53 app (its first request)."""
    with BACKEND_LOCK:
        for pattern, handler in _URL_PATHS.items():
            route53_urls.url_paths.setdefault(pattern, handler)
        for name, method in _METHODS.items():
            current = Route53.__dict__.get(name)
            if current is not method:
                if name not in _originals:
                    _originals[name] = current
                setattr(Route53, name, method)


def uninstall() -> None:
    with BACKEND_LOCK:
        for pattern in _URL_PATHS:
            route53_urls.url_paths.pop(pattern, None)
        for name, original in _originals.items():
            if original is None:
                delattr(Route53, name)
            else:
                setattr(Route53, name, original)
        _originals.clear()


def installed() -> bool:
    return all(Route53.__dict__.get(name) is method for name, method in _METHODS.items())

