"""OCS reader: line grammar, time stamps, campaign_events rows and line accounting (log-formats §3, §7, §9)."""

from __future__ import annotations

import gzip
from datetime import date, datetime, timezone

import polars as pl
import pytest

from statcli.errors import UserError
from statcli.read.ocs import is_ocs_text, parse_ocs_lines, parse_ocs_log, read_ocs_log, scan_ocs_log
from statcli.read.ocs_lines import anchor_log_time, stamp_columns
from statcli.schema import CAMPAIGN_EVENTS, validate


def lines(*texts: str, source: str = "OCS.log") -> pl.DataFrame:
    return pl.DataFrame({"source": source, "line": list(range(1, len(texts) + 1)), "text": list(texts)})


def parse(*texts: str, **kw):
    kw.setdefault("tz", "UTC")
    return parse_ocs_lines(lines(*texts), **kw)


# --- time stamps (§3.2, §3.3, §3.5, §3.6) -----------------------------------------------------
def test_every_stamp_form_and_a_change_from_one_line_to_the_next():
    df = anchor_log_time(stamp_columns(lines(
        "Fri Feb 05 16:13:24 2016.844 Trc 50002 TEvent: EventUserEvent",   # T5
        "16:13:24.845 OCSEvent[-1]::EventUserEvent(RecordProcessed)",       # T1 right after T5
        "Sun Jun  5 15:22:21 2016.741 Trc 50002 TEvent: EventUserEvent",    # T5, space-padded day
        "2016-06-05T15:22:22.1234 Trc 04541 x",                             # T3, 4-digit fraction
        "2016-06-05 15:22:23.500 Trc 04541 y",                              # T4
        "06/05/2016 15:22:24.000 Trc 04541 z",                              # slash form
        "15:22:25.000: trace with colon",                                   # T7
    )))
    assert df["stamp_form"].to_list() == ["T5", "T1", "T5", "T3", "T4", "T6", "T7"]
    assert df["log_time"].to_list() == [
        datetime(2016, 2, 5, 16, 13, 24, 844000), datetime(2016, 2, 5, 16, 13, 24, 845000),
        datetime(2016, 6, 5, 15, 22, 21, 741000), datetime(2016, 6, 5, 15, 22, 22, 123400),
        datetime(2016, 6, 5, 15, 22, 23, 500000), datetime(2016, 6, 5, 15, 22, 24),
        datetime(2016, 6, 5, 15, 22, 25)]
    assert df["body"][1] == "OCSEvent[-1]::EventUserEvent(RecordProcessed)"


def test_numbers_are_not_stamps_and_out_of_range_times_are_rejected():
    df = stamp_columns(lines("16 bytes", "25:00:00.000 x", "12:61:00.000 y", "2016-13-01T00:00:00.000 z"))
    assert df["stamp_form"].null_count() == 4


def test_midnight_rollover_only_on_a_step_back_of_more_than_12_hours():
    df = anchor_log_time(stamp_columns(lines(
        "2026-01-16T23:59:59.950 a", "23:59:59.900 jitter", "00:00:00.100 b", "00:00:00.050 jitter")))
    assert [t.date() for t in df["log_time"]] == [date(2026, 1, 16)] * 2 + [date(2026, 1, 17)] * 2


def test_time_only_lines_before_the_first_dated_stamp_take_its_date():
    df = anchor_log_time(stamp_columns(lines("16:13:20.000 a", "Fri Feb 05 16:13:24 2016.844 b")))
    assert df["log_time"][0] == datetime(2016, 2, 5, 16, 13, 20)


def test_no_date_anywhere_is_a_user_error_and_date_option_fixes_it():
    with pytest.raises(UserError, match="--date"):
        parse("14:20:55.847 Trc 52000 Campaign Group A@B has been loaded")
    ev = parse("14:20:55.847 Trc 52000 Campaign Group A@B has been loaded", date="2026-02-03").campaign_events
    assert ev["ts"][0] == datetime(2026, 2, 3, 14, 20, 55, 847000, tzinfo=timezone.utc)


