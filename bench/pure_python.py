"""A fair pure-Python baseline for ``bench/bench_parse.py``: statcli's events table, built line by line.

``bench_parse.run_python`` collects event names, a time of day and raw attribute strings into dicts, a small
fraction of what statcli's reader does, so a speed-up measured against it says little. :func:`parse` builds the
*same* table as ``statcli.read.tserver.parse_tserver_log(path).events`` for logs of the bench generator's shape
(typed columns, dates and UTC, nested key-value lists, leftover attributes) and accounts for every line.

It is written as a careful Python programmer would: regular expressions compiled once, ``str`` methods, one list
per column, one ``polars.DataFrame`` at the end. Every line is parsed in plain Python; Polars only assembles the
columns and ``statcli.schema`` only fixes their order and dtypes. Shapes the generator never writes are not
handled: client dumps, bare ``message`` blocks, ISCC, dated stamps, space-indented or value-less attributes,
SIP bodies whose byte count is wrong, rotated segments.

Examples
--------
``python bench/pure_python.py --check`` compares it with statcli on generated 5 MB and 20 MB logs.

>>> events, lines = parse("bench/out/SIP_P.20260116_080000_000.log")  # doctest: +SKIP
>>> events.height, lines["event"], sum(lines.values())                # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import polars as pl

from statcli.schema import EVENTS, conform

# `Attribute<name>` → events column and value type (T-Library dumps, DESIGN.md §1)
_TYPED = {"Attribute" + a: (c, k) for a, c, k in (
    ("EventSequenceNumber", "seq", "hex"), ("ThisDN", "this_dn", "str"), ("ThisQueue", "this_queue", "str"),
    ("OtherDN", "other_dn", "str"), ("OtherQueue", "other_queue", "str"), ("ThirdPartyDN", "third_party_dn", "str"),
    ("ThisDNRole", "this_dn_role", "int"), ("OtherDNRole", "other_dn_role", "int"),
    ("ThirdPartyDNRole", "third_party_dn_role", "int"), ("ConnID", "conn_id", "connid"),
    ("PreviousConnID", "previous_conn_id", "connid"), ("TransferConnID", "transfer_conn_id", "connid"),
    ("CallUUID", "call_uuid", "str"), ("CallID", "call_id", "int"), ("CallType", "call_type", "int"),
    ("CallState", "call_state", "int"), ("AgentID", "agent_id", "str"), ("Place", "place", "str"),
    ("AgentWorkMode", "work_mode", "int"), ("ANI", "ani", "str"), ("DNIS", "dnis", "str"),
    ("CtrlParty", "ctrl_party", "str"), ("ReferenceID", "reference_id", "int"), ("UserEvent", "user_event", "str"),
    ("AddressInfoType", "address_info_type", "int"), ("AddressInfoStatus", "address_info_status", "int"),
    ("ErrorCode", "error_code", "int"), ("MediaType", "media_type", "int"), ("CustomerID", "customer_id", "str"),
    ("TimeinSecs", "timein_secs", "int"), ("TimeinuSecs", "timein_usecs", "int"))}
_KV = {"AttributeUserData": "user_data", "AttributeExtensions": "extensions", "AttributeReason": "reasons",
       "AttributeReasons": "reasons"}
_PARTY = {"1": "local", "2": "remote", "3": "unknown"}
_DAY_US = 86_400_000_000

_HEADER = re.compile(r"(Application name|Application type|Host name|Local time|Start time \(UTC\)|Time zone|File"
                     r"|HA Role|My Node ID|Command line|Application version|Hostname|OS|PID|Start time"
                     r"|UTC START TIME|Genesys [^:]*):[ \t]*(.*)$")
_FILE_STAMP = re.compile(r"\d{8}_\d{6}_\d{3}")
_STAMP = re.compile(r"(@?)(\d\d):(\d\d):(\d\d)\.(\d{3,6})(?:: |:$| |_|$)")
_SERVER = re.compile(r"\[([^\]]*)\] (\S+) (.*?): message (\w+)")
_SIP = re.compile(r"(?:SIPTR: Received|Sending) +\[[^\]]*\] (\d+) bytes (?:from|to) \S+ (?:>>>>>|<<<<<|>>>|<<<)\s*$")
_STD = re.compile(r"(?:(?:Std|Int|Trc|Dbg|Alr|Unk|Non|Standard|Interaction|Trace|Debug|Alarm|Unknown|None) \d{5}"
                  r"|\S+ \S+ \S+ GCTI-\d{2}-\d{5}|[A-Z][a-z]+ \d{5}) ")
_ANNOUNCE = re.compile(r"\S+ 04541 Request\w+ received from \[")
_NAME = re.compile(r"Attribute\w+")
_PAIR = re.compile(r"'(.*?)'(?:(\(list\)) ?(.*)|[\t ]+(.*?)|)\s*$")
_NOTE = re.compile(r"\((.*)\)\s*$")
_INT, _HEX = re.compile(r"-?[0-9]+"), re.compile(r"[0-9A-Fa-f]{1,16}")
# record-opening line kind → accounting category (statcli's names, DESIGN.md §6)
_CATEGORY = {"blank": "blank", "ev_hdr": "event", "rq_hdr": "request", "bsync_hdr": "bsync",
             "req_announce": "request", "std": "std", "trace": "trace", "sip_hdr": "sip"}
_FREE_TEXT, _BLOCKS = {"std", "trace", "sip"}, {"event", "request", "bsync"}


def _unquote(v: str) -> str:
    return v[1:-1] if len(v) >= 2 and v[0] == "'" and v[-1] == "'" else v


def _typed(kind: str, v: str) -> str | int | None:
    """A typed attribute's raw text → its column value (null when it does not parse)."""
    v = v.strip() if kind == "hex" else _unquote(v.strip())  # sequence numbers are never quoted
    if kind == "hex":
        return int(v, 16) if _HEX.fullmatch(v) else None
    if kind == "int":
        m = _INT.match(v)
        return int(m[0]) if m and -(1 << 63) <= int(m[0]) < 1 << 63 else None
    return v.lower() if kind == "connid" else v


