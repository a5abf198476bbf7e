"""Every excerpt of ../shared/real-logs with the facts its README lists (§ numbers refer to it).

These files are real Genesys log text; they are read from ../shared and never
copied into the repository. The tests skip, saying why, when ../shared is absent.
"""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl
import pytest

from statcli.errors import UserError
from statcli.read.tserver import parse_tserver_log
from statcli.schema import EVENTS, validate


def parse(real_logs, name, date="2020-01-01"):
    result = parse_tserver_log(real_logs / name, date=date)
    validate(result.events, EVENTS)
    # accounting: every input line lands in exactly one category
    raw = (real_logs / name).read_bytes()
    n_lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
    assert result.total_lines == n_lines == sum(result.lines.values())
    return result


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def kv(events, column, row=0):
    return {p["key"]: p["value"] for p in events[column][row]}


# --- 1. server-side blocks ---------------------------------------------------------------

def test_sips_event_headers(real_logs):
    r = parse(real_logs, "sips-event-headers.log")
    ev = r.events
    assert ev["event"].to_list() == ["EventReleased", "EventCallPartyDeleted", "EventACK"]
    assert ev["context"].to_list() == ["distribute_event", "distribute call/party event", "send_to_client"]
    assert ev["tag"].unique().to_list() == ["0"]
    assert ev["server_version"].unique().to_list() == ["8.1.101.25"]
    # four fraction digits are kept at 0.1 ms
    assert [t.microsecond for t in ev["log_time"]] == [593900, 594200, 104100]
    assert r.lines == {"event": 3}


def test_sips_eventerror_block(real_logs):
    r = parse(real_logs, "sips-eventerror-block.log", date=None)
    ev = r.events
    assert ev.height == 1  # the 04545 / 04542 recipient lines do not count again
    row = ev.row(0, named=True)
    assert row["event"] == "EventError" and row["context"] == "send_to_client"
    assert row["server_version"] == "8.1.101.33"
    assert row["note"] == "DN is not configured in CME"
    assert row["seq"] == 17601160
    assert row["error_code"] == 59
    assert row["this_dn"] == "0091BAFE-5E73-1473-97EF-443C330AAA77"
    attrs = {a["name"]: a["value"] for a in row["attributes"]}
    assert attrs["AttributeErrorMessage"] == "'DN is not configured in CME'"
    assert attrs["AttributeClientID"] == "1145"
    assert row["source_ts"] == utc(2015, 8, 17, 23, 16, 17, 458658)
    # the ISO date of the later 04545 line anchors the time-only @ header; offset 0
    assert row["log_time"] == datetime(2015, 8, 17, 23, 16, 17, 458600)
    assert row["ts"] == utc(2015, 8, 17, 23, 16, 17, 458600)
    assert r.tz_basis["sips-eventerror-block"].startswith("timeinsecs (UTC+00:00)")
    assert r.lines == {"event": 9, "std": 2}


def test_sips_request_received_is_not_an_event(real_logs):
    r = parse(real_logs, "sips-request-received.log")
    assert r.events.height == 0
    assert r.lines == {"request": 2}


def test_sips_bsync_copy_is_neither_request_nor_event(real_logs):
    r = parse(real_logs, "sips-bsync-request.log")
    assert r.events.height == 0
    assert r.lines == {"bsync": 2}


def test_header_line_samples(real_logs):
    from statcli.read.sources import parse_header

    text = (real_logs / "header-line-samples.log").read_text().splitlines()
    header = parse_header(text[:2])
    assert header.app_name == "SIPS_B"
    assert header.host == "USW1VMB-060-001.USW1.GENPRIM.COM"
    assert parse_header(["Application name: x", text[2]]).local_time == datetime(2014, 9, 16, 13, 14, 58, 465000)
    assert parse(real_logs, "header-line-samples.log").lines == {"header": 3}


# --- 2. SIP messages and SIP Server trace lines ------------------------------------------

def test_sip_headers(real_logs):
    from statcli.read.lines import classify

    text = (real_logs / "sips-sip-headers.log").read_text().splitlines()
    df = classify(pl.DataFrame({"text": text}))
    assert df["kind"].to_list() == ["sip_hdr"] * 4
    assert df["sip_bytes"].to_list() == [467, 406, 3384, 629]
    assert df["st_form"].to_list() == ["T7"] * 4  # HH:MM:SS.mmm followed by a colon
    assert df["st_tod"][3] == ((12 * 60 + 53) * 60 + 33) * 1_000_000 + 355_000