def test_unstamped_lines_inherit_the_last_stamp():
    ev = parse(
        "2026-01-01T10:00:00.000 x",
        "CM_DBCallRecord(1-2-3): DBServer 'DB for L1 (9)' SQL: update T set call_result=6,record_status=1,attempt=1"
        " where chain_id=5 and chain_n=0 [ReqID=1]").campaign_events
    assert ev["log_time"].to_list() == [datetime(2026, 1, 1, 10)]


def test_tz_option_converts_to_utc_and_a_bad_zone_is_a_user_error():
    ev = parse("2026-07-01T12:00:00.000 Trc 52001 Campaign Group A@B has been started",
               tz="Europe/Berlin").campaign_events
    assert ev["ts"][0] == datetime(2026, 7, 1, 10, tzinfo=timezone.utc)
    assert ev["tz_source"][0] == "tz-option"
    with pytest.raises(UserError, match="time zone"):
        parse("2026-07-01T12:00:00.000 Trc 52001 Campaign Group A@B has been started", tz="Mars/Base")


# --- life cycle (§9.3) --------------------------------------------------------------------------
@pytest.mark.parametrize("word,kind", [("loaded", "group_loaded"), ("started", "group_started"),
                                       ("stopped", "group_stopped"), ("force unloaded", "group_unloaded"),
                                       ("unloaded", "group_unloaded")])
def test_lifecycle_lines(word, kind):
    code = {"loaded": 0, "started": 1, "stopped": 2, "force unloaded": 3, "unloaded": 4}[word]
    ev = parse(f"2026-01-01T10:00:00.000 Trc 5200{code} Campaign Group Sales@Camp@Grp 1 has been {word}")
    row = ev.campaign_events.row(0, named=True)
    assert (row["kind"], row["campaign"], row["group"], row["evidence"]) == (kind, "Sales@Camp", "Grp 1", "lifecycle")


# --- CM blocks (§9.4) -----------------------------------------------------------------------------
def test_cm_dial_mode_change_is_named_through_dbids_learnt_elsewhere():
    res = parse(
        "2026-01-01T09:00:00.000 CampaignGroup(180) (Spring@OB): CampGrMsg: OCS version: 8.1.500.18;  WorkTime: 1;",
        "\tGroupDBID: 336; GroupName: OB;",
        "\tCampaignDBID: 136; CampaignName: Spring;",
        "09:10:00.000 OCMClient[9]::message received",
        "GSW_CM_MessageType              6 [GSW_CM_ReqSetDialingMode]",
        "GSW_CM_AttrCampaignID           136",
        "GSW_CM_AttrGroupID              336",
        "GSW_CM_AttrDialMode             1",
        "09:11:00.000 OCMClient[9]::message received",
        "GSW_CM_MessageType              7 [GSW_CM_ReqLoadCampaign]",
        "GSW_CM_AttrCampaignID           136")
    ev = res.campaign_events
    assert ev.select("kind", "campaign", "group", "dial_mode", "evidence").rows() == [
        ("dial_mode_requested", "Spring", "OB", "Predict", "cm:ReqSetDialingMode")]
    assert res.skipped.height == 0
    counts = {(d, c): n for d, c, n in res.line_counts.iter_rows()}
    assert counts[("campaign_event", "cm_message")] == 5 and counts[("recognised", "cm_message")] == 3
    assert counts[("recognised", "group_dump")] == 3


# --- record write-backs (§9.5) --------------------------------------------------------------------
def _update(set_clause: str, where: str = "chain_id=103 and chain_n=2") -> str:
    return (f"2026-01-01T12:00:00.000 CM_DBCallRecord(104-103-115): DBServer 'DB for CL_A (852)' SQL: "
            f" update VAD set {set_clause}  where {where} [ReqID=1]")


