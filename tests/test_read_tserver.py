"""The T-Server / SIP Server reader: sources, stamps, blocks, accounting, bad input."""

from __future__ import annotations

import gzip
import io
import zipfile
from datetime import datetime, timezone

import polars as pl
import pytest

from statcli.errors import UserError
from statcli.read.sources import collect_segments
from statcli.read.tserver import parse_tserver_log, read_tserver_log, scan_tserver_log
from statcli.schema import EVENTS, validate

HEADER = """Application name: SIP_P
Application type: TServer (SIP Server)
Host name:        host01
Local time:       {local}
Start time (UTC): {utc}
Time zone:        18000
File:             ({n}) SIP_P.{stamp}.log

"""


def header(n=1, local="2026-01-16T22:02:42.332", utc="2026-01-17T03:02:42.332", stamp="20260116_220242_332"):
    return HEADER.format(n=n, local=local, utc=utc, stamp=stamp)


def block(time="@22:10:00.1230", name="EventRinging", ctx="distribute_event", attrs=None):
    attrs = attrs if attrs is not None else {"AttributeThisDN": "'7001'", "AttributeConnID": "0077028a809f7004"}
    lines = [f"{time} [0] 8.1.101.25 {ctx}: message {name}"]
    lines += [f"\t{k}\t{v}" for k, v in attrs.items()]
    return "\n".join(lines) + "\n"