class _Block:
    """One TEvent block being read: the first value of each typed attribute, key-value lists, the rest."""

    __slots__ = ("attrs", "kv", "nest", "note", "owner", "raw", "row", "target")

    def __init__(self, row: int | None) -> None:
        self.row = row  # None: a non-Event message, read for the line accounting only
        self.raw: dict[str, str] = {}
        self.kv = {"user_data": ([], []), "extensions": ([], []), "reasons": ([], [])}
        self.attrs: tuple[list, list] = ([], [])
        self.note = None
        self.owner, self.target, self.nest = "", self.attrs, []

    def add(self, line: str) -> bool:
        """Take one TAB-led line; False when it fits no attribute grammar (statcli skips it)."""
        if line[1:2] != "\t":  # depth 1: `\tAttributeName\tvalue` or a `\t(note)`
            name, tab, value = line[1:].partition("\t")
            if not (tab and _NAME.fullmatch(name)):
                if m := _NOTE.match(line.lstrip("\t ")):
                    self.note = m[1] if self.note is None else self.note
                return m is not None
            value = value.rstrip()
            if name in _TYPED:
                self.raw.setdefault(name, value)  # the first value of an attribute wins
            elif name not in _KV:
                self.attrs[0].append(name)
                self.attrs[1].append(value)
            # the pairs below belong to this name: a known list, or `attributes` as name.key
            self.owner, self.target, self.nest = name, self.kv.get(_KV.get(name), self.attrs), []
            return True
        body = line.lstrip("\t")
        depth = len(line) - len(body)
        q = body.find("'", 1) if body[:1] == "'" else -1
        if q > 0 and body[q + 1:q + 2] == "\t":  # the usual `'key'\tvalue`, without a regex
            self._pair(depth, body[1:q], body[q + 2:].rstrip(), False)
            return True
        if not (m := _PAIR.match(body)):
            return False
        self._pair(depth, m[1], m[4], bool(m[2]))
        if m[2] and m[3]:  # `'k'(list) 'first'\tv`: a nested list's first pair shares its line
            if not (inline := _PAIR.match(m[3])):
                return False
            self._pair(depth + 1, inline[1], inline[4], bool(inline[2]))
        return True

    def _pair(self, depth: int, key: str, value: str | None, is_list: bool) -> None:
        # pairs inside a `(list)` pair get parent.child keys; `nest` holds the open list key of each depth
        nest = self.nest
        del nest[depth - 2:]
        nest.extend([None] * (depth - 2 - len(nest)))
        path = ".".join([k for k in nest if k] + [key]) if any(nest) else key
        nest.append(key if is_list and key else None)
        keys, values = self.target
        keys.append(path if self.target is not self.attrs else self.owner + "." + path)
        values.append(None if is_list or value is None else _unquote(value))