@pytest.mark.parametrize("set_clause,kinds", [
    ("call_result=9,record_type=2,record_status=3,attempt=1", ["dial_completed", "record_finalized"]),
    ("call_result=7,record_type=2,record_status=1,attempt=1,dial_sched_time=1767272400",
     ["dial_completed", "records_scheduled"]),
    ("call_result=33,record_type=6,record_status=1,attempt=1,dial_sched_time=1767272400",
     ["dial_completed", "callback_scheduled", "records_scheduled"]),
    ("call_result=33,record_type=5,record_status=3,attempt=2", ["dial_completed", "record_finalized",
                                                                 "callback_completed"]),
    ("record_type=5,record_status=8", ["callback_missed"]),
    ("call_result=33,record_status=6,attempt=1", ["dial_completed", "agent_error"]),
    ("call_result=0,record_status=5", ["record_finalized"]),
])
def test_record_updates_report_their_occurrences(set_clause, kinds):
    ev = parse(_update(set_clause)).campaign_events
    assert sorted(ev["kind"].to_list()) == sorted(kinds)
    assert set(ev["chain_id"]) == {103} and set(ev["chain_n"]) == {2} and set(ev["calling_list"]) == {"CL_A"}
    if "callback_missed" in kinds or "callback_completed" in kinds:
        assert ev.filter(pl.col("kind").str.starts_with("callback"))["callback_type"].to_list()[0] == "personal"


# --- client-side dumps (§7.1, §9.8, §9.9) -----------------------------------------------------------
def _dump(*pairs: tuple[str, str], event: str = "EventUserEvent") -> list[str]:
    return ([f"received from 65201(--)host:3010(fd=10) message {event}", "\tAttributeThisDN\t'7101'",
             "\tAttributeUserData\t[100] 00 05 00 00.."]
            + [f"\t\t'{k}'\t{v}" for k, v in pairs]
            + ["\tAttributeTimeinSecs\t1767261600 (10:00:00)", "\tAttributeTimeinuSecs\t500000"])


def test_user_event_campaign_notifications_and_stat_events():
    res = parse("2026-01-01T10:00:00.000 Trc 50002 TEvent: EventUserEvent",
                *_dump(("GSW_USER_EVENT", "'CampaignModeChanged'"), ("GSW_CAMPAIGN_NAME", "'Spring'"),
                       ("GSW_CAMPAIGN_GROUP_NAME", "'Spring@OB'"), ("GSW_CAMPAIGN_MODE", "'Engaged Predictive'")),
                *_dump(("GSW_STAT_EVENT", "8"), ("GSW_CAMPAIGN_NAME", "'Spring'"),
                       ("GSW_CAMPAIGN_GROUP_NAME", "'OB'")),
                *_dump(("GSW_AGENT_REQ_TYPE", "'ScheduledRecordReschedule'"), ("GSW_CALLBACK_TYPE", "'Personal'"),
                       ("GSW_CAMPAIGN_NAME", "'Spring'"), ("GSW_RECORD_HANDLE", "501")),
                *_dump(("GSW_USER_EVENT", "'PreviewRecord'"), ("GSW_CAMPAIGN_NAME", "'Spring'")))
    ev = res.campaign_events
    assert ev.select("kind", "campaign", "group", "dial_mode", "callback_type", "this_dn").rows() == [
        ("dial_mode_changed", "Spring", "OB", "PredictAndSeize", None, "7101"),
        ("waiting_ports_start", "Spring", "OB", None, None, "7101"),
        ("callback_scheduled", "Spring", None, None, "personal", "7101"),
    ]
    assert ev["source_ts"][0] == datetime(2026, 1, 1, 10, 0, 0, 500000, tzinfo=timezone.utc)
    # The PreviewRecord dump is recognised but gives no campaign event; nothing is skipped.
    assert res.skipped.height == 0
    assert res.total_lines == 1 + 4 * 8 + 1


def test_offset_from_timeinsecs_when_no_tz_is_given():
    res = parse_ocs_lines(lines("2026-01-01T04:00:00.400 x",
                                *_dump(("GSW_AGENT_REQ_TYPE", "'RecordProcessed'"), ("GSW_CALL_RESULT", "7"),
                                       ("GSW_CAMPAIGN_NAME", "'Spring'"))))
    assert res.tz_source == "timeinsecs"
    # Offset from epoch vs log time (−6 h); the dump's own time is its epoch (10:00:00.5 UTC).
    row = res.campaign_events.row(0, named=True)
    assert row["ts"] == datetime(2026, 1, 1, 10, 0, 0, 500000, tzinfo=timezone.utc)
    assert row["log_time"] == datetime(2026, 1, 1, 4, 0, 0, 500000)