def write(tmp_path, name, text, mode="w"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def accounted(result):
    assert sum(result.lines.values()) == result.total_lines
    return result


# --- sources ---------------------------------------------------------------------------------

def test_segments_are_read_as_one_stream_and_a_split_block_is_rejoined(tmp_path):
    first = header(1) + "22:02:42.340 Std 05060 Application started\n" + block() + \
        "@22:10:01.0000 [0] 8.1.101.25 distribute_event: message EventEstablished\n\tAttributeThisDN\t'7001'\n"
    second = header(2, "2026-01-16T22:30:00.000", "2026-01-17T03:30:00.000", "20260116_223000_000") + \
        "\tAttributeConnID\t0077028a809f7004\n\tAttributeCallType\t2\n" + "22:30:00.100 Std 05061 more\n"
    write(tmp_path, "SIP_P.20260116_223000_000.log", second)
    gz = gzip.compress(first.encode())
    write(tmp_path, "SIP_P.20260116_220242_332.log.gz", gz)
    r = accounted(parse_tserver_log(tmp_path))
    ev = validate(r.events, EVENTS)
    assert ev["event"].to_list() == ["EventRinging", "EventEstablished"]
    est = ev.row(1, named=True)
    # the block continued in the next segment, after its header
    assert (est["this_dn"], est["conn_id"], est["call_type"]) == ("7001", "0077028a809f7004", 2)
    assert est["source"].endswith(".log.gz") and est["line"] == 13
    assert r.lines["header"] == 16
    assert r.skipped == {}
    assert ev["server"].unique().to_list() == ["SIP_P"]
    # header: local 22:02:42 vs UTC 03:02:42 -> UTC-05:00
    assert ev["ts"][0] == datetime(2026, 1, 17, 3, 10, 0, 123000, tzinfo=timezone.utc)
    assert r.tz_basis["SIP_P"].startswith("header (UTC-05:00)")


def test_zip_glob_and_stdin(tmp_path):
    text = header() + block()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("logs/SIP_P.20260116_220242_332.log", text)
    write(tmp_path, "bundle.zip", buf.getvalue())
    assert read_tserver_log(tmp_path / "bundle.zip")["source"][0].endswith("bundle.zip:logs/SIP_P.20260116_220242_332.log")
    write(tmp_path, "a.log", text)
    assert read_tserver_log(str(tmp_path / "*.log")).height == 1
    segs = collect_segments("-", stdin=io.BytesIO(gzip.compress(text.encode())))
    assert segs[0].read_bytes().decode() == text


def test_scan_is_lazy_and_matches_read(tmp_path):
    p = write(tmp_path, "x.log", header() + block())
    lf = scan_tserver_log(p)
    assert isinstance(lf, pl.LazyFrame)
    assert lf.collect().equals(read_tserver_log(p))


# --- time stamps -------------------------------------------------------------------------------

@pytest.mark.parametrize("stamp_line,expected", [
    ("22:05:00.250 Std 05060 x", datetime(2026, 1, 16, 22, 5, 0, 250000)),                  # T1
    ("2026-01-16T22:05:00.250 Trc 04541 x", datetime(2026, 1, 16, 22, 5, 0, 250000)),       # T3
    ("2026-01-16 22:05:00.250 Trc 04541 x", datetime(2026, 1, 16, 22, 5, 0, 250000)),       # T4
    ("Fri Jan 16 22:05:00 2026.250 Trc 50002 x", datetime(2026, 1, 16, 22, 5, 0, 250000)),  # T5
    ("Fri 16 Jan 2026 10:05:00 PM CST.250 Trc x", datetime(2026, 1, 16, 22, 5, 0, 250000)),  # T6
    ("01/16/2026 22:05:00.250 Trc 04541 x", datetime(2026, 1, 16, 22, 5, 0, 250000)),       # T6 numeric
    ("22:05:00.250: SIPTS: handle registration event 2", datetime(2026, 1, 16, 22, 5, 0, 250000)),  # T7
    ("22:05:00.250_T_I_006c02462a161006 [14:0c] EventRouteUsed", datetime(2026, 1, 16, 22, 5, 0, 250000)),  # T8
])
def test_every_stamp_form_times_the_following_client_dump(tmp_path, stamp_line, expected):
    text = stamp_line + "\nreceived from 65200(SIPS)h:5001(fd=1) message EventUserEvent\n\tAttributeThisDN\t'1'\n"
    ev = read_tserver_log(write(tmp_path, "x.log", text), date="2026-01-16")
    assert ev["log_time"].to_list() == [expected]


def test_mixed_formats_and_midnight_rollover(tmp_path):
    text = ("2026-01-16T23:59:59.900 Std 05060 dated\n"
            + block("@23:59:59.9500") + block("@23:59:59.9400")  # small step back: no roll-over
            + block("@00:00:00.1000"))
    ev = read_tserver_log(write(tmp_path, "x.log", text))
    assert ev.sort("line")["log_time"].to_list() == [
        datetime(2026, 1, 16, 23, 59, 59, 950000), datetime(2026, 1, 16, 23, 59, 59, 940000),
        datetime(2026, 1, 17, 0, 0, 0, 100000)]


def test_date_from_the_file_name_stamp(tmp_path):
    ev = read_tserver_log(write(tmp_path, "SIPS.20250301_101500_000.log", block("@10:16:00.0000")))
    assert ev["log_time"][0] == datetime(2025, 3, 1, 10, 16)


def test_time_only_log_without_date_is_a_user_error(tmp_path):
    p = write(tmp_path, "excerpt.log", block())
    with pytest.raises(UserError, match="--date"):
        parse_tserver_log(p)
    assert read_tserver_log(p, date="2026-01-16")["log_time"][0] == datetime(2026, 1, 16, 22, 10, 0, 123000)


def test_utc_offset_from_timeinsecs_and_from_tz_option(tmp_path):
    attrs = {"AttributeThisDN": "'7001'", "AttributeTimeinSecs": "1768601400 (16:10:00)",
             "AttributeTimeinuSecs": "123456"}
    p = write(tmp_path, "x.log", block("@16:10:00.1234", attrs=attrs))
    r = parse_tserver_log(p, date="2026-01-16")
    row = r.events.row(0, named=True)
    # 1768601400 = 2026-01-16 22:10:00 UTC, printed as 16:10:00: UTC-06:00
    assert row["source_ts"] == datetime(2026, 1, 16, 22, 10, 0, 123456, tzinfo=timezone.utc)
    assert row["ts"] == datetime(2026, 1, 16, 22, 10, 0, 123400, tzinfo=timezone.utc)
    assert row["tz_source"] == "timeinsecs"
    ev = read_tserver_log(p, date="2026-01-16", tz="Europe/Berlin")
    assert ev["ts"][0] == datetime(2026, 1, 16, 15, 10, 0, 123400, tzinfo=timezone.utc)
    assert ev["tz_source"][0] == "tz-option"
    with pytest.raises(UserError, match="unknown time zone"):
        parse_tserver_log(p, tz="Mars/Olympus")


# --- blocks ------------------------------------------------------------------------------------

def test_typed_columns_quotes_labels_and_hex(tmp_path):
    attrs = {
        "AttributeEventSequenceNumber": "0000000000001a2b", "AttributeConnID": "0077028A809F7004",
        "AttributeTransferConnID": "0077028a809f7005", "AttributePreviousConnID": "1234567890123456",
        "AttributeCallType": "2", "AttributeCallState": "22", "AttributeAgentWorkMode": "3 (AfterCallWork)",
        "AttributeThisDNRole": "2", "AttributeOtherDN": "'5551234'", "AttributeOtherDNRole": "1",
        "AttributeThirdPartyDN": "'6001'", "AttributeThirdPartyDNRole": "7", "AttributeThisQueue": "'7000'",
        "AttributeAgentID": "'agent01'", "AttributePlace": "'P7001'", "AttributeANI": "'5551234'",
        "AttributeDNIS": "'800'", "AttributeCallUUID": "'01FES9JK'", "AttributeCallID": "16",
        "AttributeCtrlParty": "'7001'", "AttributeCustomerID": "'Resources'", "AttributeMediaType": "0",
        "AttributeNewThing": "'kept'", "AttributeOtherQueue": "'7100'",
    }
    row = read_tserver_log(write(tmp_path, "x.log", block(attrs=attrs)), date="2026-01-16").row(0, named=True)
    assert row["seq"] == 0x1A2B
    assert row["conn_id"] == "0077028a809f7004" and row["previous_conn_id"] == "1234567890123456"
    assert (row["call_type"], row["call_state"], row["work_mode"]) == (2, 22, 3)
    assert (row["this_dn_role"], row["other_dn_role"], row["third_party_dn_role"]) == (2, 1, 7)
    assert (row["other_dn"], row["third_party_dn"], row["this_queue"], row["other_queue"]) == ("5551234", "6001", "7000", "7100")
    assert (row["agent_id"], row["place"], row["ani"], row["dnis"]) == ("agent01", "P7001", "5551234", "800")
    assert (row["call_uuid"], row["call_id"], row["ctrl_party"]) == ("01FES9JK", 16, "7001")
    assert row["attributes"] == [{"name": "AttributeNewThing", "value": "'kept'"}]


def test_key_value_lists_nested_and_releasing_party(tmp_path):
    text = ("@22:10:00.1230 [0] 8.1.101.25 distribute_event: message EventReleased\n"
            "\tAttributeExtensions\t[40] 00 02 00 00..\n"
            "\t\t'ReleasingParty'\t'2 Remote'\n"
            "\t\t'OtherTrunkName'\t'Trunk 1'\n"
            "\tAttributeUserData\t[100] 00 03 00 00..\n"
            "\t\t'Segment'\t'gold'\n"
            "\t\t'Skills'(list) 'Sales'\t5\n"
            "\t\t\t'Lang'\t'en'\n"
            "\t\t'Empty'(list)\n"
            "\tAttributeReason\t[14] 00 01 01 00..\n"
            "\t\t'RTR'\t115\n"
            "\tAttributeThisDN\t'7001'\n")
    r = parse_tserver_log(write(tmp_path, "x.log", text), date="2026-01-16")
    row = r.events.row(0, named=True)
    assert row["releasing_party"] == "remote"
    assert [(p["key"], p["value"]) for p in row["user_data"]] == [
        ("Segment", "gold"), ("Skills", None), ("Skills.Sales", "5"), ("Skills.Lang", "en"), ("Empty", None)]
    assert row["reasons"] == [{"key": "RTR", "value": "115"}]
    assert row["extensions"][1] == {"key": "OtherTrunkName", "value": "Trunk 1"}
    assert r.warnings == {}


def test_a_value_its_column_cannot_hold_is_kept_in_attributes_and_counted(tmp_path):
    attrs = {"AttributeCallType": "200", "AttributeThisDNRole": "2", "AttributeEventSequenceNumber": "not-hex",
             "AttributeConnID": "0077028a809f7004", "AttributeCallID": "16 (x)"}
    r = parse_tserver_log(write(tmp_path, "x.log", block(attrs=attrs)), date="2026-01-16")
    row = r.events.row(0, named=True)
    assert (row["call_type"], row["seq"], row["this_dn_role"], row["call_id"]) == (None, None, 2, 16)
    assert row["attributes"] == [{"name": "AttributeCallType", "value": "200"},  # in log order
                                 {"name": "AttributeEventSequenceNumber", "value": "not-hex"}]
    assert r.warnings == {
        "AttributeEventSequenceNumber values that fit no UInt64 (column left null, kept in attributes)": 1,
        "AttributeCallType values that fit no Int8 (column left null, kept in attributes)": 1}


def test_a_pair_with_no_attribute_above_it_is_malformed_not_an_attribute(tmp_path):
    text = block(attrs={}) + "\t(no attributes yet)\n\t\t'b'\t'2'\n\tAttributeThisDN\t'7001'\n"
    r = accounted(parse_tserver_log(write(tmp_path, "x.log", text), date="2026-01-16"))
    row = r.events.row(0, named=True)
    assert (row["attributes"], row["this_dn"], row["note"]) == ([], "7001", "no attributes yet")
    assert r.skipped == {"malformed line inside a T-Library block": 1}
    assert [line for _, line, _, _ in r.examples] == [3]


@pytest.mark.parametrize("value,expected", [("'1 Local'", "local"), ("2", "remote"), ("'3 Unknown'", "unknown")])
def test_releasing_party_forms(tmp_path, value, expected):
    text = block(name="EventAbandoned", attrs={"AttributeExtensions": "[30] 00 01 00 00.."}) + \
        f"\t\t'ReleasingParty'\t{value}\n"
    assert read_tserver_log(write(tmp_path, "x.log", text), date="2026-01-16")["releasing_party"][0] == expected


def test_agent_status_only_from_registration_snapshots(tmp_path):
    ext = {"AttributeThisDN": "'7001'", "AttributeExtensions": "[20] 00 01 01 00.."}
    text = (block(name="EventRegistered", ctx="send_to_client", attrs=ext) + "\t\t'AgentStatus'\t4\n"
            + block("@22:10:01.0000", name="EventAgentReady", attrs=ext) + "\t\t'AgentStatus'\t2\n")
    ev = read_tserver_log(write(tmp_path, "x.log", text), date="2026-01-16")
    assert ev["agent_status"].to_list() == [4, None]


# --- non-events and accounting ---------------------------------------------------------------

NOISE = """22:10:00.000 Trc 04541 RequestAnswerCall received from [12] (00000005 WDE 10.0.0.9:4000)
message RequestAnswerCall
\tAttributeThisDN\t'7001'
\tAttributeConnID\t0077028a809f7004
@22:10:00.0010 [BSYNC] Trace: Send to backup (SIP_B) [20]:
message RequestAnswerCall
\tAttributeThisDN\t'7001'
22:10:00.002: Sending  [0,UDP] 59 bytes to 10.0.0.2:5060 >>>>>
INFO sip:x SIP/2.0\r
@12:00:00.0000 x: message EventFake\r
\r
22:10:00.003: $+CTI:PRM:ON_DN_IN_SERVICE:191:60
$-CTI:PRM:ON_DN_IN_SERVICE:191:117
@22:10:00.0040 [ISCC] Received from T2: message ISCCEventFoo
\tISCCAttributeX\t1
22:10:00.005 +++ CIFace::Request +++
   -- new invoke
   -----
22:10:00.006_I_I_006c02462a161006 [09:06] >>>>>>>>>>>>start interpretator
"""


def test_non_events_are_recognised_and_counted_never_emitted(tmp_path):
    text = header() + NOISE + block("@22:10:00.0100", name="EventEstablished") + \
        "22:10:00.011 Int 04545 Interaction message \"EventEstablished\" sent to 24 (\"ICON\")\n"
    r = accounted(parse_tserver_log(write(tmp_path, "x.log", text)))
    assert r.events["event"].to_list() == ["EventEstablished"]  # not EventFake inside the SIP body
    assert r.lines == {"header": 8, "request": 4, "bsync": 3, "sip": 4, "handler": 2, "iscc": 2,
                       "ciface": 3, "urs": 1, "event": 3, "std": 1}
    assert r.skipped == {}


def test_skipped_lines_have_reasons_and_examples(tmp_path):
    text = "\tAttributeThisDN\t'orphan'\n" + block() + "\tbroken attribute line\nthis fits nothing\n"
    r = accounted(parse_tserver_log(write(tmp_path, "x.log", text), date="2026-01-16"))
    assert r.events.height == 1
    assert r.skipped == {
        "continuation line before any block (the stream starts inside a block)": 1,
        "malformed line inside a T-Library block": 1,
        "unrecognised line": 1,
    }
    assert {(line, reason) for _, line, reason, _ in r.examples} == {
        (1, "continuation line before any block (the stream starts inside a block)"),
        (5, "malformed line inside a T-Library block"), (6, "unrecognised line")}


# --- bad input ---------------------------------------------------------------------------------

def test_missing_file_and_directory_without_logs(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        parse_tserver_log(tmp_path / "nope.log")
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(UserError, match="no log files"):
        parse_tserver_log(tmp_path / "empty_dir")


def test_empty_binary_and_corrupt_gz(tmp_path):
    with pytest.raises(UserError, match="no log lines"):
        parse_tserver_log(write(tmp_path, "empty.log", ""))
    with pytest.raises(UserError, match="binary"):
        parse_tserver_log(write(tmp_path, "bin.log", b"\x00\x01\x02ELF" * 10))
    with pytest.raises(UserError, match="corrupt gzip"):
        parse_tserver_log(write(tmp_path, "bad.log.gz", b"\x1f\x8b\x08\x00garbage"))
    with pytest.raises(UserError, match="corrupt zip"):
        parse_tserver_log(write(tmp_path, "bad.zip", b"PK\x03\x04garbage"))


def test_truncated_last_block_latin1_and_a_long_line(tmp_path):
    latin = ("@22:10:00.1230 [0] 8.1.101.25 distribute_event: message EventRinging\n"
             "\tAttributeUserData\t[20] 00 01 00 00..\n\t\t'Name'\t'Jos\xe9'\n").encode("latin-1")
    long_value = "x" * 1_000_000
    text = latin + f"\tAttributeThisDN\t'{long_value}'\n".encode() + b"\tAttributeConnID\t0077028a"  # cut
    r = accounted(parse_tserver_log(write(tmp_path, "x.log", text), date="2026-01-16"))
    row = r.events.row(0, named=True)
    assert row["user_data"] == [{"key": "Name", "value": "José"}]
    assert len(row["this_dn"]) == 1_000_000
    assert row["conn_id"] == "0077028a"  # the truncated last block is flushed as it is
    assert r.warnings == {"non-UTF-8 lines (decoded as Latin-1)": 1}


def test_chunked_reading_gives_the_same_events(monkeypatch):
    """Large segments are read in chunks of lines; a block cut by a chunk boundary is rejoined."""
    from conftest import SAMPLE_LOGS
    from statcli.read import tserver

    logs = sorted(str(p) for p in SAMPLE_LOGS.glob("SIP_P*"))
    whole = tserver.parse_tserver_log(logs)
    monkeypatch.setattr(tserver, "CHUNK_LINES", 97)
    chunked = tserver.parse_tserver_log(logs)
    assert chunked.events.equals(whole.events)
    assert chunked.lines == whole.lines and chunked.skipped == whole.skipped == {}


def test_a_log_without_tevent_blocks_says_so(tmp_path):
    r = parse_tserver_log(write(tmp_path, "std.log", header() + "22:02:42.340 Std 05060 Application started\n"))
    assert r.events.height == 0
    assert any("no TEvent blocks" in key for key in r.warnings)


def test_ha_pair_events_are_counted_once(tmp_path):
    """Primary and backup logs of one SIP Server pair: each event once, the primary's copy kept (§2.4)."""
    from statcli.simulate import simulate

    simulate(tmp_path, agents=3, hours=0.25, calls_per_hour=20, seed=3, backup=True)
    primary = sorted(str(p) for p in tmp_path.glob("SIP_P*"))
    assert sorted(p.name[:5] for p in tmp_path.glob("SIP_*")) == ["SIP_B", "SIP_P"]
    alone = parse_tserver_log(primary).events
    both = parse_tserver_log(tmp_path)
    assert both.events.drop("tz_source").equals(alone.drop("tz_source"))
    assert both.warnings["events logged by both servers of an HA pair (counted once)"] == alone.height
