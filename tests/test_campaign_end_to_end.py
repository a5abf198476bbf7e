"""OCS log text → campaign_events → derive_actions(campaign_events=…): a small campaign end to end."""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl

from statcli.derive import derive_actions
from statcli.read.ocs import parse_ocs_log
from statcli.schema import ACTIONS, EVENTS, validate

OCS_LOG = """\
Application name: OCS_Main
Application type: OCServer
Local time:       2026-01-01T09:50:00.000
Start time (UTC): 2026-01-01T08:50:00.000

Thu Jan 01 09:50:00 2026.000 Trc 52000 Campaign Group Spring@OB_Group has been loaded
09:54:59.500 OCMClient[9]::message received
GSW_CM_MessageType              10 [GSW_CM_ReqStartDialing]
GSW_CM_AttrCampaignID           136
GSW_CM_AttrGroupID              336
GSW_CM_AttrDialMode             3
Thu Jan 01 09:55:00 2026.000 Trc 52001 Campaign Group Spring@OB_Group has been started
09:55:00.010 CampaignGroup(180) (Spring@OB_Group): CampGrMsg: OCS version: 8.1.500.18;  WorkTime: 1;
\tGroupDBID: 336; GroupName: OB_Group;
\tCampaignDBID: 136; CampaignName: Spring;
10:14:20.700 CM_DBCallRecord(104-136-336): DBServer 'DBS for List_A (852)' SQL: update LA set \
call_result=33,agent_id='a2001',record_type=2,record_status=2,attempt=1  where chain_id=77 and chain_n=0 [ReqID=1]
10:15:00.000 Trc 50002 TEvent: EventUserEvent
received from 65201(TS)host:3010(fd=10) message EventUserEvent
\tAttributeThisDN\t'7101'
\tAttributeUserData\t[100] 00 05 01 00..
\t\t'GSW_AGENT_REQ_TYPE'\t'RecordProcessed'
\t\t'GSW_CAMPAIGN_NAME'\t'Spring'
\t\t'GSW_CALLING_LIST'\t'List_A'
\t\t'GSW_CALL_RESULT'\t33
\t\t'GSW_CHAIN_ID'\t77
\tAttributeTimeinSecs\t1767258900 (10:15:00)
\tAttributeTimeinuSecs\t0
10:15:00.100 CM_DBCallRecord(104-136-336): DBServer 'DBS for List_A (852)' SQL: update LA set \
call_result=33,record_type=2,record_status=3,attempt=1  where chain_id=77 and chain_n=0 [ReqID=2]
10:20:40.000 CM_DBCallRecord(104-136-336): DBServer 'DBS for List_A (852)' SQL: update LA set \
call_result=7,record_type=2,record_status=1,attempt=1,dial_sched_time=1767265200  where chain_id=78 and chain_n=0 [ReqID=3]
10:25:00.000 CM_DBCallList(104-136-336): SR return value (ReadyCount):12
10:30:00.000 Trc 52002 Campaign Group Spring@OB_Group has been stopped
10:30:01.000 Trc 52004 Campaign Group Spring@OB_Group has been unloaded
"""


def utc(h, m, s=0, us=0):
    return datetime(2026, 1, 1, h, m, s, us, tzinfo=timezone.utc)


def test_small_campaign_from_log_to_actions(tmp_path):
    path = tmp_path / "OCS_Main.20260101_095000_000.log"
    path.write_text(OCS_LOG)
    res = parse_ocs_log(path)
    assert res.skipped.height == 0 and res.total_lines == len(OCS_LOG.splitlines())
    ce = res.campaign_events
    assert res.tz_source == "header"  # Local time − Start time (UTC) = +1 h
    assert ce.filter(kind="dial_mode_requested").select("campaign", "group", "dial_mode").row(0) == (
        "Spring", "OB_Group", "Preview")

    acts = derive_actions(EVENTS.empty(), campaign_events=ce)
    validate(acts, ACTIONS)
    grp = acts.filter(object_type="CampaignGroup").sort("start", "action")
    assert grp.filter(pl.col("action").str.starts_with("Status")).select("action", "start", "end").rows() == [
        ("StatusActivated", utc(8, 50), utc(8, 55)), ("StatusRunning", utc(8, 55), utc(9, 30)),
        ("StatusActivated", utc(9, 30), utc(9, 30, 1)), ("StatusDeactivated", utc(9, 30, 1), None)]
    assert grp.filter(action="Preview").select("start", "end").row(0) == (utc(8, 55), utc(9, 30))

    camp = acts.filter(object_type="Campaign")
    counts = dict(camp.group_by("action").len().iter_rows())
    # chain 77: the OCS write-back and the desktop RecordProcessed are one attempt (CMP-8a)
    assert (counts["DialMade"], counts["DialAnswer"], counts["DialNoAnswer"]) == (2, 1, 1)
    assert (counts["LeadProcessed"], counts["LeadAnswer"]) == (1, 1)
    assert camp.filter(action="RecordsScheduled").select("start", "end").row(0) == (utc(9, 20, 40), None)
    rnp = acts.filter(action="RecordsNotProcessed").sort("object_type")
    assert rnp.select("object_type", "object_id", "weight").rows() == [
        ("CallingList", "List_A", 12), ("Campaign", "Spring", 12)]
    assert set(acts["object_type"]) == {"Campaign", "CampaignGroup", "CallingList", "CampaignCallingList"}
