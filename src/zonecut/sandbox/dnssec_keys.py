"""DNSSEC key material as Route 53 shows it: DNSKEY, DS and key tag from a public key.

Pure functions over dnspython and ``cryptography``: a KSK's public key (the DER
SubjectPublicKeyInfo that KMS ``GetPublicKey`` returns for an ``ECC_NIST_P256`` key)
becomes the DNSKEY record (flags 257, protocol 3, algorithm 13 ECDSAP256SHA256) and
its DS (digest type 2, SHA-256), in the forms ``GetDNSSEC`` answers them.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dns.dnssec
import dns.dnssecalgs.base
import dns.dnssecalgs.ecdsa
import dns.dnssectypes
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.DNSKEY
import dns.rdtypes.ANY.DS
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

KSK_FLAGS = 257
ZSK_FLAGS = 256
ALGORITHM = dns.dnssectypes.Algorithm.ECDSAP256SHA256
ALGORITHM_MNEMONIC = "ECDSAP256SHA256"
DIGEST_TYPE = 2
DIGEST_MNEMONIC = "SHA-256"
_OCTETS = 32


@dataclass(frozen=True)
class KeyMaterial:
    """What GetDNSSEC shows of one KSK (besides its name, status and dates)."""

    public_key: str  # base64 of the DNSKEY public key field (X || Y)
    dnskey_record: str  # "257 3 13 <base64>"
    ds_record: str  # "<key tag> 13 2 <HEX>"
    digest_value: str  # upper-case hex
    key_tag: int


def public_key_from_der(der: bytes) -> ec.EllipticCurvePublicKey:
    """The P-256 public key in a DER SubjectPublicKeyInfo; ValueError for anything else."""
    key = serialization.load_der_public_key(der)
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ValueError("not an ECC_NIST_P256 public key")
    return key


def dnskey_of(public_key: ec.EllipticCurvePublicKey,
              flags: int = KSK_FLAGS) -> dns.rdtypes.ANY.DNSKEY.DNSKEY:
    return dns.dnssec.make_dnskey(public_key, ALGORITHM, flags=flags)


def ds_of(zone: str, dnskey: dns.rdtypes.ANY.DNSKEY.DNSKEY) -> dns.rdtypes.ANY.DS.DS:
    return dns.dnssec.make_ds(dns.name.from_text(zone), dnskey, "SHA256")


def material(zone: str, public_key_der: bytes) -> KeyMaterial:
    """GetDNSSEC's view of the KSK of ``zone`` whose KMS public key is ``public_key_der``."""
    dnskey = dnskey_of(public_key_from_der(public_key_der))
    ds = ds_of(zone, dnskey)
    digest = ds.digest.hex().upper()
    tag = dns.dnssec.key_id(dnskey)
    key_b64 = base64.b64encode(dnskey.key).decode()
    return KeyMaterial(
        public_key=key_b64,
        dnskey_record=f"{KSK_FLAGS} 3 {int(ALGORITHM)} {key_b64}",
        ds_record=f"{tag} {int(ALGORITHM)} {DIGEST_TYPE} {digest}",
        digest_value=digest,
        key_tag=tag,
    )


def raw_signature(der_signature: bytes) -> bytes:
    """An ECDSA signature in DER (as KMS Sign returns it) as DNSSEC's r || s (RFC 6605)."""
    r, s = decode_dss_signature(der_signature)
    return r.to_bytes(_OCTETS, "big") + s.to_bytes(_OCTETS, "big")


class RemoteSigner(dns.dnssecalgs.base.GenericPrivateKey):
    """A private key that lives elsewhere (KMS): dnspython hands it the data to sign.

    ``sign_der`` returns the DER ECDSA-SHA256 signature of the data (KMS ``Sign`` with
    ``ECDSA_SHA_256``); it is converted to DNSSEC's form here.
    """

    public_cls = dns.dnssecalgs.ecdsa.PublicECDSAP256SHA256

    def __init__(self, sign_der: Callable[[bytes], bytes],
                 public_key: ec.EllipticCurvePublicKey) -> None:
        self._sign_der = sign_der
        self._public = public_key

    def sign(self, data: bytes, verify: bool = False, deterministic: bool = True) -> bytes:
        signature = raw_signature(self._sign_der(data))
        if verify:
            self.public_key().verify(signature, data)
        return signature

    def public_key(self) -> Any:
        return dns.dnssecalgs.ecdsa.PublicECDSAP256SHA256(key=self._public)

    @classmethod
    def from_pem(cls, private_pem: bytes, password: bytes | None = None) -> Any:
        raise NotImplementedError("a remote key has no PEM")

    def to_pem(self, password: bytes | None = None) -> bytes:
        raise NotImplementedError("a remote key has no PEM")
