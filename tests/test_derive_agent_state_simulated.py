"""Agent work state against the simulator's ground truth (log text → parser → derive_actions).

The simulator's ``agent`` layer holds, per agent DN, the LoggedOut / NotReady / Ready /
AfterCallWork intervals of its own model, including a T-Server link outage with re-registration.
DN-5..11 (event-driven intervals), REG-2 (a registration without Extensions answered by a DN-status
EventAddressInfo), REG-3..9 (snapshots) and REG-10 (the outage) must reproduce them. Snapshot starts
differ by design: statcli starts them at the snapshot (REG-9e), the model at its own session start,
so those intervals are matched on their end.
"""

from __future__ import annotations

import polars as pl
import pytest

from statcli.derive import derive_actions
from statcli.read.tserver import read_tserver_log
from statcli.simulate import simulate

STATES = {"Ready": "WaitForNextCall", "NotReady": "NotReadyForNextCall", "AfterCallWork": "AfterCallWork",
          "LoggedOut": "LoggedOut"}


def _ms(col: str) -> pl.Expr:
    return pl.col(col).dt.truncate("1ms")   # the log prints 1/10 ms, the model keeps µs


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    run = simulate(tmp_path_factory.mktemp("sim"), agents=8, hours=1, calls_per_hour=90, seed=11)
    acts = derive_actions(read_tserver_log(run.tserver_files))
    cols = ("dn", "action", _ms("start"), _ms("end"), "start_known")
    truth = (pl.read_parquet(run.truth_file).filter(pl.col("layer") == "agent")
             .with_columns(action=pl.col("state").replace_strict(STATES)).select(*cols))
    derived = acts.filter(pl.col("action").is_in(list(STATES.values())) & (pl.col("object_type") == "RegDN"))
    monitor = pl.read_parquet(run.truth_file).filter(pl.col("layer") == "monitor")
    return truth, derived.select(*cols), acts, monitor


def test_dn5_to_dn11_event_driven_intervals_match_ground_truth(simulated):
    truth, derived, _, _ = simulated
    known = truth.filter("start_known")
    assert known.height > 100
    joined = known.join(derived, on=["dn", "action", "start"], how="left", suffix="_d")
    assert joined.filter(pl.col("start_known_d").is_null()).height == 0          # every interval found
    assert joined.filter(pl.col("end").ne_missing(pl.col("end_d"))).height == 0  # with the same end
    assert derived.filter("start_known").join(truth, on=["dn", "action", "start"], how="anti").height == 0


def test_reg2_reg9e_reg10_snapshot_intervals_match_on_their_end(simulated):
    truth, derived, _, _ = simulated
    snap_truth = truth.filter(~pl.col("start_known"))
    snap_derived = derived.filter(~pl.col("start_known"))
    assert snap_truth.height > 5
    key = ["dn", "action", "end"]
    assert snap_truth.join(snap_derived, on=key, how="anti", nulls_equal=True).height == 0
    # No extra snapshot intervals (e.g. a LoggedOut from a registration its AddressInfo answers, REG-2)
    # on agent DNs. DNs without an agent keep one LoggedOut across the outage in the model, where
    # statcli ends it at the loss of monitoring and restarts it from the new snapshot (REG-10).
    agent_dns = truth.filter(pl.col("action") != "LoggedOut").select("dn").unique()
    extra = snap_derived.join(snap_truth, on=key, how="anti", nulls_equal=True)
    assert extra.join(agent_dns, on="dn", how="semi").height == 0
    assert set(extra["action"]) <= {"LoggedOut"}


def test_reg10_not_monitored_during_the_outage(simulated):
    _, _, acts, monitor = simulated
    assert monitor.height > 0
    got = acts.filter(pl.col("action") == "NotMonitored").select("dn", _ms("start"), _ms("end"))
    want = monitor.select("dn", _ms("start"), _ms("end"))
    # the outage is the link's: every registered DN of the model is NotMonitored across it
    merged = want.join(got, on="dn", how="left", suffix="_d")
    assert merged.filter(pl.col("start").ne_missing(pl.col("start_d"))
                         | pl.col("end").ne_missing(pl.col("end_d"))).height == 0