# --- accounting and errors (DESIGN §6) -------------------------------------------------------------
def test_every_line_is_accounted_and_unknown_unstamped_lines_are_skipped_with_a_reason():
    res = parse("\tcontinuation before any record", "2026-01-01T10:00:00.000 free debug text", "",
                "garbage without stamp", "\tits continuation")
    assert res.total_lines == 5
    assert res.skipped.select("line", "reason").rows() == [
        (1, "continuation line before the first record of the file"),
        (4, "line without a time stamp that continues no record and matches no OCS form"),
        (5, "line without a time stamp that continues no record and matches no OCS form")]


def test_malformed_dump_line_is_skipped_with_the_block_reader_reason():
    res = parse("2026-01-01T10:00:00.000 x", "received from 65201(--)h:1(fd=1) message EventUserEvent",
                "\tAttributeThisDN\t'7101'", "\t\tnot a pair")
    assert res.skipped.select("line", "reason").rows() == [(4, "malformed line inside a T-Library block")]


def test_read_from_files_gz_and_header(tmp_path):
    text = ("Application name: OCS_1\nApplication type: OCServer\nLocal time:       2026-01-01T11:00:00.000\n"
            "Start time (UTC): 2026-01-01T10:00:00.000\n\n"
            "11:00:01.000 Trc 52000 Campaign Group A@B has been loaded\n")
    p = tmp_path / "OCS_1.20260101_110000_000.log.gz"
    p.write_bytes(gzip.compress(text.encode()))
    res = parse_ocs_log(tmp_path)
    ev = res.campaign_events
    validate(ev, CAMPAIGN_EVENTS)
    assert ev.select("server", "line", "tz_source").row(0) == ("OCS_1", 6, "header")
    assert ev["ts"][0] == datetime(2026, 1, 1, 10, 0, 1, tzinfo=timezone.utc)
    assert res.line_counts.filter(disposition="header")["lines"].item() == 5
    assert scan_ocs_log(p).collect().height == 1
    assert is_ocs_text(text)


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError):
        read_ocs_log(tmp_path / "nope.log")


# --- real excerpts (../shared/real-logs, README §3–§4) ---------------------------------------------
def test_real_userevent_recordprocessed(real_logs):
    res = parse_ocs_log(real_logs / "ocs-userevent-recordprocessed.log")
    ev = res.campaign_events
    validate(ev, CAMPAIGN_EVENTS)
    assert res.total_lines == 27 and res.skipped.height == 0
    row = ev.row(0, named=True)
    assert ev.height == 1
    assert (row["kind"], row["campaign"], row["calling_list"], row["call_result"], row["record_handle"],
            row["this_dn"], row["line"]) == ("dial_completed", "TDC", "LI15_OC", 33, 87266334, "94045", 7)
    # Epoch 1454710404.839273 is 22:13:24.839273 UTC; the log says 16:13:24.844 → offset −6:00.
    assert row["source_ts"] == datetime(2016, 2, 5, 22, 13, 24, 839273, tzinfo=timezone.utc)
    # The dump has no stamp (it precedes its 16:13:24.844 summary): its time is its epoch, and
    # the offset −6:00 from epoch vs log stamps puts log_time at 16:13:24.839273.
    assert res.tz_source == "timeinsecs" and row["ts"] == row["source_ts"]
    assert row["log_time"] == datetime(2016, 2, 5, 16, 13, 24, 839273)
    assert {"key": "GSW_AGENT_REQ_TYPE", "value": "RecordProcessed"} in row["user_data"]
    assert len(row["user_data"]) == 7
    # [709] 00 1D declares 29 pairs, 7 follow: a warning, not an error (README §3 fact 4).
    assert any("pair count" in k for k in res.warnings)


def test_real_campaign_group_lines(real_logs):
    res = parse_ocs_log(real_logs / "ocs-campaign-group-lines.log", date="2026-01-01", tz="UTC")
    ev = res.campaign_events
    assert ev.select("kind", "campaign", "group").rows() == [("group_loaded", "SIPProgressive", "VAG_English")]
    assert res.skipped.height == 0 and res.total_lines == 3


