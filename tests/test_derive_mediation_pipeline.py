"""Mediation family inside ``derive_actions``: log text in -> exact queue rows out (§7 A, B, B2), SSC-1."""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl
import pytest

from statcli.derive import derive_actions
from statcli.schema import ACTIONS, validate

C1, C2, C3, C4 = (f"00000000000000c{i}" for i in range(1, 5))


def _t(hms: str) -> datetime:
    h, m, s = hms.split(":")
    sec, _, frac = s.partition(".")
    return datetime(2026, 1, 1, int(h), int(m), int(sec), int((frac + "000000")[:6]), tzinfo=timezone.utc)


def block(time: str, event: str, *attrs: str, context: str = "distribute_event") -> str:
    lines = [f"@{time} [0] 8.1.101.25 {context}: message {event}"] + [f"\t{a}" for a in attrs]
    return "\n".join(lines) + "\n"


def dn(v):
    return f"AttributeThisDN\t'{v}'"


def conn(v):
    return f"AttributeConnID\t{v}"


REMOTE = ("AttributeExtensions\t[30] 00 01 00 00..", "\t'ReleasingParty'\t'2 Remote'")

EXAMPLE_A = [
    block("10:00:00.0000", "EventAgentLogin", dn(7001), "AttributeAgentID\t'a1001'", "AttributeThisQueue\t'7000'",
          "AttributeAgentWorkMode\t0"),
    block("10:00:05.0000", "EventAgentReady", dn(7001), "AttributeAgentID\t'a1001'"),
    block("10:05:00.2500", "EventQueued", dn(7000), conn(C1), "AttributeCallType\t2", "AttributeANI\t'5551234'"),
    block("10:05:12.4000", "EventDiverted", dn(7000), conn(C1), "AttributeThirdPartyDN\t'7001'"),
    block("10:05:12.4500", "EventRinging", dn(7001), conn(C1), "AttributeThisQueue\t'7000'", "AttributeCallType\t2"),
    block("10:05:18.7000", "EventEstablished", dn(7001), conn(C1), "AttributeCallType\t2"),
    block("10:08:00.0000", "EventHeld", dn(7001), conn(C1)),
    block("10:09:00.0000", "EventRetrieved", dn(7001), conn(C1)),
    block("10:12:18.9000", "EventReleased", dn(7001), conn(C1), *REMOTE),
    block("10:12:18.9500", "EventCallDeleted", conn(C1), "AttributeCtrlParty\t'5551234'",
          context="distribute call/party event"),
    block("10:12:19.0000", "EventAgentNotReady", dn(7001), "AttributeAgentWorkMode\t3"),
    block("10:14:19.0000", "EventAgentReady", dn(7001)),
]
EXAMPLE_B = [
    block("10:20:00.1000", "EventQueued", dn(7000), conn(C2), "AttributeCallType\t2"),
    block("10:20:45.8000", "EventAbandoned", dn(7000), conn(C2), *REMOTE),
    block("10:25:00.6000", "EventQueued", dn(7000), conn(C3), "AttributeCallType\t2"),
    block("10:25:03.2000", "EventAbandoned", dn(7000), conn(C3), *REMOTE),
]
VARIANT_B2 = [
    block("10:27:00.0000", "EventQueued", dn(7000), conn(C4), "AttributeCallType\t2"),
    block("10:27:04.0000", "EventDiverted", dn(7000), conn(C4), "AttributeThirdPartyDN\t'7001'"),
    block("10:27:04.0500", "EventRinging", dn(7001), conn(C4), "AttributeThisQueue\t'7000'", "AttributeCallType\t2"),
    block("10:27:09.5000", "EventAbandoned", dn(7001), conn(C4), *REMOTE),
]


@pytest.fixture
def actions_from(tmp_path):
    from statcli.read.tserver import read_tserver_log

    def run(blocks, **kw):
        log = tmp_path / "ts.log"
        log.write_text("".join(blocks))
        return derive_actions(read_tserver_log(log, date="2026-01-01", tz="UTC"), **kw)
    return run


