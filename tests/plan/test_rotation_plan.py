"""The KSK rollover plan is read from the live state: every stage a run can stop at
continues to the same end, and the DS set always names a key the zone signs with."""

from __future__ import annotations

from dataclasses import replace

from zonecut.plan.rotation import BOTH, DNSKEY_TTL, Rotation, plan_rotation
from zonecut.plan.signing import KeySigningKey, ZoneSigning
from zonecut.state import RRSet

PARENT_SIGNING = ZoneSigning("SIGNING", ())


def key(n: int, status: str = "ACTIVE") -> KeySigningKey:
    return KeySigningKey(f"zonecut_{n}", status, f"arn:{n}", f"{100 + n} 13 2 AB{n:02d}")


def ds(*ns: int, ttl: int = 900) -> RRSet:
    return RRSet("dev.example.com", "DS", ttl, tuple(sorted(key(n).ds_record for n in ns)))


def plan(ksks: tuple[KeySigningKey, ...], parent_ds: RRSet | None,
         retire: str | None = None) -> Rotation:
    return plan_rotation("dev.example.com", ZoneSigning("SIGNING", ksks), "example.com",
                         PARENT_SIGNING, parent_ds, 900, retire)


def test_from_one_key_the_whole_rollover_in_order() -> None:
    found = plan((key(1),), ds(1))
    assert [(s.kind, s.ksk) for s in found.steps] == [
        ("create-ksk", "zonecut_2"), ("write-ds", BOTH), ("wait", ""),
        ("write-ds", "zonecut_2"), ("deactivate-ksk", "zonecut_1"),
        ("delete-ksk", "zonecut_1")]
    assert found.steps[2].seconds == max(900, DNSKEY_TTL)


def test_each_stage_continues() -> None:
    both = plan((key(1), key(2)), ds(1))  # stopped after the new KSK
    assert [s.kind for s in both.steps] == ["write-ds", "wait", "write-ds",
                                            "deactivate-ksk", "delete-ksk"]
    assert both.steps[0].values == tuple(sorted((key(1).ds_record, key(2).ds_record)))
    waiting = plan((key(1), key(2)), ds(1, 2))  # stopped in the wait: it waits again
    assert [s.kind for s in waiting.steps] == ["wait", "write-ds", "deactivate-ksk",
                                               "delete-ksk"]
    assert waiting.steps[1].values == (key(2).ds_record,)
    alone = plan((key(1), key(2)), ds(2))
    assert [(s.kind, s.ksk) for s in alone.steps] == [("deactivate-ksk", "zonecut_1"),
                                                      ("delete-ksk", "zonecut_1")]
    left = plan((key(1, "INACTIVE"), key(2)), ds(2))
    assert [(s.kind, s.ksk) for s in left.steps] == [("delete-ksk", "zonecut_1")]
    done = plan((key(2),), ds(2), retire="zonecut_1")
    assert done.steps == () and not done.problems


def test_refusals() -> None:
    assert "registrar" in plan_rotation("example.com", ZoneSigning("SIGNING", (key(1),)),
                                        None, None, None, 900).problems[0]
    assert "not signing" in plan_rotation("dev.example.com", ZoneSigning(), "example.com",
                                          PARENT_SIGNING, None, 900).problems[0]
    assert "names none of its keys" in plan((key(1), key(2)), ds(7)).problems[0]
    # an inactive KSK whose DS is still published is not deleted
    stuck = plan((key(1, "INACTIVE"), key(2)), ds(1, 2))
    assert stuck.problems and not stuck.steps
    unsigned_parent = plan_rotation("dev.example.com", ZoneSigning("SIGNING", (key(1),)),
                                    "example.com", replace(PARENT_SIGNING,
                                                           status="NOT_SIGNING"), None, 900)
    assert "not signing" in unsigned_parent.problems[0]
