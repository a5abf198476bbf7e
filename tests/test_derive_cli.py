"""``statcli derive-actions``: inputs, formats, modes, exit codes and error lines (CliRunner)."""

from __future__ import annotations

import json

import polars as pl
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from derive_support import events
from statcli.cli import main
from statcli.derive import derive_actions
from statcli.render.writers import write_parquet
from statcli.schema import ACTIONS, validate

LOG = """\
@10:00:00.0000 [0] 8.1.101.25 distribute_event: message EventAgentLogin
\tAttributeEventSequenceNumber\t0000000000000001
\tAttributeThisDN\t'7001'
\tAttributeAgentID\t'a1001'
\tAttributeThisQueue\t'7000'
\tAttributeAgentWorkMode\t0
@10:00:05.0000 [0] 8.1.101.25 distribute_event: message EventAgentReady
\tAttributeEventSequenceNumber\t0000000000000002
\tAttributeThisDN\t'7001'
\tAttributeAgentID\t'a1001'
@10:01:00.0000 [0] 8.1.101.25 distribute_event: message EventRinging
\tAttributeEventSequenceNumber\t0000000000000003
\tAttributeThisDN\t'7001'
"""


@pytest.fixture
def events_parquet(tmp_path):
    ev = events({"t": 0, "event": "EventAgentLogin", "this_dn": "7001", "agent_id": "a1", "work_mode": 2},
                {"t": 30, "event": "EventAgentNotReady", "this_dn": "7001", "work_mode": 4},
                {"t": 40, "event": "EventRinging", "this_dn": "7001"},
                {"t": 50, "event": "EventMystery", "this_dn": "7002"})
    path = tmp_path / "events.parquet"
    write_parquet(ev, path, "events")
    return path, ev


def invoke(*args):
    return CliRunner().invoke(main, ["derive-actions", *map(str, args)])


def assert_clean_error(res, text):
    assert res.exit_code == 2, res.output
    assert text in res.output
    assert "Traceback" not in res.output


def test_events_parquet_to_actions_parquet(events_parquet, tmp_path):
    src, ev = events_parquet
    out = tmp_path / "actions.parquet"
    res = invoke(src, "-o", out)
    assert res.exit_code == 0, res.output
    assert pq.read_schema(out).metadata[b"statcli.schema"] == b"actions"
    got = validate(pl.read_parquet(out), ACTIONS)
    assert got.drop("source").equals(derive_actions(ev).drop("source"))


def test_csv_to_stdout_has_one_row_per_action(events_parquet):
    src, ev = events_parquet
    res = invoke(src, "--format", "csv")
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[0].split(",")[:4] == ["object_type", "object_id", "action", "kind"]
    assert len(lines) - 1 == derive_actions(ev).height
    assert any(",WaitForNextCall,durable," in line and ",PT30S,30," in line for line in lines)


def test_json_output_file(events_parquet, tmp_path):
    src, _ = events_parquet
    out = tmp_path / "actions.json"
    res = invoke(src, "-o", out)
    assert res.exit_code == 0, res.output
    rows = json.loads(out.read_text())
    assert {r["action"] for r in rows} >= {"LoggedIn", "WaitForNextCall", "NotReadyForNextCall", "Monitored"}


def test_table_summary_shows_actions_and_data_quality(events_parquet):
    src, _ = events_parquet
    res = invoke(src, "--format", "table")
    assert res.exit_code == 0, res.output
    for text in ("LoggedIn", "durable", "data quality", "unknown events", "dns never registered", "open actions"):
        assert text in res.output
    row = next(line for line in res.output.splitlines() if "unknown events" in line)
    assert row.split()[-2] == "1"    # EventMystery


def test_log_text_input_goes_through_the_parser(tmp_path):
    log = tmp_path / "TServer.log"
    log.write_text(LOG)
    res = invoke(log, "--date", "2026-01-16", "--format", "csv")
    assert res.exit_code == 0, res.output
    assert ",WaitForNextCall,durable,2026-01-16T10:00:05" in res.output