class _Events:
    """The events read so far: one list per column; typed attributes as (row, value), most are absent."""

    def __init__(self) -> None:
        self.head = {c: [] for c in ("line", "log_time", "event", "tag", "server_version", "context")}
        self.sparse = {c: [] for c in [c for c, _ in _TYPED.values()] + ["note", "releasing_party", "agent_status"]}
        self.lists = {c: ([], [], []) for c in ("user_data", "extensions", "reasons", "attributes")}

    def open(self, line: int, log_time: int, name: str, hdr: re.Match | None) -> _Block:
        if not name.startswith("Event"):
            return _Block(None)
        fields = (line, log_time, name, *(hdr.groups()[:3] if hdr else (None,) * 3))
        for col, value in zip(self.head, fields, strict=True):
            self.head[col].append(value)
        return _Block(len(self.head["line"]) - 1)

    def close(self, b: _Block) -> None:
        row, sparse = b.row, self.sparse
        if row is None:
            return
        for name, value in b.raw.items():
            col, kind = _TYPED[name]
            sparse[col].append((row, _typed(kind, value)))
        for col, (keys, values) in (*b.kv.items(), ("attributes", b.attrs)):
            all_keys, all_values, lengths = self.lists[col]
            all_keys += keys
            all_values += values
            lengths.append(len(keys))
        if b.note is not None:
            sparse["note"].append((row, b.note))
        keys, values = b.kv["extensions"]
        if "ReleasingParty" in keys:
            v = values[keys.index("ReleasingParty")]
            sparse["releasing_party"].append((row, None if v is None else _PARTY.get(v.strip()[:1])))
        if "AgentStatus" in keys and self.head["event"][row] in ("EventRegistered", "EventAddressInfo"):
            m = re.search(r"-?\d+", values[keys.index("AgentStatus")] or "")
            sparse["agent_status"].append((row, int(m[0]) if m and -128 <= int(m[0]) < 128 else None))

    def frame(self) -> pl.DataFrame:
        n = len(self.head["line"])
        cols = {c: pl.Series(c, v, dtype=pl.Int64 if c in ("line", "log_time") else pl.String)
                for c, v in self.head.items()}
        # ints stay Int64 here: `conform` narrows them to the schema's types (null where they do not fit)
        dtypes = {c: {"int": pl.Int64, "hex": pl.UInt64}.get(k, pl.String) for c, k in _TYPED.values()}
        for col, pairs in self.sparse.items():
            dense = [None] * n
            for row, value in pairs:
                dense[row] = value
            cols[col] = pl.Series(col, dense, dtype=dtypes.get(col, pl.Int64 if col == "agent_status" else pl.String))
        for col, (keys, values, lengths) in self.lists.items():
            # Polars builds nested dicts slowly: group the flat pairs by row instead
            names = ("name", "value") if col == "attributes" else ("key", "value")
            rows = pl.select(pl.int_range(n, dtype=pl.UInt32).repeat_by(pl.Series(lengths, dtype=pl.UInt32))
                             .explode().drop_nulls()).to_series()
            grouped = (pl.DataFrame({names[0]: keys, names[1]: values, "_row": rows},
                                    schema={names[0]: pl.String, names[1]: pl.String, "_row": pl.UInt32})
                       .group_by("_row", maintain_order=True).agg(pl.struct(*names).alias(col)))
            cols[col] = pl.DataFrame({"_row": pl.int_range(n, dtype=pl.UInt32, eager=True)}).join(
                grouped, on="_row", how="left", maintain_order="left")[col].fill_null([])
        return pl.DataFrame(cols)


