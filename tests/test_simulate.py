"""statcli simulate: determinism, real-format features, parseability, ground truth."""

from __future__ import annotations

import gzip
from datetime import timedelta
import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from statcli.cli import main
from statcli.objects import load_objects
from statcli.simulate import SimConfig, simulate, simulate_frames

SAMPLE = dict(agents=6, queues=1, hours=1.0, calls_per_hour=60, seed=1, segment_size=400_000, gzip=True)


def _read(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim")
    return simulate(out, SimConfig(**SAMPLE, backup=True))


@pytest.fixture(scope="module")
def text(run):
    return "".join(_read(p) for p in run.tserver_files)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = simulate(tmp_path / "a", SimConfig(**SAMPLE))
    b = simulate(tmp_path / "b", SimConfig(**SAMPLE))
    c = simulate(tmp_path / "c", SimConfig(**{**SAMPLE, "seed": 2}))
    files_a = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files_a == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in files_a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert a.events == b.events
    assert _read(c.tserver_files[-1]) != _read(a.tserver_files[-1])


def test_segments_headers_gzip_and_split_block(run):
    names = [p.name for p in run.tserver_files]
    assert len(names) >= 2
    assert all(re.fullmatch(r"SIP_P\.\d{8}_\d{6}_\d{3}\.log(\.gz)?", n) for n in names)
    assert names[0].endswith(".gz") and not names[-1].endswith(".gz")  # rotated ones are compressed
    for n, p in enumerate(run.tserver_files, start=1):
        head, body = _read(p).split("\n\n", 1)
        labels = [line[:18] for line in head.splitlines()]
        assert labels == ["Application name: ", "Application type: ", "Host name:        ",
                          "Local time:       ", "Start time (UTC): ", "Time zone:        ", "File:             "]
        assert head.splitlines()[-1] == f"File:             ({n}) {p.name.removesuffix('.gz')}"
        assert "Time zone:        18000" in head
    # a TEvent block continues after the next segment's header
    second_body = _read(run.tserver_files[1]).split("\n\n", 1)[1]
    assert second_body.startswith("\tAttribute")
    assert _read(run.tserver_files[0]).rstrip("\n").splitlines()[-1].startswith(("@", "\tAttribute"))


FEATURES = {
    "event header @time4": r"(?m)^@\d\d:\d\d:\d\d\.\d{4} \[0\] 8\.1\.101\.25 distribute_event: message EventRinging$",
    "send_to_client EventRegistered": r"send_to_client: message EventRegistered",
    "TimeinSecs with clock": r"\tAttributeTimeinSecs\t\d{10} \(\d\d:\d\d:\d\d\)\n",
    "TimeinuSecs": r"\tAttributeTimeinuSecs\t\d+\n",
    "sequence number": r"\tAttributeEventSequenceNumber\t[0-9a-f]{16}\n",
    "hex ConnID": r"\tAttributeConnID\t[0-9a-f]{16}\n",
    "UserData header": r"\tAttributeUserData\t\[\d+\] 00 [0-9A-F]{2} 0[013] 00\.\.\n",
    "nested list": r"\n\t\t'RoutingInfo'\(list\) 'Strategy'\t'Inbound_Main'\n\t\t\t'Target'\t'",
    "ReleasingParty remote": r"\t\t'ReleasingParty'\t'2 Remote'",
    "ReleasingParty local": r"\t\t'ReleasingParty'\t'1 Local'",
    "AgentStatus 2": r"\t\t'AgentStatus'\t2\n", "AgentStatus 3": r"\t\t'AgentStatus'\t3\n",
    "AgentStatus 4": r"\t\t'AgentStatus'\t4\n", "AgentStatus 5": r"\t\t'AgentStatus'\t5\n",
    "AddressInfo DNStatus": r"message EventAddressInfo\n(\t.*\n)*?\tAttributeAddressInfoType\t17\n",
    "Reason list": r"\tAttributeReason\t\[\d+\] 00 01 00 00\.\.\n\t\t'ReasonCode'\t'",
    "ACW work mode": r"message EventAgentNotReady\n(\t.*\n)*?\tAttributeAgentWorkMode\t3\n",
    "login with queue": r"message EventAgentLogin\n(\t.*\n)*?\tAttributeThisQueue\t'8000'\n",
    "VQ diverted to agent": r"message EventDiverted\n(\t.*\n)*?\tAttributeThirdPartyDN\t'70\d\d'\n(\t.*\n)*?\tAttributeThisDN\t'VQ_Sales'",
    "party changed": r"message EventPartyChanged\n", "party added": r"message EventPartyAdded\n",
    "party deleted": r"message EventPartyDeleted\n", "held": r"message EventHeld\n",
    "abandoned": r"message EventAbandoned\n", "dialing": r"message EventDialing\n",
    "link down": r"message EventLinkDisconnected\n", "link up": r"message EventLinkConnected\n",
    "04542 sent to": r"(?m)^\d\d:\d\d:\d\d\.\d{3} Trc 04542 EventRinging sent to \[\d+\] \(0000000a StatServer 10\.0\.0\.5:4213\)$",
    "request block": r"(?m)^\d\d:\d\d:\d\d\.\d{3} Trc 04541 RequestAnswerCall received from \[\d+\] \(.*\)\nmessage RequestAnswerCall\n\t",
    "BSYNC copy": r"(?m)^@\d\d:\d\d:\d\d\.\d{4} \[BSYNC\] Trace: Send to backup \(SIP_B\) \[\d+\]:\nmessage Request",
    "SIP sending": r"(?m)^\d\d:\d\d:\d\d\.\d{3}: Sending  \[0,UDP\] \d+ bytes to [\d.]+:5060 >>>>>$",
    "SIP received": r"(?m)^\d\d:\d\d:\d\d\.\d{3}: SIPTR: Received \[0,UDP\] \d+ bytes from [\d.]+:5060 <<<<<$",
    "trace line": r"(?m)^\d\d:\d\d:\d\d\.\d{3}: SIPTS: ",
    "handler open": r"(?m)^\$\+CTI:PRM:AGENT_LOGGED_IN:\d+:49$",
    "handler close": r"(?m)^\$-CTI:PRM:AGENT_LOGGED_IN:\d+:7$",
    "check point": r"(?m)^\d\d:\d\d:\d\d\.\d{3} Trc 04120 Check point 2026-01-16T08:00:00$",
}


@pytest.mark.parametrize("name", list(FEATURES))
def test_real_format_feature_occurs_in_default_run(text, name):
    assert re.search(FEATURES[name], text), name


def test_sip_messages_are_exactly_n_bytes_of_crlf_lines(run):
    for path in run.tserver_files:
        raw = _read(path).encode()
        heads = list(re.finditer(rb"(?m)^.*(?:bytes to|bytes from) [\d.]+:\d+ (?:>>>>>|<<<<<)\n", raw))
        assert heads
        for m in heads:
            n = int(re.search(rb"\] (\d+) bytes", m.group(0)).group(1))
            body = raw[m.end():m.end() + n]
            if len(body) < n:  # cut by rotation (not done by the writer)
                pytest.fail("SIP message cut at a segment end")
            assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
            assert raw[m.end() + n:m.end() + n + 1] in (b"", b"\n") or raw[m.end() + n - 1:m.end() + n] == b"\n"
            cl = int(re.search(rb"Content-Length: (\d+)\r\n", body).group(1))
            assert len(body.split(b"\r\n\r\n", 1)[1]) == cl


def test_kv_sizes_follow_the_serialisation_model(text):
    """§5.4: SIZE = 2 + per pair (1 + 2 + key + 2 + value); list = nested + 2."""
    for m in re.finditer(r"\tAttributeExtensions\t\[(\d+)\] 00 01 01 00\.\.\n\t\t'AgentStatus'\t\d\n", text):
        assert int(m.group(1)) == 2 + 1 + 2 + len("AgentStatus") + 2 + 4
    for m in re.finditer(r"\tAttributeExtensions\t\[(\d+)\] 00 01 00 00\.\.\n\t\t'ReleasingParty'\t'(\d \w+)'\n", text):
        assert int(m.group(1)) == 2 + 1 + 2 + len("ReleasingParty") + 2 + len(m.group(2))


def test_every_file_parses_with_zero_skipped_lines(run):
    pytest.importorskip("statcli.read.tserver")
    from statcli.read.tserver import parse_tserver_log

    res = parse_tserver_log([str(p) for p in run.tserver_files])
    assert res.skipped == {}, res.examples
    assert res.events.height == run.events
    assert res.lines.get("bsync", 0) > 0 and res.lines.get("sip", 0) > 0 and res.lines.get("request", 0) > 0
    assert not any("mismatch" in k for k in res.warnings), res.warnings
    back = parse_tserver_log([str(p) for p in run.backup_files])
    assert back.skipped == {} and back.events.height == run.events


def test_parsed_events_match_the_model(run):
    pytest.importorskip("statcli.read.tserver")
    from statcli.read.tserver import read_tserver_log

    parsed = read_tserver_log([str(p) for p in run.tserver_files])
    model = simulate_frames(SimConfig(**SAMPLE)).events
    assert parsed["event"].to_list() == model["event"].to_list()
    assert parsed["seq"].cast(pl.Int64).to_list() == model["seq"].to_list()
    # source_ts is the model's UTC time; ts the log's local time converted with the header zone
    exp = pl.from_epoch(model["t"], "us").dt.replace_time_zone("UTC")
    assert (parsed["source_ts"] == exp).all()
    assert (parsed["ts"] - exp).abs().max() <= timedelta(milliseconds=1)
    rel = parsed.filter(pl.col("releasing_party").is_not_null())
    want = model.filter(pl.col("releasing_party").is_not_null())["releasing_party"] \
        .replace_strict({1: "local", 2: "remote", 3: "unknown"})
    assert rel["releasing_party"].to_list() == want.to_list()
    for col in ("this_dn", "conn_id", "previous_conn_id", "transfer_conn_id", "third_party_dn", "other_dn",
                "this_queue", "agent_id", "place", "ani", "dnis", "call_uuid"):
        assert parsed[col].to_list() == model[col].to_list(), col
    for col in ("call_type", "call_state", "work_mode", "this_dn_role", "other_dn_role", "third_party_dn_role"):
        assert parsed[col].cast(pl.Int64).to_list() == model[col].cast(pl.Int64).to_list(), col
    reg = parsed.filter(pl.col("agent_status").is_not_null())
    assert set(reg["agent_status"].to_list()) == {2, 3, 4, 5}


# ---------------------------------------------------------------- ground truth

@pytest.fixture(scope="module")
def truth(run):
    return pl.read_parquet(run.truth_file)


def _overlaps(df: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    d = df.sort([*key, "start"]).with_columns(prev_end=pl.col("end").shift(1).over(key))
    return d.filter(pl.col("prev_end").is_not_null() & (pl.col("start") < pl.col("prev_end")))


def test_truth_agent_states_never_overlap_on_a_dn(truth):
    agent = truth.filter(pl.col("layer") == "agent")
    assert agent.height > 0
    assert _overlaps(agent.with_columns(pl.col("end").fill_null(pl.datetime(2100, 1, 1, time_zone="UTC"))),
                     ["dn"]).height == 0
    assert set(agent["state"]) >= {"Ready", "NotReady", "AfterCallWork", "LoggedOut"}


def test_truth_call_legs_never_overlap_and_every_call_ends(truth):
    calls = truth.filter(pl.col("layer") == "call")
    assert calls["end"].null_count() == 0
    assert (calls["end"] >= calls["start"]).all()
    assert _overlaps(calls, ["dn", "conn_id"]).height == 0
    assert calls["end_reason"].null_count() == 0
    assert set(calls["state"]) == {"Waiting", "Dialing", "Ringing", "Talking", "Held"}
    # an agent extension never has more than two calls at once (customer on hold + consultation)
    agent_calls = calls.filter(pl.col("dn").str.starts_with("70"))
    ends = agent_calls.select("dn", t=pl.col("start"), d=pl.lit(1)).vstack(
        agent_calls.select("dn", t=pl.col("end"), d=pl.lit(-1)))
    # at equal times the end comes first: an interval is [start, end)
    conc = ends.sort("dn", "t", "d").with_columns(n=pl.col("d").cum_sum().over("dn"))
    assert conc["n"].max() <= 2


def test_truth_each_connid_legs_are_ordered(truth):
    calls = truth.filter(pl.col("layer") == "call")
    first = calls.sort("start").group_by("conn_id", maintain_order=True).first()
    inbound = first.filter(pl.col("call_type") == 2)
    # an inbound call starts at the routing point, before any agent leg
    assert (inbound["dn"] == "5000").all()
    outbound = first.filter(pl.col("call_type").is_in([1, 3, 4]))
    assert (outbound["state"] == "Dialing").all()
    last = calls.sort("end").group_by("conn_id", maintain_order=True).last()
    consult = last["call_type"] == 4  # a consultation merges into the main call at transfer/conference
    assert last.filter(~consult)["end_reason"].is_in(["released", "abandoned"]).all()
    assert last.filter(consult)["end_reason"].is_in(["released", "party_changed"]).all()


def test_truth_matches_events(run, truth):
    model = simulate_frames(SimConfig(**SAMPLE)).events
    rings = truth.filter((pl.col("layer") == "call") & (pl.col("state") == "Ringing"))
    assert rings.height == model.filter(pl.col("event") == "EventRinging").height
    remote = truth.filter((pl.col("layer") == "call") & (pl.col("released_by") == "remote"))
    assert remote.height > 0


# ------------------------------------------------------------------ objects & CLI

def test_objects_toml_loads_and_describes_the_dns(run, text):
    obj = load_objects(run.objects_file)
    assert obj.dn_types["5000"] == "RoutingPoint"
    assert obj.dn_types["8000"] == "ACDQueue"
    assert obj.dn_types["VQ_Sales"] == "VirtualQueue"
    assert obj.agents["a1001"]["place"] == "P7001"
    assert obj.origination_dns["Sales"] == ["8000"]
    for dn in re.findall(r"\tAttributeThisDN\t'([^']+)'", text):
        assert dn in obj.dn_types


def test_cli_writes_the_set(tmp_path):
    res = CliRunner().invoke(main, ["simulate", "-o", str(tmp_path / "o"), "--agents", "2", "--hours", "0.2",
                                    "--segment-size", "8KB", "--gzip"])
    assert res.exit_code == 0, res.output
    out = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert "ground_truth.parquet" in out and "objects.toml" in out
    assert any(n.endswith(".log.gz") for n in out)


@pytest.mark.parametrize("args, msg", [(["--agents", "0"], "--agents"), (["--segment-size", "lots"], "segment-size"),
                                       (["--hours", "0"], "--hours")])
def test_cli_bad_options_one_line_exit_2(tmp_path, args, msg):
    res = CliRunner().invoke(main, ["simulate", "-o", str(tmp_path), *args])
    assert res.exit_code == 2
    assert msg in res.output and "Traceback" not in res.output


# ------------------------------------------------------------------ committed sample

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_logs"


def test_sample_logs_are_what_their_readme_command_writes(tmp_path):
    readme = (SAMPLE_DIR / "README.md").read_text()
    cmd = re.search(r"statcli simulate -o sample_logs (.+)", readme).group(1).split()
    res = CliRunner().invoke(main, ["simulate", "-o", str(tmp_path), *cmd])
    assert res.exit_code == 0, res.output
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in SAMPLE_DIR.iterdir() if p.name != "README.md")
    for name in made:
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), name
    logs = sorted(SAMPLE_DIR.glob("SIP_P.*"))
    assert [p.suffix for p in logs] == [".gz", ".log"]  # two segments, the rotated one gzipped
    assert sum(p.stat().st_size for p in SAMPLE_DIR.iterdir()) < 400_000


