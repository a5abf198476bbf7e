"""Regular-DN call actions against the simulator's ground truth (log text → parser → derive_calls).

The simulator's ``call`` layer holds, per regular DN and ConnID, the Dialing, Ringing, Talking and
Held intervals its own model produced; CALL-1 / CALL-2 / CALL-3 (with CALL-9 party changes) /
CALL-5 intervals and REL-2 ``released_by`` must reproduce them from the rendered SIP Server log.
"""

from __future__ import annotations

import polars as pl
import pytest

from statcli.derive import build_context, prepare_events
from statcli.derive.base import finalize_actions
from statcli.derive.calls import derive_calls
from statcli.read.tserver import read_tserver_log
from statcli.simulate import simulate

CALL_TYPES = ["CallInbound", "CallOutbound", "CallInternal", "CallConsult", "CallUnknown"]
# The log prints 1/10 ms; the model keeps µs.
TOLERANCE = pl.duration(milliseconds=1)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    run = simulate(tmp_path_factory.mktemp("sim"), agents=8, hours=1, calls_per_hour=90, seed=11)
    events = prepare_events(read_tserver_log(run.tserver_files))
    ctx = build_context(events)
    actions = finalize_actions([derive_calls(events, ctx)], ctx)
    truth = pl.read_parquet(run.truth_file).filter((pl.col("layer") == "call") & (pl.col("dn_type") == "Extension"))
    return actions, truth


def _mismatches(truth: pl.DataFrame, actions: pl.DataFrame) -> pl.DataFrame:
    joined = truth.join(actions, on=["dn", "conn_id"], how="full", coalesce=True, suffix="_a")
    off = lambda a, b: (pl.col(a) - pl.col(b)).abs() > TOLERANCE
    return joined.filter(pl.col("start").is_null() | pl.col("start_a").is_null() | off("start", "start_a")
                         | off("end", "end_a") | (pl.col("end").is_null() != pl.col("end_a").is_null()))


@pytest.mark.parametrize("state, action", [("Dialing", "CallDialing"), ("Ringing", "CallRinging"),
                                           ("Held", "CallOnHold")])
def test_call_1_2_5_intervals_match_ground_truth(simulated, state, action):
    actions, truth = simulated
    expected = truth.filter(pl.col("state") == state).select("dn", "conn_id", "start", "end")
    got = actions.filter(pl.col("action") == action).select("dn", "conn_id", "start", "end")
    assert expected.height > 0
    assert _mismatches(expected, got).height == 0


def test_call_3_9_call_type_actions_span_talking_and_held(simulated):
    actions, truth = simulated
    legs = (truth.filter(pl.col("state").is_in(["Talking", "Held"]))
            .group_by("dn", "conn_id")
            .agg(pl.col("start").min(), pl.col("end").max(),
                 pl.col("released_by").sort_by("end").last(), pl.col("end_reason").sort_by("end").last()))
    got = actions.filter(pl.col("action").is_in(CALL_TYPES)).select("dn", "conn_id", "start", "end", "released_by",
                                                                   "end_reason")
    assert legs.height > 50
    assert _mismatches(legs, got).height == 0
    # REL-2: the leg's ReleasingParty is the call-type action's released_by (a party change releases nothing)
    released = legs.join(got, on=["dn", "conn_id"], suffix="_a").filter(pl.col("end_reason_a") != "party_changed")
    assert released.filter(pl.col("released_by").fill_null("-") != pl.col("released_by_a").fill_null("-")).height == 0
    assert released["released_by_a"].is_not_null().sum() > 0


def test_call_2_ringing_end_kinds_match_ground_truth(simulated):
    """CALL-2 (a)/(b)/(c): answered → CallAnswered, abandoned → CallAbandonedFromRinging,
    redirected (ring-no-answer, CallState 22) → CallForwarded."""
    actions, truth = simulated
    expected_retro = {"established": "CallAnswered", "abandoned": "CallAbandonedFromRinging",
                      "redirected": "CallForwarded"}
    ringing = truth.filter(pl.col("state") == "Ringing").with_columns(
        retro=pl.col("end_reason").replace_strict(expected_retro, default=None))
    assert ringing["retro"].null_count() == 0 and ringing["retro"].n_unique() >= 2
    retro = actions.filter(pl.col("action").is_in(list(expected_retro.values()))).select("dn", "conn_id", "action")
    joined = ringing.join(retro, on=["dn", "conn_id"], how="full", coalesce=True)
    assert joined.filter(pl.col("retro").fill_null("-") != pl.col("action").fill_null("-")).height == 0