@pytest.mark.parametrize("name", ["sips-sip-info.lf.log", "sips-sip-info.crlf.log"])
def test_sip_info_message_is_consumed_by_byte_count(real_logs, name):
    r = parse(real_logs, name)
    assert r.events.height == 0
    # header + 42 message lines (start line .. </msml>) + the trailing empty line
    assert r.lines == {"sip": 43, "blank": 1}
    assert "std" not in r.lines and "trace" not in r.lines


@pytest.mark.parametrize("name,lines", [
    ("sips-registration-failing.log", {"trace": 6}),
    ("sips-registration-working.log", {"trace": 5, "handler": 1}),
    ("sips-registration-rejected.log", {"trace": 3}),  # `Sending 404 Not Found` is not a SIP header
    ("sips-presmgr-stop.log", {"trace": 2}),
    ("sips-register-handler.log", {"trace": 2, "handler": 2}),  # handler open at EOF: no error
    ("sips-handler-markers.log", {"handler": 6, "blank": 1}),
    ("sips-ciface-request.log", {"ciface": 7}),
])
def test_sip_server_free_text(real_logs, name, lines):
    r = parse(real_logs, name)
    assert r.events.height == 0
    assert r.lines == lines
    assert r.skipped == {}


# --- 3. client-side T-Library dumps ------------------------------------------------------

def test_ocs_userevent_recordprocessed(real_logs):
    r = parse(real_logs, "ocs-userevent-recordprocessed.log", date=None)  # BOM, no final newline
    ev = r.events
    assert ev["event"].to_list() == ["EventAttachedDataChanged", "EventUserEvent"]
    assert ev["context"].to_list() == ["summary", "client"]  # summary-only event counted once
    dump = ev.row(1, named=True)
    assert dump["line"] == 7
    assert dump["this_dn"] == "94045"
    assert dump["reference_id"] == 5384472
    assert dump["user_event"] == "EventUserEvent"
    assert dump["customer_id"] == "Resources"
    assert dump["seq"] == 1621029417
    assert dump["source_ts"] == utc(2016, 2, 5, 22, 13, 24, 839273)
    assert dump["log_time"] == datetime(2016, 2, 5, 16, 13, 24, 844000)
    assert "UTC-06:00" in r.tz_basis["ocs-userevent-recordprocessed"]
    assert [(p["key"], p["value"]) for p in dump["user_data"]] == [
        ("GSW_APPLICATION_ID", "140"), ("GSW_CAMPAIGN_NAME", "TDC"), ("GSW_CALLING_LIST", "LI15_OC"),
        ("GSW_PHONE", "12345678890"), ("GSW_CALL_RESULT", "33"), ("GSW_RECORD_HANDLE", "87266334"),
        ("GSW_AGENT_REQ_TYPE", "RecordProcessed")]
    # declared 29 pairs, 7 present: a warning, not an error
    assert sum(r.warnings.values()) == 1
    assert ev["this_dn"][0] == "151065"  # DN[5451`151065] of the summary


def test_urs_attach_and_update_userdata_are_requests(real_logs):
    for name in ("urs-attachuserdata.log", "urs-updateuserdata.log", "urs-vq-eventqueued.log"):
        r = parse(real_logs, name)
        assert r.events.height == 0
        assert set(r.lines) == {"request"}


