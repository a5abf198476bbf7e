"""Campaign actions from campaign_events (statserver-model §4, seed 004): CMP-0..13."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import polars as pl
import pytest

from statcli.catalog.outbound import call_results
from statcli.derive.base import DeriveContext, finalize_actions
from statcli.derive.campaign import derive_campaign_actions
from statcli.schema import ACTIONS, CAMPAIGN_EVENTS, conform, validate

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def events(*rows: dict) -> pl.DataFrame:
    base = {"campaign": "Spring", "source": "ocs.log"}
    rows = [{**base, "line": i + 1, **r} for i, r in enumerate(rows)]
    return conform(pl.DataFrame(rows, infer_schema_length=None), CAMPAIGN_EVENTS)


def actions(ce: pl.DataFrame) -> pl.DataFrame:
    ctx = DeriveContext()
    out = finalize_actions([derive_campaign_actions(ce, ctx)], ctx)
    validate(out, ACTIONS)
    return out


def rows(acts: pl.DataFrame, object_type: str, prefix: str = "Status") -> list[tuple]:
    sel = acts.filter((pl.col("object_type") == object_type) & pl.col("action").str.starts_with(prefix))
    return sel.sort("start", "action").select("object_id", "action", "start", "end").rows()


def test_example_c_preview_campaign():
    """statserver-model §7.3 (Example C): statuses, mode, dials, one lead, records scheduled."""
    g = "OB_Group"
    ce = events(
        {"ts": at(50), "kind": "group_loaded", "group": g},
        {"ts": at(55), "kind": "group_started", "group": g, "dial_mode": "Preview"},
        {"ts": at(74 + 20.7 / 60), "kind": "dial_completed", "call_result": 33, "record_handle": 501,
         "chain_id": 77, "attempt": 1, "calling_list": "List_A", "group": g},
        {"ts": at(75), "kind": "dial_completed", "call_result": 33, "record_handle": 501, "calling_list": "List_A"},
        {"ts": at(75 + 0.1 / 60), "kind": "record_finalized", "call_result": 33, "chain_id": 77,
         "calling_list": "List_A", "group": g},
        {"ts": at(80 + 40 / 60), "kind": "dial_completed", "call_result": 7, "record_handle": 502, "chain_id": 78,
         "calling_list": "List_A"},
        {"ts": at(80 + 40.1 / 60), "kind": "records_scheduled", "chain_id": 78, "calling_list": "List_A"},
    )
    acts = actions(ce)
    for obj, oid in (("CampaignGroup", "Spring@OB_Group"), ("Campaign", "Spring")):
        assert rows(acts, obj) == [(oid, "StatusActivated", at(50), at(55)), (oid, "StatusRunning", at(55), None)]
        assert rows(acts, obj, "Preview") == [(oid, "Preview", at(55), None)]
    assert acts.filter(action="StatusDeactivated").is_empty()  # CMP-2
    count = acts.group_by("object_type", "action").len()
    for obj in ("Campaign", "CampaignGroup", "CallingList", "CampaignCallingList"):
        c = dict(count.filter(object_type=obj).select("action", "len").iter_rows())
        assert (c["DialMade"], c["DialAnswer"], c["DialNoAnswer"]) == (2, 1, 1), obj
        assert (c["LeadProcessed"], c["LeadAnswer"]) == (1, 1), obj
    assert acts.filter(action="DialAnswer", object_type="Campaign")["start"].item() == at(74 + 20.7 / 60)
    sched = acts.filter(action="RecordsScheduled")
    assert sched.select("object_type", "object_id", "end").rows() == [("Campaign", "Spring", None)]


def test_each_lifecycle_transition_cmp1():
    g = {"group": "G1"}
    ce = events({"ts": at(0), "kind": "group_loaded", **g}, {"ts": at(1), "kind": "group_started", **g},
                {"ts": at(2), "kind": "group_stopped", **g}, {"ts": at(3), "kind": "group_started", **g},
                {"ts": at(4), "kind": "group_unloaded", **g}, {"ts": at(5), "kind": "group_loaded", **g})
    assert [(a, s, e) for _, a, s, e in rows(actions(ce), "CampaignGroup")] == [
        ("StatusActivated", at(0), at(1)), ("StatusRunning", at(1), at(2)), ("StatusActivated", at(2), at(3)),
        ("StatusRunning", at(3), at(4)), ("StatusDeactivated", at(4), at(5)), ("StatusActivated", at(5), None)]


def test_repeated_reports_of_one_transition_count_once_cmp0():
    ce = events({"ts": at(0), "kind": "group_loaded", "group": "G1", "evidence": "lifecycle"},
                {"ts": at(0.01), "kind": "group_loaded", "group": "G1", "evidence": "user_event:CampaignLoaded"},
                {"ts": at(0.02), "kind": "group_loaded", "group": "G1", "evidence": "user_event:CampaignLoaded"},
                {"ts": at(1), "kind": "group_started", "group": "G1"})
    assert rows(actions(ce), "CampaignGroup")[0][1:] == ("StatusActivated", at(0), at(1))


def test_campaign_aggregate_rule_cmp5():
    ce = events({"ts": at(0), "kind": "group_loaded", "group": "A"},
                {"ts": at(1), "kind": "group_loaded", "group": "B"},
                {"ts": at(2), "kind": "group_started", "group": "A"},
                {"ts": at(3), "kind": "group_started", "group": "B"},
                {"ts": at(4), "kind": "group_stopped", "group": "A"},
                {"ts": at(5), "kind": "group_unloaded", "group": "B"},
                {"ts": at(6), "kind": "group_unloaded", "group": "A"})
    assert [(a, s, e) for _, a, s, e in rows(actions(ce), "Campaign")] == [
        ("StatusActivated", at(0), at(2)),     # one group Activated, none Running
        ("StatusRunning", at(2), at(5)),       # at least one Running (A until 4, B until 5)
        ("StatusActivated", at(5), at(6)),     # A Activated, B Deactivated
        ("StatusDeactivated", at(6), None)]    # all Deactivated


def test_waiting_actions_only_inside_running_cmp6():
    g = {"group": "G1"}
    ce = events({"ts": at(0), "kind": "waiting_agents_start", **g},        # before any status: ignored
                {"ts": at(1), "kind": "group_started", **g},
                {"ts": at(2), "kind": "waiting_agents_start", **g},
                {"ts": at(3), "kind": "waiting_agents_over", **g},
                {"ts": at(4), "kind": "waiting_records_start", **g},
                {"ts": at(5), "kind": "system_error_start", **g},
                {"ts": at(6), "kind": "group_stopped", **g},                # ends both
                {"ts": at(7), "kind": "waiting_ports_start", **g},         # outside Running: ignored
                {"ts": at(8), "kind": "group_started", **g})
    acts = actions(ce)
    waits = [r for r in rows(acts, "CampaignGroup") if r[1] not in ("StatusRunning", "StatusActivated")]
    assert [(a, s, e) for _, a, s, e in waits] == [
        ("StatusWaitingAgents", at(2), at(3)), ("StatusWaitingRecords", at(4), at(6)),
        ("StatusSystemError", at(5), at(6))]
    camp = [r for r in rows(acts, "Campaign") if "Waiting" in r[1] or "Error" in r[1]]
    assert len(camp) == 3  # propagated to the Campaign


def test_dial_mode_in_parallel_with_running_cmp7():
    g = {"group": "G1"}
    ce = events({"ts": at(0), "kind": "group_loaded", **g},
                {"ts": at(1), "kind": "group_started", **g},                               # mode unknown
                {"ts": at(2), "kind": "dial_mode_changed", "dial_mode": "Predict", **g},
                {"ts": at(3), "kind": "dial_mode_changed", "dial_mode": "Progress", **g},
                {"ts": at(4), "kind": "group_stopped", **g},
                {"ts": at(5), "kind": "dial_mode_changed", "dial_mode": "Power", **g},     # not Running
                {"ts": at(6), "kind": "group_started", **g},
                {"ts": at(7), "kind": "group_unloaded", **g})
    acts = actions(ce).filter(pl.col("action").is_in(["Predict", "Progress", "Power"]))
    got = acts.filter(object_type="CampaignGroup").sort("start").select("action", "start", "end").rows()
    assert got == [("Predict", at(2), at(3)), ("Progress", at(3), at(4)), ("Power", at(6), at(7))]
    assert acts.filter(object_type="Campaign").height == 3


CODES = call_results()


@pytest.mark.parametrize("code", CODES["call_result"].to_list())
def test_each_call_result_maps_to_its_dial_and_lead_actions_cmp8_cmp9(code):
    row = CODES.filter(call_result=code).row(0, named=True)
    ce = events({"ts": at(0), "kind": "dial_completed", "call_result": code, "chain_id": 1, "attempt": 1,
                 "group": "G", "calling_list": "L"},
                {"ts": at(1), "kind": "record_finalized", "call_result": code, "chain_id": 1,
                 "group": "G", "calling_list": "L"})
    acts = actions(ce)
    by_obj = {o: sorted(acts.filter(object_type=o)["action"]) for o in
              ("Campaign", "CampaignGroup", "CallingList", "CampaignCallingList")}
    for obj, got in by_obj.items():
        expected = ["LeadProcessed"]
        if code != 0:  # CMP-8b: 0 is not an attempt
            expected.append("DialMade")
        dial = row["dial_action"]
        if dial and not (dial == "DialRemoteRelease" and obj in ("CampaignGroup", "CampaignCallingList")):
            expected.append(dial)
        if row["lead_action"]:
            expected.append(row["lead_action"])
        assert got == sorted(expected), (code, obj)


def test_call_result_catalog_matches_seed_004():
    """37 failure Dial actions + DialAnswer + DialRemoteRelease; 39 Lead actions (§9.10 consistency check)."""
    dial = CODES.drop_nulls("dial_action")["dial_action"]
    lead = CODES.drop_nulls("lead_action")["lead_action"]
    assert dial.n_unique() == dial.len() == 39 and lead.n_unique() == lead.len() == 39
    assert CODES.filter(pl.col("reserved"))["dial_action"].null_count() == CODES["reserved"].sum()
    assert CODES.filter(call_result=5)["dial_action"].item() == "DialRemoteRelease"


def test_chain_counted_once_and_only_when_final_cmp9():
    ce = events(
        # chain 1: two records finalized → one lead at the last finalization, result of the last attempt
        {"ts": at(0), "kind": "dial_completed", "call_result": 6, "chain_id": 1, "chain_n": 0, "attempt": 1},
        {"ts": at(1), "kind": "record_finalized", "call_result": 6, "chain_id": 1, "chain_n": 0},
        {"ts": at(2), "kind": "dial_completed", "call_result": 33, "chain_id": 1, "chain_n": 1, "attempt": 1},
        {"ts": at(3), "kind": "record_finalized", "call_result": 33, "chain_id": 1, "chain_n": 1},
        # chain 2: finalized record, then the chain goes on (not final at the end of the data)
        {"ts": at(4), "kind": "record_finalized", "call_result": 7, "chain_id": 2, "chain_n": 0},
        {"ts": at(5), "kind": "dial_completed", "call_result": 7, "chain_id": 2, "chain_n": 1, "attempt": 1},
        # chain 3: finalized without any dial (do not call) still counts
        {"ts": at(6), "kind": "record_finalized", "call_result": 51, "chain_id": 3},
    )
    leads = actions(ce).filter(pl.col("object_type") == "Campaign", pl.col("action").str.starts_with("Lead")) \
        .sort("start", "action").select("action", "start").rows()
    assert leads == [("LeadAnswer", at(3)), ("LeadProcessed", at(3)),
                     ("LeadDoNotCall", at(6)), ("LeadProcessed", at(6))]


def test_attempt_reported_twice_counts_once_and_redial_counts_again_cmp8a():
    ce = events(
        {"ts": at(0), "kind": "dial_completed", "call_result": 7, "record_handle": 9, "chain_id": 4, "attempt": 1},
        {"ts": at(0.5), "kind": "dial_completed", "call_result": 7, "record_handle": 9},        # desktop copy
        {"ts": at(1), "kind": "dial_completed", "call_result": 7, "chain_id": 4, "attempt": 2},  # quick redial
        {"ts": at(30), "kind": "dial_completed", "call_result": 7, "chain_id": 4, "attempt": 3},  # redial
        {"ts": at(31), "kind": "dial_completed", "call_result": 6, "record_handle": 10},  # other record, no chain
    )
    made = actions(ce).filter(object_type="Campaign", action="DialMade").sort("start")["start"].to_list()
    assert made == [at(0), at(1), at(30), at(31)]


def test_callbacks_and_agent_errors_cmp10_cmp11():
    ce = events({"ts": at(0), "kind": "callback_scheduled", "callback_type": "personal", "record_handle": 1},
                {"ts": at(0.1), "kind": "callback_scheduled", "callback_type": "personal", "record_handle": 1},
                {"ts": at(1), "kind": "callback_scheduled", "record_handle": 2},
                {"ts": at(2), "kind": "callback_completed", "callback_type": "campaign", "record_handle": 2},
                {"ts": at(3), "kind": "callback_missed", "callback_type": "personal", "record_handle": 3},
                {"ts": at(4), "kind": "agent_error", "record_handle": 4, "calling_list": "L"})
    acts = actions(ce)
    assert acts.filter(object_type="Campaign").sort("start")["action"].to_list() == [
        "PersonalCallbackScheduled", "CallbackScheduled", "CallbackCompleted", "PersonalCallbackMissed",
        "AgentError"]
    assert acts.filter(object_type="CallingList")["action"].to_list() == ["AgentError"]
    assert set(acts["kind"]) == {"momentary"}


def test_records_not_processed_on_campaign_and_calling_list_only_cmp12():
    ce = events({"ts": at(0), "kind": "group_loaded", "group": "G"},
                {"ts": at(1), "kind": "records_ready", "calling_list": "L1", "count": 40},
                {"ts": at(2), "kind": "records_ready", "calling_list": "L1", "count": 30},
                {"ts": at(2), "kind": "records_ready", "calling_list": "L2", "count": 5},
                {"ts": at(3), "kind": "group_unloaded", "group": "G"})
    rnp = actions(ce).filter(action="RecordsNotProcessed").sort("object_type", "object_id")
    assert rnp.select("object_type", "object_id", "weight", "start").rows() == [
        ("CallingList", "L1", 30, at(3)), ("CallingList", "L2", 5, at(3)), ("Campaign", "Spring", 35, at(3))]


def test_records_scheduled_until_the_next_attempt_cmp13():
    ce = events({"ts": at(0), "kind": "records_scheduled", "chain_id": 5, "chain_n": 0},
                {"ts": at(60), "kind": "dial_completed", "call_result": 33, "chain_id": 5, "chain_n": 0,
                 "attempt": 2},
                {"ts": at(61), "kind": "records_scheduled", "chain_id": 6, "chain_n": 0})
    sched = actions(ce).filter(action="RecordsScheduled").sort("start")
    assert sched.select("object_type", "start", "end", "kind").rows() == [
        ("Campaign", at(0), at(60), "durable"), ("Campaign", at(61), None, "durable")]


def test_no_campaign_events_gives_no_rows():
    assert derive_campaign_actions(CAMPAIGN_EVENTS.empty(), DeriveContext()).height == 0


def test_unstamped_notification_does_not_move_a_stamped_transition_cmp0():
    """A notification dump inherits the previous line's time; the life-cycle line's own stamp wins."""
    ce = events({"ts": at(0), "kind": "group_loaded", "group": "G1", "evidence": "user_event:CampaignLoaded"},
                {"ts": at(0.01), "kind": "group_loaded", "group": "G1", "evidence": "lifecycle"},
                {"ts": at(5), "kind": "group_started", "group": "G1", "evidence": "user_event:CampaignStarted"})
    assert [(a, s, e) for _, a, s, e in rows(actions(ce), "CampaignGroup")] == [
        ("StatusActivated", at(0.01), at(5)), ("StatusRunning", at(5), None)]  # alone, a notification counts


def test_a_mode_command_counts_only_without_a_result_within_2s():
    g = {"group": "G1"}
    ce = events({"ts": at(0), "kind": "group_started", **g},
                {"ts": at(1), "kind": "dial_mode_requested", "dial_mode": "Predict", **g},
                {"ts": at(1 + 0.5 / 60), "kind": "dial_mode_changed", "dial_mode": "Predict", **g},
                {"ts": at(3), "kind": "dial_mode_requested", "dial_mode": "Power", **g})
    modes = actions(ce).filter((pl.col("object_type") == "CampaignGroup") & pl.col("action").is_in(["Predict", "Power"]))
    assert modes.sort("start").select("action", "start").rows() == [("Predict", at(1 + 0.5 / 60)), ("Power", at(3))]