def _header(path: Path) -> tuple[dict[str, str], int]:
    """The log header's fields and its length in lines (with the blank line that ends it)."""
    fields: dict[str, str] = {}
    with open(path, encoding="utf-8", errors="replace", newline="\n") as fh:
        for n, line in enumerate(fh, 1):
            m = _HEADER.match(line.lstrip("\ufeff").rstrip("\r\n"))
            if not line.strip() or (n == 1 and not m):
                return fields, n if fields else 0
            if m:
                fields.setdefault(m[1], m[2].strip())
    return fields, len(fields) and n


def _col0(line: str) -> tuple[str, int | None, object]:
    """Kind of a line not led by a TAB, its time of day (µs) and what that kind needs next."""
    if not line.strip():
        return "blank", None, None
    tod = None
    if m := _STAMP.match(line):
        at, h, mi, s, f = m.groups()
        if int(h) < 24 and int(mi) < 60 and int(s) < 60:
            tod = (int(h) * 3600 + int(mi) * 60 + int(s)) * 1_000_000 + int(f.ljust(6, "0"))
        else:
            m = None
    if m and at:  # `@HH:MM:SS.ffff`: a server's block header
        rest = line[m.end():]
        if rest.startswith("[BSYNC]"):
            return "bsync_hdr", tod, None
        hdr = _SERVER.match(rest)
        if name := hdr[4] if hdr else (x[1] if (x := re.search(r": message (\w+)", line)) else None):
            return ("rq_hdr" if name.startswith("Request") else "ev_hdr"), tod, (name, hdr)
    if "bytes" in line and (sip := _SIP.search(line)):
        return "sip_hdr", tod, int(sip[1])
    if m:
        if _STD.match(rest := line[m.end():]):
            return ("req_announce" if _ANNOUNCE.match(rest) else "std"), tod, None
        return "trace", tod, None
    return ("msg_line" if line.startswith("message ") else "other"), None, None


def parse(path: str | os.PathLike) -> tuple[pl.DataFrame, dict[str, int]]:
    """Parse one T-Server / SIP Server log the way statcli does, in plain Python.

    Parameters
    ----------
    path : str or os.PathLike
        One uncompressed log file; ``source`` holds it as given.

    Returns
    -------
    events : polars.DataFrame
        The ``statcli.schema.EVENTS`` columns, sorted as statcli sorts them.
    lines : dict of str to int
        Accounting category (statcli's names) → number of lines; they sum to the file's lines.
    """
    path = Path(path)
    fields, header_lines = _header(path)
    lines = dict.fromkeys([*dict.fromkeys(_CATEGORY.values()), "header", "skipped"], 0)
    lines["header"] = header_lines
    # time-only stamps are dated from the header's local start time, else from the file-name stamp
    stamp, local = _FILE_STAMP.search(path.name), fields.get("Local time")
    if not (local or stamp):
        raise ValueError(f"{path}: no header and no file-name stamp to date the log")
    start = (datetime.fromisoformat(local.replace(" ", "T")) if local
             else datetime.strptime(stamp[0], "%Y%m%d_%H%M%S_%f"))  # noqa: DTZ007 - local wall clock
    day = (start.date().toordinal() - 719163) * _DAY_US  # µs from 1970-01-01 to the start's local date
    prev = (start.hour * 3600 + start.minute * 60 + start.second) * 1_000_000 + start.microsecond
    ev, blk, rec, rec_kind, sip_left, now, n = _Events(), None, None, None, 0, day + prev, 0
    with open(path, encoding="utf-8", errors="replace", newline="\n") as fh:
        for n, line in enumerate(fh, 1):
            if n <= header_lines:
                continue
            line = line.rstrip("\r\n")
            kind, tod, info = ("cont", None, None) if line[:1] == "\t" else _col0(line)
            if tod is not None:  # every stamped line moves the clock; 12 h back is the next day
                if tod < prev - _DAY_US // 2:
                    day += _DAY_US
                prev, now = tod, day + tod
            if sip_left > 0:  # a SIP body: its header's byte count, each line counted with CRLF
                lines["sip"] += 1
                sip_left -= len(line) + 2
            elif kind == "cont":
                if blk is not None:
                    lines["event" if blk.add(line) else "skipped"] += 1
                else:
                    lines[rec if rec in _FREE_TEXT or rec in _BLOCKS else "skipped"] += 1
            elif kind == "msg_line" and rec_kind in ("bsync_hdr", "req_announce"):  # names the message above
                lines[rec] += 1
            elif kind in ("msg_line", "other"):  # not a record start: the open record goes on
                lines[rec if rec in _FREE_TEXT else "skipped"] += 1
            else:
                if blk is not None:
                    ev.close(blk)
                    blk = None
                rec, rec_kind = _CATEGORY[kind], kind
                lines[rec] += 1
                if kind == "ev_hdr":
                    blk = ev.open(n, now, *info)
                elif kind == "sip_hdr":
                    sip_left = info
    if blk is not None:
        ev.close(blk)
    assert sum(lines.values()) == n, (lines, n)
    return _to_utc(ev.frame(), fields, path), lines


