"""The simulator's OCS log (statcli simulate --ocs) reads without skipped lines and derives its ground truth."""

from __future__ import annotations

import polars as pl
import pytest

from statcli.derive import derive_actions
from statcli.read.ocs import parse_ocs_log
from statcli.schema import ACTIONS, CAMPAIGN_EVENTS, EVENTS, validate

simulate_mod = pytest.importorskip("statcli.simulate")


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim")
    res = simulate_mod.simulate(out, agents=8, hours=1, seed=3, ocs=True)
    if not res.ocs_files or res.campaign_file is None:
        pytest.skip("the simulator wrote no OCS log")
    parsed = parse_ocs_log(res.ocs_files)
    actions = derive_actions(EVENTS.empty(), campaign_events=parsed.campaign_events)
    return parsed, actions, pl.read_parquet(res.campaign_file)


def test_simulated_ocs_log_reads_with_zero_skipped_lines(sim):
    parsed, _, _ = sim
    validate(parsed.campaign_events, CAMPAIGN_EVENTS)
    assert parsed.skipped.height == 0, parsed.skipped.head(5).rows()
    assert parsed.line_counts["lines"].sum() == parsed.total_lines
    assert parsed.tz_source == "header"


def test_group_statuses_and_dial_modes_match_the_truth(sim):
    _, acts, truth = sim
    validate(acts, ACTIONS)
    modes = {1: "Predict", 2: "Progress", 3: "Preview"}
    for g in truth.filter(kind="group").iter_rows(named=True):
        got = acts.filter(object_type="CampaignGroup", object_id=g["name"]).sort("start")
        status = got.filter(pl.col("action").str.starts_with("Status")).select("action", "start", "end").rows()
        assert status == [("StatusActivated", g["loaded"], g["started"]), ("StatusRunning", g["started"], g["stopped"]),
                          ("StatusActivated", g["stopped"], g["unloaded"]), ("StatusDeactivated", g["unloaded"], None)]
        mode = got.filter(pl.col("action").is_in(list(modes.values()))).select("action", "start", "end").rows()
        if g["mode_change"] is None:
            assert mode == [(modes[g["mode"]], g["started"], g["stopped"])]
        else:
            # The log's only evidence of the change is the ReqSetDialingMode block stamped 40 ms
            # before the truth's instant (the notifications after it carry no stamp of their own).
            assert [(a, s) for a, s, _ in mode] == [(modes[g["mode"]], g["started"]),
                                                    (modes[g["new_mode"]], mode[1][1])]
            assert abs((mode[1][1] - g["mode_change"]).total_seconds()) < 0.1
            assert mode[0][2] == mode[1][1] and mode[1][2] == g["stopped"]


def test_dials_leads_and_callbacks_match_the_truth(sim):
    _, acts, truth = sim
    att = truth.filter(kind="attempt")
    camp = acts.filter(object_type="Campaign")
    counts = dict(camp.group_by("action").len().iter_rows())
    assert counts.get("DialMade", 0) == att.height
    assert counts.get("DialAnswer", 0) == att.filter(result=33).height
    assert counts.get("LeadProcessed", 0) == att.filter(pl.col("final")).height
    assert counts.get("CallbackScheduled", 0) == att.filter(callback="Campaign").height
    assert counts.get("PersonalCallbackScheduled", 0) == att.filter(callback="Personal").height
    # each dial is counted once, at its first report: the desktop's RecordProcessed, whose
    # AttributeTimeinSecs is a few ms after the truth's `reported` instant
    got = pl.DataFrame({"t": sorted(camp.filter(action="DialMade")["start"].to_list())})
    want = att.select(t=pl.col("reported")).sort("t")
    gap = (got["t"] - want["t"]).dt.total_milliseconds()
    assert gap.is_between(0, 10).all(), gap.to_list()