def queue_rows(actions: pl.DataFrame) -> list[tuple]:
    q = actions.filter((pl.col("object_id") == "7000") & pl.col("conn_id").is_not_null())
    return sorted(q.select("action", "kind", "conn_id", "start", "end", "duration_s", "released_by").rows(),
                  key=lambda r: (r[2], r[4] or r[3], r[0]))


def test_example_a_queue_rows_from_log_text(actions_from):
    # §7.1 Example A: MED-1, MED-1a, MED-2, MED-10, MED-15, MED-17 from parsed events and the real families.
    a = actions_from(EXAMPLE_A)
    validate(a, ACTIONS)
    assert queue_rows(a) == [
        ("CallEntered", "momentary", C1, _t("10:05:00.25"), _t("10:05:00.25"), 0, None),
        ("CallDistributed", "retrospective", C1, _t("10:05:00.25"), _t("10:05:12.4"), 12, None),
        ("CallWait", "durable", C1, _t("10:05:00.25"), _t("10:05:12.4"), 12, None),
        ("CallAnswered", "retrospective", C1, _t("10:05:00.25"), _t("10:05:18.7"), 18, None),
        ("CallReleased", "retrospective", C1, _t("10:05:18.7"), _t("10:12:18.9"), 420, "remote"),
        ("ACWCompleted", "retrospective", C1, _t("10:12:19"), _t("10:14:19"), 120, None),
    ]
    login = a.filter(pl.col("object_id") == "7000", pl.col("action").is_in(["DNLogin", "AgentLogin"]))
    assert sorted(login.select("action", "agent_id", "start", "end").rows()) == [
        ("AgentLogin", "a1001", _t("10:00:00"), None), ("DNLogin", None, _t("10:00:00"), None)]


def test_example_b_and_b2_queue_rows_from_log_text(actions_from):
    # §7.2 Example B (MED-4) and variant B2 (MED-11) after example A.
    a = actions_from(EXAMPLE_A + EXAMPLE_B + VARIANT_B2)
    got = [r for r in queue_rows(a) if r[2] != C1]
    assert got == [
        ("CallEntered", "momentary", C2, _t("10:20:00.1"), _t("10:20:00.1"), 0, None),
        ("CallAbandoned", "retrospective", C2, _t("10:20:00.1"), _t("10:20:45.8"), 45, "remote"),
        ("CallWait", "durable", C2, _t("10:20:00.1"), _t("10:20:45.8"), 45, "remote"),
        ("CallEntered", "momentary", C3, _t("10:25:00.6"), _t("10:25:00.6"), 0, None),
        ("CallAbandoned", "retrospective", C3, _t("10:25:00.6"), _t("10:25:03.2"), 3, "remote"),
        ("CallWait", "durable", C3, _t("10:25:00.6"), _t("10:25:03.2"), 3, "remote"),
        ("CallEntered", "momentary", C4, _t("10:27:00"), _t("10:27:00"), 0, None),
        ("CallDistributed", "retrospective", C4, _t("10:27:00"), _t("10:27:04"), 4, None),
        ("CallWait", "durable", C4, _t("10:27:00"), _t("10:27:04"), 4, None),
        ("CallAbandonedFromRinging", "retrospective", C4, _t("10:27:00"), _t("10:27:09.5"), 9, "remote"),
    ]


def test_ssc1_cluster_mode_in_the_pipeline(actions_from):
    # SSC-1 / SSC-4: cluster mode drops the queue's CallAbandonedFromRinging, keeps CallWait and pseudo-actions.
    a = actions_from(EXAMPLE_A + VARIANT_B2, mode="cluster")
    names = set(a.filter(pl.col("object_id") == "7000")["action"])
    assert "CallAbandonedFromRinging" not in names
    assert {"CallWait", "CallDistributed", "CallAnswered", "DNLogin", "DNReady"} <= names