def _to_utc(df: pl.DataFrame, fields: dict[str, str], path: Path) -> pl.DataFrame:
    """``ts`` from the header's UTC offset, else the median ``log_time`` - AttributeTimeinSecs, else UTC."""
    log = df["log_time"].to_list()
    src = [s * 1_000_000 + (u or 0) if s is not None else None
           for s, u in zip(df["timein_secs"].to_list(), df["timein_usecs"].to_list(), strict=True)]
    local, utc = fields.get("Local time"), fields.get("Start time (UTC)")
    if local and utc:
        diff = datetime.fromisoformat(local.replace(" ", "T")) - datetime.fromisoformat(utc.replace(" ", "T"))
        offset, basis = round(diff.total_seconds() / 900) * 900, "header"  # whole quarter hours
    elif diffs := [int((t - s) / 1_000_000) for t, s in zip(log, src, strict=True) if s is not None]:
        offset, basis = round(statistics.median(diffs) / 900) * 900, "timeinsecs"
    else:
        offset, basis = 0, "utc"
    stem = _FILE_STAMP.sub("", path.name).removesuffix(".gz").removesuffix(".log").removesuffix(".txt")
    utc_us = pl.Datetime("us", "UTC")
    df = df.with_columns(
        ts=pl.Series([t - offset * 1_000_000 for t in log], dtype=pl.Int64).cast(utc_us),
        log_time=pl.col("log_time").cast(pl.Datetime("us")), source_ts=pl.Series(src, dtype=pl.Int64).cast(utc_us),
        source=pl.lit(str(path)), server=pl.lit(fields.get("Application name") or stem.rstrip("._-") or stem),
        tz_source=pl.lit(basis))
    return conform(df, EVENTS).sort(["ts", "source", "line"], maintain_order=True)


def check(path: str | os.PathLike) -> None:
    """Assert that :func:`parse` and statcli give equal events tables (all columns) and line counts."""
    from polars.testing import assert_frame_equal

    from statcli.read.tserver import parse_tserver_log

    mine, lines = parse(path)
    ref = parse_tserver_log(str(path))
    assert_frame_equal(mine, ref.events, check_exact=True)
    assert {k: v for k, v in lines.items() if v} == ref.lines, (lines, ref.lines)


if __name__ == "__main__":
    if sys.argv[1:] != ["--check"]:
        sys.exit("usage: python bench/pure_python.py --check")
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_parse import generate

    with tempfile.TemporaryDirectory() as tmp:
        for mb in (5, 20):
            generate(log := Path(tmp) / "SIP_P.20260116_080000_000.log", mb)
            check(log)
            print(f"{mb} MB log: events and line counts equal")
    print("OK")
