"""The options reader and stat-type validation (reference §5.1–5.3, §5.9), masks, profiles and filters."""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl
import pytest

from statcli.errors import UserError
from statcli.schema import KV_LIST
from statcli.stats import load_stat_types
from statcli.stats.filters import compile_filter
from statcli.stats.masks import parse_mask
from statcli.stats.options import parse_options
from statcli.stats.profiles import intervals, parse_time_range, resolve_profile

# A realistic export of a Stat Server application's options (GAX "Export" → INI), CRLF, BOM,
# comments, spaced keys, a repeated key, server sections statcli ignores.
EXPORT = (
    "\ufeff; Options of application 'StatServer_85' exported from GAX\r\n"
    "[log]\r\n"
    "verbose = all\r\n"
    "all = stdout, /var/log/genesys/ss_85\r\n"
    "\r\n"
    "[statserver]\r\n"
    "queue-use-pseudo-actions = true\r\n"
    "accept-clients-in-backup-mode = yes\r\n"
    "\r\n"
    "[TimeProfiles]\r\n"
    "Default,Growing = 00:00+0:15\r\n"
    "Sliding5,Sliding = 300:10\r\n"
    "Shift,Growing = 08:00,16:00\r\n"
    "LastTen,Selection = 10\r\n"
    "\r\n"
    "[TimeRanges]\r\n"
    "Default = 0-30\r\n"
    "ShortAbandon = 0-5\r\n"
    "Range20-50 = 20-50\r\n"
    "\r\n"
    "[Filters]\r\n"
    'SpanishLanguage = PairExists("Language","Spanish")\r\n'
    'VIP = PairExists("Segment","Gold") | KeyExists(VIP)\r\n'
    "# filter values may hold ';'\r\n"
    'Odd = PairExists("note","a;b")\r\n'
    "\r\n"
    "[Total_Calls_Answered_Queue]\r\n"
    "Category = TotalNumber\r\n"
    "Subject = DNAction\r\n"
    "Main Mask = CallAnswered\r\n"
    "Objects = Queue, RoutePoint, GroupQueues\r\n"
    "Description = Calls answered by agents after distribution from the queue\r\n"
    "\r\n"
    "[Service_Factor]\r\n"
    "Category = ServiceFactor1\r\n"
    "Subject = DNAction\r\n"
    "MainMask = CallAnswered\r\n"
    "Objects = Queue, RoutePoint, GroupQueues\r\n"
    "statcli.TimeRange = Default\r\n"
    "statcli.TimeRange2 = ShortAbandon\r\n"
    "\r\n"
    "[Spanish_Calls]\r\n"
    "Category = TotalNumber\r\n"
    "Subject = Action\r\n"
    "MainMask = CallInboundStarted\r\n"
    "Objects = Agent, GroupAgents\r\n"
    "Filter = SpanishLanguage\r\n"
    "MediaType = voice\r\n"
    "ReasonStartOverridesStatusStart = no\r\n"
    "\r\n"
    "[CurrNumberWaitingCalls]\r\n"
    "Category = CurrentNumber\r\n"
    "Subject = DNAction\r\n"
    "MainMask = callwait\r\n"
    "MainMask = CallWait\r\n"
    "Objects = Queue\r\n"
    "\r\n"
    "[AgentBusy]\r\n"
    "Category = TotalTime\r\n"
    "Subject = AgentStatus\r\n"
    "MainMask = *, ~LoggedOut, ~NotMonitored, ~WaitForNextCall, ~CallWait\r\n"
    "Objects = Agent, Place\r\n"
)


@pytest.fixture
def export(tmp_path):
    p = tmp_path / "StatServer_85.ini"
    p.write_bytes(EXPORT.encode("utf-8"))
    return p


def test_realistic_export_reads(export):
    st = load_stat_types(export)
    assert st["Total_Calls_Answered_Queue"].main_mask.names == {"CallAnswered"}
    assert st["Spanish_Calls"].subject == "DNAction" and st["Spanish_Calls"].filter == "SpanishLanguage"
    assert st["Service_Factor"].origin == "user"                      # replaces the built-in
    assert st.time_ranges["Default"].hi == 30 and st.time_ranges["ShortAbandon"].hi == 5
    assert st.time_profiles["Sliding5"].spec == "300:10"
    assert st.filters["Odd"] == 'PairExists("note","a;b")'
    assert st.server_options["queue-use-pseudo-actions"] == "true"
    assert "log" not in st and "statserver" not in st
    assert len(st) > 50                                                # built-ins stay
    assert any("repeated" in w for w in st.warnings)                  # MainMask twice
    assert any("CallWait" in w and "dropped" in w for w in st.warnings)  # MASK-4
    assert "CallWait" not in st["AgentBusy"].main_mask.names


