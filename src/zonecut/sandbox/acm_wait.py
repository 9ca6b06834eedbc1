"""How long the sandbox keeps a new ACM certificate PENDING_VALIDATION.

moto issues an Amazon-issued certificate once it is older than
``moto.settings.ACM_VALIDATION_WAIT`` seconds, whether or not its validation CNAME
exists; moto's own default is 60 s, which made every apply with a new certificate in the
sandbox wait about a minute. The sandbox's default is short (:data:`DEFAULT_ACM_WAIT`);
a realistic wait is a setting away: ``--acm-wait SECONDS`` on ``zonecut sandbox up`` /
``sandbox run`` (or ``Sandbox(acm_wait=...)``), or ``MOTO_ACM_VALIDATION_WAIT`` in the
environment, which wins over the default but not over an explicit value. (Real ACM DNS
validation usually takes minutes once the CNAME resolves.)
"""

from __future__ import annotations

import os

DEFAULT_ACM_WAIT = 2.0
ENVIRONMENT = "MOTO_ACM_VALIDATION_WAIT"


def chosen_wait(explicit: float | None) -> float:
    """The wait in force: ``explicit``, else the environment's, else the default."""
    if explicit is not None:
        value = float(explicit)
    else:
        text = os.environ.get(ENVIRONMENT, "").strip()
        try:
            value = float(text) if text else DEFAULT_ACM_WAIT
        except ValueError as exc:
            raise ValueError(f"{ENVIRONMENT}={text!r} is not a number of seconds") from exc
    if value < 0:
        raise ValueError(f"the ACM validation wait must not be negative, not {value:g}")
    return value


def install(seconds: float) -> float:
    """Set moto's wait; returns the value it had (for :func:`restore`)."""
    import moto.settings

    before = float(moto.settings.ACM_VALIDATION_WAIT)
    moto.settings.ACM_VALIDATION_WAIT = seconds  # type: ignore[assignment]
    return before


def restore(seconds: float) -> None:
    import moto.settings

    moto.settings.ACM_VALIDATION_WAIT = seconds  # type: ignore[assignment]
