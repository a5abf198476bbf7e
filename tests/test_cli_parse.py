"""`statcli parse` through click's CliRunner: exit codes, messages, formats, no traceback."""

from __future__ import annotations

import json

import polars as pl
import pyarrow.parquet as pq
from click.testing import CliRunner

from statcli import __version__
from statcli.cli import main

BLOCK = ("@22:10:00.1230 [0] 8.1.101.25 distribute_event: message EventRinging\n"
         "\tAttributeThisDN\t'7001'\n\tAttributeConnID\t0077028a809f7004\n"
         "\tAttributeUserData\t[26] 00 01 00 00..\n\t\t'Segment'\t'gold'\n")


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def excerpt(tmp_path, text=BLOCK):
    path = tmp_path / "x.log"
    path.write_text(text)
    return str(path)


def test_version_and_help_lists_commands_with_examples():
    assert run("--version").output.strip() == f"statcli, version {__version__}"
    out = run("--help").output
    assert "parse" in out and "Examples:" in out
    assert "Examples:" in run("parse", "--help").output


def test_parquet_output_is_atomic_with_metadata(tmp_path):
    out = tmp_path / "events.parquet"
    res = run("parse", excerpt(tmp_path), "--date", "2026-01-16", "-o", str(out))
    assert res.exit_code == 0, res.output
    meta = pq.read_schema(out).metadata
    assert meta[b"statcli.schema"] == b"events" and meta[b"statcli.version"] == __version__.encode()
    df = pl.read_parquet(out)
    assert df["event"].to_list() == ["EventRinging"]
    assert df["user_data"][0].to_list() == [{"key": "Segment", "value": "gold"}]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_csv_and_json_to_stdout(tmp_path):
    res = run("parse", excerpt(tmp_path), "--date", "2026-01-16", "--format", "csv")
    assert res.exit_code == 0
    header, row = res.stdout.splitlines()[:2]
    assert header.startswith("ts,log_time,source_ts,source,line")
    assert "EventRinging" in row and '""key"":""Segment""' in row
    res = run("parse", excerpt(tmp_path), "--date", "2026-01-16", "--format", "json")
    assert json.loads(res.stdout)[0]["conn_id"] == "0077028a809f7004"


def test_summary_on_table_format(tmp_path):
    res = run("parse", excerpt(tmp_path), "--date", "2026-01-16")
    assert res.exit_code == 0
    for title in ("Input", "Events by name", "Busiest DNs", "Line accounting"):
        assert title in res.stdout
    assert "EventRinging" in res.stdout and "7001" in res.stdout


def test_stdin(tmp_path):
    res = run("parse", "-", "--date", "2026-01-16", "--format", "csv", input=BLOCK)
    assert res.exit_code == 0 and "EventRinging" in res.stdout


def test_user_errors_are_one_line_and_exit_2(tmp_path):
    for args, message in [
        (["parse", str(tmp_path / "missing.log")], "no such file or directory"),
        (["parse", excerpt(tmp_path)], "give --date"),
        (["parse", excerpt(tmp_path), "--date", "16.01.2026"], "invalid --date"),
        (["parse", excerpt(tmp_path), "--date", "2026-01-16", "--tz", "Nowhere/Land"], "unknown time zone"),
        (["parse", excerpt(tmp_path), "--date", "2026-01-16", "--format", "parquet"], "needs -o FILE"),
    ]:
        res = run(*args)
        assert res.exit_code == 2, (args, res.output)
        lines = [line for line in res.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and message in lines[0] and "Traceback" not in res.output


def test_strict_fails_on_skipped_lines(tmp_path):
    path = excerpt(tmp_path, BLOCK + "nothing fits this line\n")
    ok = run("parse", path, "--date", "2026-01-16", "--format", "csv")
    assert ok.exit_code == 0 and "1 lines skipped" in ok.stderr
    res = run("parse", path, "--date", "2026-01-16", "--format", "csv", "--strict")
    assert res.exit_code == 2 and "--strict" in res.stderr


def test_ocs_logs_are_detected_and_written_beside_the_events(tmp_path):
    from conftest import SAMPLE_LOGS

    out = tmp_path / "ev.parquet"
    res = run("parse", str(SAMPLE_LOGS), "-o", str(out))
    assert res.exit_code == 0, res.output
    assert pl.read_parquet(out).height > 0
    campaign = tmp_path / "ev.campaign_events.parquet"
    assert pq.read_schema(campaign).metadata[b"statcli.schema"] == b"campaign_events"
    assert {"group_started", "dial_completed"} <= set(pl.read_parquet(campaign)["kind"].to_list())
    res = run("parse", str(SAMPLE_LOGS), "--format", "csv")
    assert res.exit_code == 2 and "--kind" in res.stderr
    # --kind tserver reads the OCS log as T-Server text: its client dumps become events
    res = run("parse", str(next(SAMPLE_LOGS.glob("OCS*.log"))), "--kind", "tserver", "--format", "csv")
    assert res.exit_code == 0 and "EventUserEvent" in res.stdout