def test_sample_logs_parse_without_skipped_lines():
    pytest.importorskip("statcli.read.tserver")
    from statcli.read.tserver import parse_tserver_log

    res = parse_tserver_log([str(p) for p in sorted(SAMPLE_DIR.glob("SIP_P.*"))])
    assert res.skipped == {} and res.events.height > 300
    obj = load_objects(SAMPLE_DIR / "objects.toml")
    assert set(res.events["this_dn"].drop_nulls()) <= set(obj.dn_types)


@pytest.mark.parametrize("opts", [dict(seed=3, agents=9, queues=3, hours=2, calls_per_hour=150),
                                  dict(seed=11, agents=1, queues=1, hours=0.5, ocs=True),
                                  dict(seed=5, agents=4, queues=2, hours=1, calls_per_hour=400, ocs=True)])
def test_truth_invariants_hold_for_other_sites(opts):
    f = simulate_frames(SimConfig(**opts))
    t = f.truth
    agent = t.filter(pl.col("layer") == "agent").with_columns(
        pl.col("end").fill_null(pl.datetime(2100, 1, 1, time_zone="UTC")))
    assert _overlaps(agent, ["dn"]).height == 0
    calls = t.filter(pl.col("layer") == "call")
    assert calls["end"].null_count() == 0 and _overlaps(calls, ["dn", "conn_id"]).height == 0
    # the model's events are in time order and every agent DN event belongs to that agent
    assert f.events["t"].is_sorted()
    ev = f.events.filter(pl.col("this_dn").is_in(list(f.topology.agent_dns)) & pl.col("agent_id").is_not_null())
    owner = dict(zip(f.topology.agent_dns, f.topology.agent_ids))
    assert (ev["this_dn"].replace_strict(owner) == ev["agent_id"]).all()
