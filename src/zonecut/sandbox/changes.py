"""Route 53 change ids and their status, as ``GetChange`` reports them.

moto gives every change the same constant id and reports every change INSYNC. Here
each CreateHostedZone, ChangeResourceRecordSets, DeleteHostedZone and DNSSEC change
answer gets an
id of its own (``C`` and 13 upper-case letters and digits, as Route 53's look), and
a change stays PENDING for ``pending`` seconds after it was submitted (0: INSYNC at
once). ``GetChange`` of an id the sandbox did not hand out answers INSYNC, as moto does.
The rewriting works on moto's serialised XML answers.
"""

from __future__ import annotations

import itertools
import random
import re
import string
import threading
import time
from collections.abc import Callable

CHANGE_OPERATIONS = frozenset({
    "CreateHostedZone", "ChangeResourceRecordSets", "DeleteHostedZone",
    # DNSSEC (zonecut.sandbox.dnssec_api)
    "CreateKeySigningKey", "ActivateKeySigningKey", "DeactivateKeySigningKey",
    "DeleteKeySigningKey", "EnableHostedZoneDNSSEC", "DisableHostedZoneDNSSEC"})
_ID = re.compile(r"(<ChangeInfo>\s*<Id>)([^<]*)(</Id>)")
_STATUS = re.compile(r"(<ChangeInfo>.*?<Status>)([A-Z]+)(</Status>)", re.DOTALL)
_ALPHABET = string.ascii_uppercase + string.digits
_sequence = itertools.count(1)


def new_change_id(rng: random.Random) -> str:
    """``C``, 7 random characters, then a process-wide sequence number in base 36."""
    number = next(_sequence)
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = _ALPHABET[rest] + digits
    return "C" + "".join(rng.choice(_ALPHABET) for _ in range(7)) + digits.rjust(6, "0")


class ChangeLog:
    """When each change the sandbox handed out becomes INSYNC."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._ready: dict[str, float] = {}
        self._rng = random.Random()

    def reset(self) -> None:
        with self._lock:
            self._ready.clear()

    def status(self, change_id: str) -> str:
        bare = change_id.rsplit("/", 1)[-1]
        with self._lock:
            ready = self._ready.get(bare)
        if ready is None or self._clock() >= ready:
            return "INSYNC"
        return "PENDING"

    def ready_at(self, change_id: str) -> float | None:
        """When (on this log's clock) the change becomes INSYNC; None for an unknown id."""
        with self._lock:
            return self._ready.get(change_id.rsplit("/", 1)[-1])

    def submitted(self, body: str, pending: float) -> str:
        """A change answer with a new id, PENDING when ``pending`` > 0."""
        with self._lock:
            change_id = new_change_id(self._rng)
            self._ready[change_id] = self._clock() + pending
        body = _ID.sub(lambda m: f"{m.group(1)}/change/{change_id}{m.group(3)}", body, count=1)
        status = "PENDING" if pending > 0 else "INSYNC"
        return _STATUS.sub(lambda m: f"{m.group(1)}{status}{m.group(3)}", body, count=1)

    def answered(self, body: str) -> str:
        """A GetChange answer with the id in Route 53's form and the status as of now."""
        found = _ID.search(body)
        if found is None:
            return body
        bare = found.group(2).rsplit("/", 1)[-1]
        status = self.status(bare)
        body = _ID.sub(lambda m: f"{m.group(1)}/change/{bare}{m.group(3)}", body, count=1)
        return _STATUS.sub(lambda m: f"{m.group(1)}{status}{m.group(3)}", body, count=1)