@pytest.mark.parametrize("body, where, what", [
    ("Category = TotalNumbr\nSubject = DNAction\nMainMask = CallWait\nObjects = Queue\n", ":2: [X] Category",
     "unknown category"),
    ("Category = TotalNumber\nSubject = DNAction\nMainMask = CallWaiting\nObjects = Queue\n", ":4: [X] MainMask",
     "CallWaiting"),
    ("Category = TotalNumber\nSubject = AgentStatus\nMainMask = CallInbound\nObjects = Queue\n", ":3: [X] Subject",
     "not admissible"),
    ("Category = TotalNumber\nSubject = DNAction\nMainMask = CallWait\nObjects = Queue, Agent\n", ":5: [X] Objects",
     "compatibility"),
    ("Category = RelativeTimePercentage\nSubject = DNAction\nMainMask = CallWait\nObjects = Queue\n",
     ":1: [X] RelMask", "needs a RelMask"),
    ("Category = LoadBalance\nSubject = DNAction\nMainMask = CallWait\nObjects = Queue\n", ":2: [X] Category",
     "not supported"),
    ("Category = TotalNumber\nSubject = DNAction\nMainMask = CallWait\nObjects = Queue\nstatcli.Filter = Nope\n",
     ":6: [X] statcli.Filter", "not defined"),
    ("Category = TotalNumber\nSubject = DNAction\nObjects = Queue\n", ":1: [X] MainMask", "empty"),
    ("Category = TotalContinuousNumber\nSubject = DNAction\nMainMask = CallWait\nObjects = Queue\n",
     ":3: [X] Subject", "status subject"),
    ("Category = CurrentContinuousTime\nSubject = AgentStatus\nMainMask = CallInbound\nObjects = GroupAgents\n",
     ":5: [X] Objects", "only Agent and Place"),
])
def test_errors_name_file_line_and_key(tmp_path, body, where, what):
    p = tmp_path / "o.ini"
    p.write_text("[X]\n" + body)
    with pytest.raises(UserError) as exc:
        load_stat_types(p)
    assert f"{p}{where}" in str(exc.value) and what in str(exc.value)


def test_option_outside_section_is_an_error():
    with pytest.raises(UserError, match=r"<options>:1: option outside"):
        parse_options("Category = TotalNumber\n")


def test_missing_file():
    with pytest.raises(UserError, match="not found"):
        load_stat_types("/nonexistent/statserver.ini")


def test_subject_autocorrection_place_agentstatus(export):
    """ST-15: AgentStatus on Place is read as PlaceStatus (reported subject per object type)."""
    st = load_stat_types(export)["AgentBusy"]
    assert st.objects == ("Agent", "Place")


# ---------------------------------------------------------------- masks
def test_mask_rules():
    assert parse_mask("*,~LoggedOut", "AgentStatus").names == parse_mask("~LoggedOut", "AgentStatus").names  # MASK-3
    assert parse_mask("CallWait, ~CallWait", "DNAction").names == frozenset()   # MASK-2 order-independent
    assert parse_mask("~CallWait, CallWait", "DNAction").names == frozenset()
    assert parse_mask("DialMade", "CampaignAction").names == {"DialMade"}
    assert parse_mask("DialMade", "DNAction").dropped == ("DialMade",)


# ---------------------------------------------------------------- profiles
def _utc(s):
    return int(datetime.fromisoformat(s).replace(tzinfo=timezone.utc).timestamp())


def test_growing_shift_profile_wraps_midnight():
    """TP-1: 08:00,16:00 → [08:00, 16:00) and [16:00, 08:00 next day)."""
    iv = intervals(resolve_profile("Shift,Growing=08:00,16:00"), _utc("2026-01-16T09:00"), _utc("2026-01-17T09:00"))
    assert [(a - _utc("2026-01-16T00:00")) // 3600 for a in iv["t0"]] == [8, 16, 32]
    assert iv["partial"].to_list() == [False, False, True]


def test_growing_profile_in_local_time():
    """TIME-5: resets at local midnight; Europe/Berlin is UTC+1 in January."""
    iv = intervals(resolve_profile("Growing=00:00"), _utc("2026-01-16T12:00"), _utc("2026-01-16T20:00"),
                   tz="Europe/Berlin")
    assert iv.select("t0", "t1").rows() == [(_utc("2026-01-15T23:00"), _utc("2026-01-16T23:00"))]


@pytest.mark.parametrize("spec", ["Growing=24:00", "Sliding=300", "Selection=0", "Weekly=1", "Nonsense"])
def test_bad_profiles(spec):
    with pytest.raises(UserError):
        resolve_profile(spec)


def test_time_range_rules():
    assert parse_time_range("20-50").lo == 20
    for bad in ("50-20", "20-", "a-b", "5-5"):
        with pytest.raises(UserError):
            parse_time_range(bad)


# ---------------------------------------------------------------- filters
@pytest.fixture
def kv():
    return pl.DataFrame({
        "user_data": [[{"key": "Language", "value": "Spanish"}, {"key": "VIP", "value": "1"}],
                      [{"key": "Language", "value": "spanish"}], None],
        "this_queue": ["7000", "7100", None],
    }, schema={"user_data": KV_LIST, "this_queue": pl.String})


@pytest.mark.parametrize("text, expected", [
    ('PairExists("Language","Spanish")', [True, False, False]),     # case-sensitive values
    ("KeyExists(Language)", [True, True, False]),
    ('!KeyExists("VIP")', [False, True, True]),
    ('KeyExists(VIP) | ThisQueue(7100)', [True, True, False]),
    ('KeyExists(Language) & !(ThisQueue(7000) | KeyExists(VIP))', [False, True, False]),
    ("DNIS(800)", [False, False, False]),                            # column absent → false
])
def test_filter_grammar(kv, text, expected):
    assert kv.with_columns(v=compile_filter(text, set(kv.columns)))["v"].to_list() == expected


@pytest.mark.parametrize("text", ["PairExists(a)", "Nope(x)", "KeyExists(a", "KeyExists(a) &", ""])
def test_filter_errors(text):
    with pytest.raises(UserError):
        compile_filter(text)
