"""CLI tests for `statcli report` and `statcli stat-types` (CliRunner), on actions Parquet."""

from __future__ import annotations

import io
import re
import json
import sys
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from statcli.cli import main
from statcli.render.writers import write_parquet
from statcli.schema import STATISTICS, validate

sys.path.insert(0, str(Path(__file__).parent))
from test_stats_worked_examples import B_QUEUE, actions, example_a  # noqa: E402


@pytest.fixture
def queue_parquet(tmp_path) -> Path:
    p = tmp_path / "actions.parquet"
    write_parquet(actions([("Queue", "7000", *r) for r in B_QUEUE]), p, "actions")
    return p


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_csv_output(queue_parquet):
    res = invoke("report", queue_parquet, "--stat-type", "Total_Calls_Entered", "--stat-type", "Max_Wait_Time",
                 "--format", "csv")
    assert res.exit_code == 0, res.output
    df = pl.read_csv(io.StringIO(res.stdout))
    got = dict(zip(df["stat_type"], df["value"]))
    assert got == {"Max_Wait_Time": 45.0, "Total_Calls_Entered": 2.0}


def test_json_output(queue_parquet):
    res = invoke("report", queue_parquet, "--stat-type", "Abandon_Rate_Pct", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [(r["object_id"], r["value"], r["unit"]) for r in rows] == [("7000", 100.0, "percent")]


def test_parquet_output_validates(queue_parquet, tmp_path):
    out = tmp_path / "stats.parquet"
    res = invoke("report", queue_parquet, "--stat-type", "Average_Wait_Time", "-o", out)
    assert res.exit_code == 0, res.output
    df = validate(pl.read_parquet(out), STATISTICS)
    assert df["value"].to_list() == [24.0]
    import pyarrow.parquet as pq
    assert pq.read_schema(out).metadata[b"statcli.schema"] == b"statistics"


def test_table_output_formats_values(queue_parquet):
    res = invoke("report", queue_parquet, "--stat-type", "Max_Wait_Time", "--stat-type", "Abandon_Rate_Pct",
                 "--format", "table")
    assert res.exit_code == 0, res.output
    assert "0:00:45" in res.stdout and "100.00%" in res.stdout
    assert "MaxTime(CallWait)" in res.stdout  # footer states the definition


@pytest.mark.parametrize("option, expected", [((), 1), (("--time-range", "0-45"), 1),
                                              (("--time-range", "0-46"), 2), (("--time-range", "Long"), 1)])
def test_time_range_option(queue_parquet, tmp_path, option, expected):
    """TR-3 and half-open ranges: waits of 45 s and 3 s; default 0-20 → 1; 0-45 → 1; 0-46 → 2; Long 40-50 → 1."""
    ini = tmp_path / "r.ini"
    ini.write_text("[TimeRanges]\nLong = 40-50\n\n[Abandons_In_Range]\nCategory = TotalNumberInTimeRange\n"
                   "Subject = DNAction\nMainMask = CallAbandoned\nObjects = Queue\n")
    res = invoke("report", queue_parquet, "--stat-types", ini, "--stat-type", "Abandons_In_Range",
                 *option, "--format", "csv")
    assert res.exit_code == 0, res.output
    assert pl.read_csv(io.StringIO(res.stdout))["value"].to_list() == [expected]


def test_unknown_stat_type_exits_2_one_line(queue_parquet):
    res = invoke("report", queue_parquet, "--stat-type", "No_Such_Type")
    assert res.exit_code == 2
    assert res.stderr.strip().count("\n") == 0
    assert "unknown stat type 'No_Such_Type'" in res.stderr
    assert "Traceback" not in res.output + res.stderr


def test_bad_time_profile_exits_2(queue_parquet):
    res = invoke("report", queue_parquet, "--stat-type", "Max_Wait_Time", "--time-profile", "Growing=25:99")
    assert res.exit_code == 2 and "time profile" in res.stderr


def test_user_stat_types_file_error_names_line(queue_parquet, tmp_path):
    ini = tmp_path / "bad.ini"
    ini.write_text("[Mine]\nCategory = TotalNumber\nSubject = DNAction\nMainMask = CallWaitt\nObjects = Queue\n")
    res = invoke("report", queue_parquet, "--stat-types", ini, "--stat-type", "Mine")
    assert res.exit_code == 2
    assert f"{ini}:4: [Mine] MainMask" in res.stderr and "CallWaitt" in res.stderr


def test_explain_lists_rows_with_source_line(queue_parquet):
    res = invoke("report", queue_parquet, "--stat-type", "Total_Calls_Abandoned", "--explain", "7000@10:00",
                 "--format", "csv")
    assert res.exit_code == 0, res.output
    df = pl.read_csv(io.StringIO(res.stdout))
    assert df["action"].to_list() == ["CallAbandoned", "CallAbandoned"]
    assert df["line"].to_list() == [102, 105] and set(df["source"]) == {"example.log"}


def test_status_stat_type_from_actions_parquet(tmp_path):
    """Status subjects use statcli.derive.status.derive_statuses when only actions are given (§7.1 data)."""
    acts, _ = example_a()
    dn_rows = acts.filter(pl.col("object_type") != "Agent").with_columns(
        agent_id=pl.when(pl.col("object_type") == "RegDN").then(pl.lit("a1001")),
        dn=pl.when(pl.col("object_type") == "RegDN").then(pl.lit("7001")).otherwise(pl.lit("7000")))
    p = tmp_path / "a.parquet"
    write_parquet(dn_rows, p, "actions")
    res = invoke("report", p, "--stat-type", "Total_Ready_Time", "--stat-type", "Total_Login_Time",
                 "--object", "a1001", "--format", "csv")
    assert res.exit_code == 0, res.output
    df = pl.read_csv(io.StringIO(res.stdout)).filter(pl.col("interval_start").str.contains("10:00:00"))
    # the data ends at 10:14:19 (last action start): the interval is partial, τ = 10:14:19
    assert dict(zip(df["stat_type"], df["value"])) == {"Total_Login_Time": 859.0, "Total_Ready_Time": 308.0}
    assert df["partial"].to_list() == [True, True]


def test_stat_types_lists_builtins_and_user(tmp_path):
    ini = tmp_path / "mine.ini"
    ini.write_text("[Max_Wait_Time]\nCategory = MaxTime\nSubject = DNAction\nMainMask = CallWait\n"
                   "Objects = Queue\nDescription = mine\n")
    res = invoke("stat-types", "--stat-types", ini, "--format", "csv")
    assert res.exit_code == 0, res.output
    df = pl.read_csv(io.StringIO(res.stdout))
    row = df.filter(pl.col("name") == "Max_Wait_Time").row(0, named=True)
    assert (row["description"], row["origin"], row["objects"]) == ("mine", "user", "Queue")
    assert {"name", "category", "main_mask", "subject", "objects", "description"} <= set(df.columns)
    assert df.height >= 50


def test_unknown_object_type_exits_2(queue_parquet):
    res = invoke("report", queue_parquet, "--stat-type", "Max_Wait_Time", "--object-type", "Queu")
    assert res.exit_code == 2 and "unknown object type 'Queu'" in res.stderr


@pytest.mark.parametrize("range2, expected", [("0-4", 50.0), ("0-2", pytest.approx(100 / 3))])
def test_object_type_case_insensitive_and_time_range2(tmp_path, range2, expected):
    """ServiceFactor1 = 100·Ain/(A + B − Bshort): one 10 s answer, abandons of 45 s and 3 s."""
    p = tmp_path / "a.parquet"
    rows = [("Queue", "7000", *r) for r in B_QUEUE] + [
        ("Queue", "7000", "CallAnswered", "retrospective", "10:10:00", "10:10:10")]
    write_parquet(actions(rows), p, "actions")
    res = invoke("report", p, "--stat-type", "Service_Factor", "--object-type", "queue",
                 "--time-range2", range2, "--format", "json")
    assert res.exit_code == 0, res.output
    assert [r["value"] for r in json.loads(res.stdout)] == [expected]


def test_explain_status_subject(tmp_path):
    """Explain lists status segments (clipped overlap in seconds) for status subjects."""
    from test_stats_worked_examples import example_a as ex, t
    from statcli.stats import explain

    acts, sts = ex()
    rows = explain(acts, "Total_Ready_Time", "a1001", t("10:00:00"), statuses=sts, data_end=t("10:30:00"))
    assert rows.select("status", "how", "seconds").rows() == [
        ("WaitForNextCall", "overlap", 307), ("WaitForNextCall", "overlap", 1), ("WaitForNextCall", "overlap", 941)]


@pytest.mark.parametrize("profile", ["Hourly", "Hourly,Growing=00:00 + 1:00", "Growing=00:00+1:00"])
def test_time_profile_by_name_line_or_spec(queue_parquet, tmp_path, profile):
    """DESIGN §4: TYPE=SPEC, a Genesys [TimeProfiles] line Name,Type=SPEC, or a name from --stat-types."""
    ini = tmp_path / "p.ini"
    ini.write_text("[TimeProfiles]\nHourly,Growing = 00:00 + 1:00\n")
    res = invoke("report", queue_parquet, "--stat-types", ini, "--stat-type", "Total_Calls_Entered",
                 "--time-profile", profile, "--format", "csv")
    assert res.exit_code == 0, res.output
    df = pl.read_csv(io.StringIO(res.stdout))
    assert df.select("interval_start", "interval_end", "value").rows() == [
        ("2026-01-16T10:00:00.000000+0000", "2026-01-16T11:00:00.000000+0000", 2.0)]


def test_cluster_mode_drops_unavailable_mask_names(queue_parquet, tmp_path):
    """SSC-2/SSC-4: CallAbandonedFromRinging does not exist in SS_c; removed with a warning, or the stat type rejected."""
    res = invoke("report", queue_parquet, "--stat-type", "Abandon_Rate_Pct", "--mode", "cluster", "--format", "csv")
    assert res.exit_code == 0, res.output
    assert "CallAbandonedFromRinging not available in cluster mode" in res.stderr
    assert pl.read_csv(io.StringIO(res.stdout))["value"].to_list() == [100.0]
    res = invoke("report", queue_parquet, "--stat-type", "Total_Calls_Abandoned_Ringing", "--mode", "cluster")
    assert res.exit_code == 2 and "SSC-2" in res.stderr


def test_stat_types_table_format():
    res = invoke("stat-types", "--format", "table")
    assert res.exit_code == 0, res.output
    assert "Average_Calls_Per_Hour" in res.stdout and re.search(r"\d+ stat types", res.stdout)