def test_urs_request_blocks_parse_like_event_blocks(real_logs):
    """The same block grammar applied to request dumps (§5.4 facts of the URS files)."""
    from statcli.read.blocks import extract_blocks
    from statcli.read.lines import classify

    def blocks_of(name):
        text = (real_logs / name).read_text().splitlines()
        df = classify(pl.DataFrame({"text": text})).with_row_index("pos").with_columns(
            rec=pl.lit(0, pl.UInt32), order=pl.col("pos").cast(pl.Int64) * 2, source=pl.lit(name),
            line=pl.col("pos").cast(pl.Int64) + 1)
        start = df.filter(pl.col("kind") == "client_rq_hdr")["pos"][0]
        df = df.filter(pl.col("pos") >= start).with_columns(is_start=pl.col("pos") == start)
        warnings = {}
        return extract_blocks(df, warnings), warnings

    (ev, bad), warnings = blocks_of("urs-updateuserdata.log")
    assert bad.height == 0 and warnings == {}
    ud = ev["user_data"][0]
    assert len(ud) == 20
    pairs = {p["key"]: p["value"] for p in ud}
    assert pairs["RTargetTypeSelected"] == "2" and pairs["RTargetObjSelDBID"] == "115"
    assert pairs["RTargetRuleSelected"] == "" and pairs["CBR-IT-path_DBIDs"] == ""
    assert pairs["RStrategyName"] == "Route2ChicagoAgentsLowPriority"
    assert pairs["RTargetAgentSelected"] == "agent01" and pairs["RTargetPlaceSelected"] == "Place_6001"
    assert "RRequestedSkills" in pairs and pairs["RRequestedSkills"] is None  # empty nested list
    assert ev["reference_id"][0] == 14 and ev["conn_id"][0] == "006c029a6685d004"

    (ev, bad), warnings = blocks_of("urs-vq-eventdiverted.log")
    assert bad.height == 0 and warnings == {}
    row = ev.row(0, named=True)
    assert (row["this_dn"], row["this_dn_role"], row["other_dn"], row["other_dn_role"]) == ("VQ_Sales", 2, "20005", 1)
    assert (row["third_party_dn"], row["third_party_dn_role"], row["call_type"]) == ("6001", 2, 2)
    assert row["conn_id"] == "006c02462a161006" and row["user_event"] == "EventDiverted"
    assert row.get("call_state") is None  # no AttributeCallState in this dump
    assert [(p["key"], p["value"]) for p in row["reasons"]] == [("RTR", "115")]
    pairs = {p["key"]: p["value"] for p in row["user_data"]}
    assert len(row["user_data"]) == 22
    assert pairs["PegAG?:Skill1 > 1"] == "1" and pairs["RStrategyName"] == "VQDemo"

    (ev, bad), _ = blocks_of("urs-vq-eventqueued.log")
    ext = {p["key"]: p["value"] for p in ev["extensions"][0]}
    assert len(ev["extensions"][0]) == 7
    assert ext["VERSION"] == "Version: 7.6.200.11" and ext["VQID"] == "N6NKOJMDT16I93HFG6V041D9L0000001"
    row = ev.row(0, named=True)
    assert (row["this_dn"], row["this_queue"], row["dnis"], row["call_id"]) == ("VQ_Sales", "VQ_Sales", "0800123456", 16)
    assert row["reference_id"] == 4294967295 and row["call_uuid"] == "AM5D3AE9D90757BKTSVJTCIAR4000014"


def test_urs_vq_eventdiverted_lines(real_logs):
    r = parse(real_logs, "urs-vq-eventdiverted.log")
    assert r.lines == {"urs": 3, "request": 50}
    assert r.events.height == 0


def test_urs_received_attacheddatachanged_nested_list(real_logs):
    r = parse(real_logs, "urs-received-attacheddatachanged.log", date="2016-04-29")
    row = r.events.row(0, named=True)
    assert row["event"] == "EventAttachedDataChanged" and row["context"] == "client"
    assert (row["call_type"], row["call_id"], row["conn_id"]) == (2, 16778220, "0077028a809f7004")
    assert row["call_uuid"] == "QK59HK4FS927D7FUU41G6IE468000004"
    assert {"name": "AttributePropagatedCallType", "value": "2"} in row["attributes"]
    top = "ORSI:Cluster1:QK59HK4FS927D7FUU41G6IE468000004"
    assert [(p["key"], p["value"]) for p in row["user_data"]] == [
        (top, None), (f"{top}.Session", "00PN8M303SBR7E9P04000VTAES000001+"),
        (f"{top}.Node", "272"), (f"{top}.Url", "http://co67.step:7005/scxml")]
    assert r.warnings == {}  # declared 1 top-level pair: matches
    assert r.lines == {"event": 10, "urs": 1}  # the block ends at the URS line


def test_urs_strategy_start(real_logs):
    r = parse(real_logs, "urs-strategy-start.log")
    assert r.events.height == 0
    assert r.lines == {"std": 1, "urs": 11}


def test_client_tlib_lines(real_logs):
    r = parse(real_logs, "client-tlib-lines.log")
    # only the dump [5] is an event; the 04541 / 04543 / 50002 lines do not count again
    assert r.events["event"].to_list() == ["EventAttachedDataChanged"]
    assert r.events["line"].to_list() == [5]
    assert r.skipped == {}


# --- 4. OCS own lines: the T-Server reader reports them, it does not invent events -------

@pytest.mark.parametrize("name", ["ocs-campaign-group-lines.log", "ocs-calllist-retrieval.log",
                                  "ocs-misc-lines.log", "ocs-pa-blocks.log", "ocs-cm-request-doc.log",
                                  "ocs-db-activity-lines.log"])
def test_ocs_lines_make_no_tevents(real_logs, name):
    r = parse(real_logs, name)
    assert r.events.height == 0


# --- 5. other formats ----------------------------------------------------------------------

def test_psdk_client_log_is_refused(real_logs):
    with pytest.raises(UserError, match="Platform SDK"):
        parse_tserver_log(real_logs / "psdk-client.log")


def test_cfgserver_lines_are_standard_lines(real_logs):
    r = parse(real_logs, "cfgserver-lines.log")
    assert r.events.height == 0
    assert r.lines == {"std": 5}