def test_real_db_activity_update_line(real_logs):
    res = parse_ocs_log(real_logs / "ocs-db-activity-lines.log", date="2017-09-21", tz="UTC")
    ev = res.campaign_events.filter(pl.col("evidence") == "db_update")
    assert ev["kind"].to_list() == ["dial_completed", "record_finalized"]
    row = ev.row(0, named=True)
    assert (row["call_result"], row["record_status"], row["record_type"], row["attempt"], row["chain_id"],
            row["chain_n"], row["calling_list"], row["line"]) == (9, 3, 2, 1, 103, 2, "CL_VAD_MASTER", 12)
    ready = res.campaign_events.filter(kind="records_ready")
    assert ready.select("count", "list_dbid").row(0) == (780, 106)
    assert res.skipped.height == 0 and res.total_lines == 12


@pytest.mark.parametrize("name,n", [("ocs-calllist-retrieval.log", 3), ("ocs-cm-request-doc.log", 4),
                                    ("ocs-misc-lines.log", 8), ("ocs-pa-blocks.log", 21),
                                    ("client-tlib-lines.log", 6)])
def test_real_excerpts_without_status_changes_read_without_skips(real_logs, name, n):
    res = parse_ocs_log(real_logs / name, date="2016-04-29", tz="UTC")
    assert res.skipped.height == 0 and res.total_lines == n
    assert not res.campaign_events["kind"].is_in(
        ["group_loaded", "group_started", "group_stopped", "group_unloaded", "dial_completed"]).any()


def test_ocs_notifications_sent_as_requests_and_reschedules_reporting_the_attempt():
    res = parse("2026-01-01T10:00:00.000 x",
                "request to 65200(SIP_P) message RequestDistributeUserEvent",
                "\tAttributeUserData\t[123] 00 04 01 00..",
                "\t\t'GSW_USER_EVENT'\t'CampaignStarted'", "\t\t'GSW_CAMPAIGN_NAME'\t'Spring'",
                "\t\t'GSW_CAMPAIGN_GROUP_NAME'\t'Sales'", "\t\t'GSW_CAMPAIGN_MODE'\t'Progressive'",
                "\tAttributeThisDN\t'7001'",
                *_dump(("GSW_AGENT_REQ_TYPE", "'RecordReschedule'"), ("GSW_CALLBACK_TYPE", "'Campaign'"),
                       ("GSW_CAMPAIGN_NAME", "'Spring'"), ("GSW_CALL_RESULT", "33"), ("GSW_CHAIN_ID", "7")))
    ev = res.campaign_events
    assert ev.select("kind", "group", "dial_mode", "call_result", "callback_type", "evidence").rows() == [
        ("group_started", "Sales", "Progress", None, None, "user_event:CampaignStarted"),
        ("dial_completed", None, None, 33, None, "agent_request:RecordReschedule"),
        ("callback_scheduled", None, None, 33, "campaign", "agent_request:RecordReschedule")]
    assert res.skipped.height == 0


def test_split_sources_by_header_content_kind_option_and_mixed_zip(tmp_path):
    import zipfile

    from statcli.read.ocs import split_sources
    ocs = tmp_path / "a.log"
    ocs.write_text("10:00:00.000 Trc 52000 Campaign Group A@B has been loaded\n")  # no header: content decides
    sip = tmp_path / "b.log"
    sip.write_text("Application name: SIP_P\nApplication type: TServer (SIP Server)\n\n")
    assert split_sources([ocs, sip]) == {"tserver": [str(sip)], "ocs": [str(ocs)]}
    assert split_sources([ocs, sip], kind="OCS") == {"tserver": [], "ocs": [str(ocs), str(sip)]}
    with pytest.raises(UserError, match="unknown log kind"):
        split_sources([ocs], kind="urs")
    z = tmp_path / "both.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(ocs, "a.log")
        zf.write(sip, "b.log")
    with pytest.raises(UserError, match="both T-Server and OCS"):
        split_sources([z])
    assert split_sources(["-"])["tserver"] == ["-"]


def test_strict_turns_skipped_lines_into_an_error(tmp_path):
    from statcli.errors import StrictError
    p = tmp_path / "OCS.log"
    p.write_text("2026-01-01T10:00:00.000 Trc 52000 Campaign Group A@B has been loaded\nstray text\n")
    assert read_ocs_log(p).height == 1
    with pytest.raises(StrictError, match="1 input line"):
        read_ocs_log(p, strict=True)
