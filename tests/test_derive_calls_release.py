"""Call release tracking (seed 003, reference §2.4 REL-1 to REL-6)."""

from __future__ import annotations

import polars as pl
import pytest

from calls_support import derive, events, one
from statcli.derive.release import release_tracking


def _ringing_then(release: dict, *extra: dict) -> pl.DataFrame:
    return events(dict(t=0, event="EventEstablished", this_dn="7001", conn_id="c1", call_type=2),
                  dict(t=10, event="EventReleased", this_dn="7001", conn_id="c1", **release), *extra)


@pytest.mark.parametrize("raw, expected", [("remote", "remote"), ("2 Remote", "remote"), ("2", "remote"),
                                           ("'1 Local'", "local"), ("1", "local"), ("3 Unknown", "unknown")])
def test_rel_2_releasing_party_decoded_or_raw(raw, expected):
    act = derive(_ringing_then({"releasing_party": raw}))
    assert one(act, "CallInbound")["released_by"] == expected
    assert one(act, "CallInboundCompleted")["released_by"] == expected      # REL-1: copied to the retro


def test_rel_2_dn_based_value_wins_over_call_based():
    act = derive(_ringing_then({"releasing_party": "remote"},
                               dict(t=10.2, event="EventCallPartyDeleted", this_dn="7001", conn_id="c1",
                                    ctrl_party="7001")))
    row = one(act, "CallInboundCompleted")
    assert (row["released_by"], row["released_by_dn"]) == ("remote", "7001")


def test_rel_3_call_party_deleted_naming_the_dn_is_local():
    act = derive(_ringing_then({}, dict(t=10.5, event="EventCallPartyDeleted", this_dn="7001", conn_id="c1",
                                        ctrl_party="7001")))
    assert one(act, "CallInboundCompleted")["released_by"] == "local"


def test_rel_3_call_deleted_naming_another_party_is_remote():
    act = derive(_ringing_then({}, dict(t=11.9, event="EventCallDeleted", conn_id="c1", ctrl_party="5551234")))
    row = one(act, "CallInbound")
    assert (row["released_by"], row["released_by_dn"]) == ("remote", "5551234")


def test_rel_3_matching_window_is_two_seconds():
    act = derive(_ringing_then({}, dict(t=12.5, event="EventCallDeleted", conn_id="c1", ctrl_party="7001")))
    row = one(act, "CallInbound")
    assert (row["released_by"], row["released_by_dn"]) == (None, None)        # REL-4


def test_rel_3_other_calls_do_not_match():
    act = derive(_ringing_then({}, dict(t=10.1, event="EventCallDeleted", conn_id="c9", ctrl_party="7001")))
    assert one(act, "CallInbound")["released_by"] is None


def test_rel_4_no_information_is_null_not_unknown():
    act = derive(_ringing_then({}))
    assert one(act, "CallInboundCompleted")["released_by"] is None


def test_rel_5_only_release_ends_carry_released_by():
    ev = events(dict(t=0, event="EventRinging", this_dn="7001", conn_id="c1"),
                dict(t=3, event="EventEstablished", this_dn="7001", conn_id="c1"),
                dict(t=4, event="EventHeld", this_dn="7001", conn_id="c1"),
                dict(t=5, event="EventRetrieved", this_dn="7001", conn_id="c1"),
                dict(t=9, event="EventReleased", this_dn="7001", conn_id="c1", releasing_party="local"))
    act = derive(ev)
    carrying = act.filter(pl.col("released_by").is_not_null())["action"].sort().to_list()
    assert carrying == ["CallUnknown", "CallUnknownCompleted"]


def test_rel_6_release_tracking_classifies_ringing_ends():
    ev = events(dict(t=0, event="EventRinging", this_dn="7001", conn_id="c1"),
                dict(t=4, event="EventReleased", this_dn="7001", conn_id="c1"),
                dict(t=4.1, event="EventCallPartyDeleted", this_dn="7001", conn_id="c1", ctrl_party="7001"))
    act = derive(ev)
    row = one(act, "CallForwarded")                 # the agent rejected the alerting call (CALL-2 (c))
    assert (row["released_by"], row["end_reason"]) == ("local", "rejected")


def test_release_tracking_table_one_row_per_release():
    ev = events(dict(t=0, event="EventAbandoned", this_dn="7001", conn_id="c1", releasing_party="2 Remote"),
                dict(t=1, event="EventReleased", this_dn="7002", conn_id="c1"),
                dict(t=1.5, event="EventCallDeleted", conn_id="c1", ctrl_party="7002"))
    table = release_tracking(ev)
    assert table.select("this_dn", "released_by", "released_by_dn").rows() == [
        ("7001", "remote", "7002"), ("7002", "local", "7002")]