@pytest.mark.parametrize("mode", ["cluster", "ss_c", "regular"])
def test_ssc1_modes_are_accepted(events_parquet, mode):
    src, _ = events_parquet
    res = invoke(src, "--mode", mode, "--format", "csv")
    assert res.exit_code == 0, res.output
    assert "LoggedIn" in res.output


def test_unknown_mode_is_a_usage_error(events_parquet):
    res = invoke(events_parquet[0], "--mode", "turbo")
    assert res.exit_code == 2
    assert "turbo" in res.output and "Traceback" not in res.output


def test_actions_parquet_as_input_is_a_user_error(tmp_path):
    path = tmp_path / "a.parquet"
    write_parquet(ACTIONS.empty(), path, "actions")
    assert_clean_error(invoke(path), "is a actions table")


def test_foreign_parquet_is_a_user_error(tmp_path):
    path = tmp_path / "x.parquet"
    write_parquet(pl.DataFrame({"a": [1]}), path, "statistics")
    assert_clean_error(invoke(path), "is a statistics table")


def test_missing_input_is_a_user_error(tmp_path):
    res = invoke(tmp_path / "nope.log")
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "nope.log" in res.output


def test_parquet_to_stdout_needs_an_output_file(events_parquet):
    assert_clean_error(invoke(events_parquet[0], "--format", "parquet"), "needs -o FILE")


def test_table_format_with_output_file_is_refused(events_parquet, tmp_path):
    assert_clean_error(invoke(events_parquet[0], "--format", "table", "-o", tmp_path / "x.txt"),
                       "--format table is for the terminal")


def test_bad_objects_file_is_a_user_error(events_parquet, tmp_path):
    bad = tmp_path / "objects.toml"
    bad.write_text("[dns.7001]\ntype = 'Bogus'\n")
    assert_clean_error(invoke(events_parquet[0], "--objects", bad), "Bogus")


def test_objects_file_sets_dn_types(events_parquet, tmp_path):
    objs = tmp_path / "objects.toml"
    objs.write_text('[dns."7002"]\ntype = "ACDQueue"\n')
    res = invoke(events_parquet[0], "--objects", objs, "--format", "json")
    assert res.exit_code == 0, res.output
    monitored = {r["dn"]: (r["object_type"], r["dn_type"]) for r in json.loads(res.output)
                 if r["action"] == "Monitored" and r["origin_id"] is None}   # the DN's own rows
    assert monitored == {"7001": ("RegDN", "Extension"), "7002": ("Queue", "ACDQueue")}


def test_help_has_examples():
    res = CliRunner().invoke(main, ["derive-actions", "--help"])
    assert res.exit_code == 0
    assert "Examples:" in res.output and "statcli derive-actions sample_logs/ -o actions.parquet" in res.output


def test_statuses_write_actions_and_statuses_into_a_folder(tmp_path):
    from conftest import SAMPLE_LOGS
    from statcli.schema import STATUSES

    out = tmp_path / "out"
    res = invoke(SAMPLE_LOGS, "--objects", SAMPLE_LOGS / "objects.toml", "--statuses", "-o", out)
    assert res.exit_code == 0, res.output
    actions = validate(pl.read_parquet(out / "actions.parquet"), ACTIONS)
    statuses = validate(pl.read_parquet(out / "statuses.parquet"), STATUSES)
    assert {"RegDN", "Agent", "Place", "Queue", "Campaign"} <= set(actions["object_type"].unique())
    assert "a1001" in statuses.filter(pl.col("object_type") == "Agent")["object_id"].to_list()
    res = invoke(SAMPLE_LOGS, "--statuses")
    assert res.exit_code == 2 and "--statuses needs -o DIR" in res.stderr


def test_kind_forces_the_reader(tmp_path):
    from conftest import SAMPLE_LOGS

    ocs = next(SAMPLE_LOGS.glob("OCS*.log"))
    def object_types(res):
        assert res.exit_code == 0, res.output
        return set(pl.read_csv(res.stdout.encode())["object_type"].unique())

    # detected as OCS: campaign actions; read as T-Server text: its client dumps on DNs
    assert {"Campaign", "CampaignGroup"} <= object_types(invoke(ocs, "--format", "csv"))
    assert object_types(invoke(ocs, "--kind", "tserver", "--format", "csv")) == {"RegDN"}
