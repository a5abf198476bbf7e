"""statcli simulate --ocs: the outbound campaign in the OCS log and the T-Server log."""

from __future__ import annotations

import re

import polars as pl
import pytest

from statcli.simulate import SimConfig, simulate

CFG = dict(agents=6, queues=1, hours=1.0, seed=1, ocs=True)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return simulate(tmp_path_factory.mktemp("ocs"), SimConfig(**CFG))


@pytest.fixture(scope="module")
def ocs_text(run):
    assert len(run.ocs_files) == 1
    return run.ocs_files[0].read_text()


@pytest.fixture(scope="module")
def campaign(run):
    return pl.read_parquet(run.campaign_file)


def test_ocs_log_is_deterministic(run, tmp_path):
    again = simulate(tmp_path, SimConfig(**CFG))
    assert again.ocs_files[0].read_bytes() == run.ocs_files[0].read_bytes()
    assert again.campaign_file.read_bytes() == run.campaign_file.read_bytes()


@pytest.mark.parametrize("pattern", [
    r"(?m)^Application type: OCServer",
    r"(?m)^\w{3} \w{3} \d\d \d\d:\d\d:\d\d 2026\.\d{3} Trc 52000 Campaign Group Spring@Sales has been loaded$",
    r"Trc 52001 Campaign Group Spring@SalesPlaces has been started",
    r"Trc 52002 Campaign Group Spring@Sales has been stopped",
    r"Trc 52004 Campaign Group Spring@Sales has been unloaded",
    r"(?m)^GSW_CM_MessageType +12 \[GSW_CM_ReqSetDialingMode\]\n(?:GSW_CM_\w+ +.*\n)*GSW_CM_AttrDialMode +1 \[Predict\]$",
    r"CampaignGroup\(201\) \(Spring@Sales\): CampGrMsg: .*\n\tGroupDBID: 201; GroupName: Sales;",
    r"(?m)^received from 65200\(SIP_P\)\S+:5001\(fd=12\) message EventUserEvent\n(\t.*\n)*?\t\t'GSW_AGENT_REQ_TYPE'\t'RecordProcessed'",
    r"\t\t'GSW_CALLBACK_TYPE'\t'Campaign'", r"\t\t'GSW_CALLBACK_TYPE'\t'Personal'",
    r"(?m)^request to 65200\(SIP_P\) message RequestDistributeUserEvent\n(\t.*\n)*?\t\t'GSW_USER_EVENT'\t'CampaignModeChanged'",
    r"Trc 50002 TEvent: EventUserEvent\n\d\d:\d\d:\d\d\.\d{3} OCSEvent\[-?\d+\]::EventUserEvent\(RecordProcessed\)",
    r"SQL:  update CL_Spring set call_result=33,agent_id='a\d+',call_time=\d+,record_type=2,record_status=3",
    r"record_type=6,record_status=8",
    r"SP return value \(ReadyCount\):\d+", r"PA Outbound Call Info:\n\tOwnerDBID: 20[12];",
    r"Trc 50080 Predictive call \(record id = \d+\)",
])
def test_ocs_format_features(ocs_text, pattern):
    assert re.search(pattern, ocs_text), pattern


def test_ocs_reader_reads_everything_and_finds_the_campaign(run, campaign):
    pytest.importorskip("statcli.read.ocs")
    from statcli.read.ocs import parse_ocs_log

    res = parse_ocs_log([str(p) for p in run.ocs_files])
    assert res.skipped.height == 0, res.skipped
    ce = res.campaign_events
    life = ce.filter(pl.col("kind").is_in(["group_loaded", "group_started", "group_stopped", "group_unloaded"]))
    for g in ("Sales", "SalesPlaces"):
        kinds = set(life.filter(pl.col("group") == g)["kind"])
        assert kinds == {"group_loaded", "group_started", "group_stopped", "group_unloaded"}, g
    # the reader may tell requested (CM command) from changed (notification) modes; both name the mode
    modes = ce.filter(pl.col("kind").str.starts_with("dial_mode") & (pl.col("group") == "Sales")) \
        .sort("ts")["dial_mode"].to_list()
    assert modes[0] == "Progress" and modes[-1] == "Predict"
    attempts = campaign.filter(pl.col("kind") == "attempt")
    assert attempts.height >= 3
    db = ce.filter((pl.col("kind") == "dial_completed") & (pl.col("evidence") == "db_update"))
    assert sorted(db["chain_id"].cast(pl.Int64).to_list()) == sorted(attempts["chain"].to_list())
    missed = ce.filter(pl.col("kind") == "callback_missed")
    assert missed.height == attempts.filter(pl.col("callback") == "Campaign").height


def test_tserver_log_carries_the_campaign(run, campaign):
    pytest.importorskip("statcli.read.tserver")
    from statcli.read.tserver import parse_tserver_log

    res = parse_tserver_log([str(p) for p in run.tserver_files])
    assert res.skipped == {}, res.examples
    ev = res.events
    handle = ev["user_data"].list.eval(pl.element().filter(pl.element().struct.field("key") == "GSW_RECORD_HANDLE")
                                       .struct.field("value")).list.first()
    dialed = ev.with_columns(handle=handle).filter(pl.col("event") == "EventDialing").drop_nulls("handle")
    attempts = campaign.filter(pl.col("kind") == "attempt")
    assert sorted(dialed["handle"].cast(pl.Int64).to_list()) == sorted(attempts["handle"].to_list())
    ue = ev.filter(pl.col("event") == "EventUserEvent")
    assert ue.height > 0 and ue["this_dn"].str.starts_with("70").all()
