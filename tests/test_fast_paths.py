"""The reader's NumPy fast paths give what the plain rules give, line for line.

Two fast paths cut lines by their bytes: :func:`statcli.read.col0.classify_spans`
(kinds and stamps of column-0 lines) and :func:`statcli.read.tokens.tokenize`
(names, keys and values of block lines). Each is checked against an oracle
that states the rule directly — the Polars rules of ``classify_frame``, and
the block-line grammar as one regular expression plus the full grammar — on
every line of the sample and real logs and on generated lines built from the
fragments that make the rules branch.
"""

from __future__ import annotations

import gzip

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from statcli.read.col0 import classify_frame, classify_spans
from statcli.read.headers import block_headers
from statcli.read.lines import split_lines
from statcli.read.tokens import MALFORMED, NAME, NOTE, PAIR, PAIR_GRAMMAR, odd_lines, tokenize
from statcli.read.views import string_views
from statcli.schema import EVENTS

from conftest import SAMPLE_LOGS


# --- column-0 lines ---------------------------------------------------------------------------

def _col0_agree(data: bytes) -> int:
    buf, start, end, _ = split_lines(data)
    col0 = np.flatnonzero((buf[start] != 9) | (end == start))
    _headers_agree(buf, start[col0], end[col0])
    fast = classify_spans(buf, start[col0], end[col0])
    rules = classify_frame(string_views([buf], start[col0], end[col0] - start[col0]))
    text = string_views([buf], start[col0], end[col0] - start[col0], name="text")
    diff = pl.concat([fast.with_columns(text=text), rules.select(pl.all().name.suffix("_rule"))],
                     how="horizontal").filter(
        pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}_rule")) for c in fast.columns))
    assert diff.height == 0, diff.head(5).to_dicts()
    return len(col0)


def _headers_agree(buf, start, end) -> None:
    text = string_views([buf], start, end - start)
    heads = pl.DataFrame({"rec": np.arange(len(start)), "kind": ["ev_hdr"] * len(start), "text": text})
    fast, rules = block_headers(heads, buf, start, end), block_headers(heads)
    assert fast.equals(rules), fast.filter(~pl.all_horizontal(
        pl.col(c).eq_missing(rules[c]) for c in fast.columns)).head(3).to_dicts()


def _logs(folder) -> list[bytes]:
    out = []
    for p in sorted(folder.iterdir()):
        if p.suffix == ".gz":
            out.append(gzip.decompress(p.read_bytes()))
        elif p.suffix == ".log":
            out.append(p.read_bytes())
    return out


def test_column0_fast_path_matches_the_rules_on_sample_logs():
    assert sum(_col0_agree(data) for data in _logs(SAMPLE_LOGS)) > 1000


def test_column0_fast_path_matches_the_rules_on_real_logs(real_logs):
    assert sum(_col0_agree(data) for data in _logs(real_logs)) > 100


_STAMPS = ["@16:45:24.5939 ", "16:45:24.594 ", "21:06:21.751: ", "21:06:21.751:", "10:15:32.123_", "25:00:00.000 ",
           "10:61:00.000 ", "10:15:32.1234567 ", "10:15:32.12 ", "@10:15:32.123", "2015-05-29T12:21:16.438 ",
           "05/29/2015 12:21:16.438 ", "Fri Feb 05 16:13:24 2016.844 ", "1:15:32.123 ", "10:15:32,123 ", "",
           "10:15:32.123x", "@10:15:32.1230\u00a0"]
_RESTS = ["Trc 04542 EventRinging sent to [5]", "Std 05060 next", "Int 04543 Interaction message", "Trc 0454 x",
          "Trc 04541 RequestAnswerCall received from [12] (00000005 WDE 10.0.0.9:4000)",
          "Trc 04541 RequestX received from x", "Alr 1 2 GCTI-00-04110 x", "a b c GCTI-00-04110 alarm",
          "[0] 8.1.101.25 distribute_event: message EventReleased", "[BSYNC] Trace: Send to backup (B) [2]:",
          "[ISCC] Received: message ISCCEventX", "[0] 8.1 x: message RequestMakeCall", "[0] 8.1 x: message  Event",
          "[0] 8.1 a:b x: message EventX", "[] v : message EventY(z)", "[0]  v c: message E", "[0] 8.1\tx: message E",
          "[0 8.1 x: message EventX", "[0]x 8.1 c: message EventX", "[a]b] v c: message EventX",
          "Sending  [0,UDP] 97 bytes to 10.0.0.2:5060 >>>>>", "SIPTR: Received [0,UDP] 12 bytes from 1.2.3.4:5 <<<<<",
          "x bytes to y >>>", "$+CTI:PRM", "$-x", "$", "+++ CIFace::Request +++", "_M_I_0123 [x]", "_m_I_",
          "received from 65201(--)callcpro2:3010(fd=10) message EventUserEvent", "received from x",
          "request to 65200(--)callcpro2:3010 message RequestDistributeUserEvent", "message EventRinging",
          "message RequestAnswerCall", "..sent to x", "{", "} x", " lead space", "   ", "\u00a0", "Trc 04542 é",
          "INFO sip:x@10.0.0.2:5060 SIP/2.0", "Via: SIP/2.0/UDP 10.0.0.1:5060", "Content-Length: 0", "\x0bx",
          "trunk ip addr 192.168.210.54", "Standard 04120 Check point 2026-01-16"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_STAMPS), st.sampled_from(_RESTS), st.sampled_from(["", " ", "  \t"])),
                min_size=1, max_size=30))
def test_column0_fast_path_matches_the_rules_on_generated_lines(parts):
    _col0_agree("\n".join(a + b + c for a, b, c in parts).encode())


# --- block lines ------------------------------------------------------------------------------

#: The usual shapes of a block line in one expression: the rule the NumPy cut implements.
_USUAL = r"^(?P<tabs>\t+)(?:(?P<name>Attribute\w+)\t(?P<value>.*)|'(?P<key>[^'\t]*)'\t(?P<kvalue>.*))$"


def _oracle(lines: list[str]) -> list[tuple]:
    """(depth, kind, name or note, key, value, is_list) per line, inline first pairs as extra rows."""
    df = pl.DataFrame({"text": lines}).with_columns(g=pl.col("text").str.extract_groups(_USUAL)).unnest("g")
    depth = df["tabs"].str.len_bytes()
    odd = odd_lines(df["text"])
    out = []
    for i, row in enumerate(df.iter_rows(named=True)):
        d = depth[i]
        if d == 1 and row["name"] is not None:
            out.append((1, NAME, row["name"], None, pl.Series([row["value"]]).str.strip_chars_end()[0], False))
            continue
        if d is not None and d >= 2 and row["key"] is not None:
            out.append((d, PAIR, None, row["key"], pl.Series([row["kvalue"]]).str.strip_chars_end()[0], False))
            continue
        o = odd.row(i, named=True)
        dd = o["depth"] or 0
        if dd == 1 and o["name"] is not None:
            out.append((1, NAME, o["name"], None, o["value"], False))
        elif dd == 1 and o["note"] is not None:
            out.append((1, NOTE, o["note"], None, None, False))
        elif dd >= 2 and o["key"] is not None:
            out.append((dd, PAIR, None, o["key"], o["value"], bool(o["is_list"])))
            if o["is_list"] and o["rest"]:
                sub = pl.Series([o["rest"]]).str.extract_groups(PAIR_GRAMMAR).struct.unnest().row(0, named=True)
                out.append((dd + 1, PAIR, None, sub["key"], sub["value"], sub["list"] is not None))
        else:
            out.append((dd, MALFORMED, None, None, None, False))
    return out


def _fast(lines: list[str]) -> list[tuple]:
    buf, start, end, _ = split_lines("\n".join(lines).encode())
    m = len(start)
    t = tokenize(buf, start, end, np.zeros(m, np.int64), np.arange(m) * 2)
    names, keys, values = t.strings("name").to_list(), t.strings("key").to_list(), t.strings("val").to_list()
    out = []
    for i in range(len(t.rec)):
        kind = int(t.kind[i])
        out.append((int(t.depth[i]), kind, names[i] if kind in (NAME, NOTE) else None,
                    keys[i] if kind == PAIR else None, values[i] if kind in (NAME, PAIR) else None,
                    bool(t.is_list[i])))
    return out


def test_block_line_cut_matches_the_grammar_on_sample_logs():
    lines = [x for data in _logs(SAMPLE_LOGS) for x in data.decode().splitlines() if x.startswith("\t")]
    assert len(lines) > 1000
    assert _fast(lines) == _oracle(lines)


def test_block_line_cut_matches_the_grammar_on_real_logs(real_logs):
    lines = [x for data in _logs(real_logs) for x in data.decode("utf-8", "replace").splitlines()
             if x.startswith(("\t", " "))]
    assert _fast(lines) == _oracle(lines)


_INDENT = ["\t", "\t\t", "\t\t\t", "\t\t\t\t", " ", "  ", "\t ", " \t"]
_HEAD = ["AttributeThisDN", "AttributeConnID", "AttributeUserData", "AttributeEventSequenceNumber", "AttributeX_1",
         "AttributeÉté", "Attribute", "AttributeFoo bar", "Attribute-x", "AttributeLongUnknownNameBeyondThirtyTwoBytes",
         "'k'", "'ReleasingParty'", "''", "'a'b'", "'k\"'", "'ORSI:Cluster1:Session'(list)", "'k'(list) ", "'k'(list)",
         "'k'(list)  ", "(note text)", "(x", "junk", "'é'"]
_SEP = ["\t", " ", "\t\t", "", " \t", "\t "]
_VALUE = ["'7001'", "7001", "0077028A809F7004", "'a 'b' c'", "", "2 (Remote)", "[149] 00 05 00 00..", "'x'\t'y'",
          "é'", "'Session'\t'00PN8M303SBR7E9P04000VTAES000001+'", "'Node'\t'272'", "'n' v", "'n'(list) 'm'\tv",
          "'n'", "x\ty", "'", "''"]
_TRAIL = ["", " ", "\t", "\u00a0", "  ", "\x0b", " \u2003"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_INDENT), st.sampled_from(_HEAD), st.sampled_from(_SEP),
                          st.sampled_from(_VALUE), st.sampled_from(_TRAIL)), min_size=1, max_size=25))
def test_block_line_cut_matches_the_grammar_on_generated_lines(parts):
    lines = ["".join(p) for p in parts]
    assert _fast(lines) == _oracle(lines)


# --- bytes → lines → views ---------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "\r", "\n", "\r\n", "é", "\t", " ", "\ufeff", "xyz12345678901234"]), max_size=40),
       st.booleans())
def test_split_lines_cuts_like_str_split(pieces, bom):
    text = ("\ufeff" if bom else "") + "".join(pieces)
    buf, start, end, bad = split_lines(text.encode())
    text = text.removeprefix("\ufeff")  # one leading BOM is not text
    expected = text.split("\n")
    if text.endswith("\n") or not text:
        expected.pop()
    expected = [x[:-1] if x.endswith("\r") else x for x in expected]
    assert [bytes(buf[s:e]).decode() for s, e in zip(start, end)] == expected
    assert bad == 0


def test_split_lines_reads_latin1_bytes_and_counts_them():
    buf, start, end, bad = split_lines(b"caf\xe9\nok\n\xff\xfe x\n")
    assert [bytes(buf[s:e]).decode() for s, e in zip(start, end)] == ["café", "ok", "ÿþ x"]
    assert bad == 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=3), st.data())
def test_string_views_are_the_spans(texts, data):
    from statcli.read.views import padded

    raw = [t.encode() for t in texts]
    buffers = [padded(r) for r in raw]
    rows = data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 40), st.integers(0, 40),
                                        st.booleans()), max_size=20))
    spans = []
    for b, a, n, valid in rows:
        # cut at character boundaries: views hold whole UTF-8 characters
        chars = texts[b]
        a, n = min(a, len(chars)), min(n, len(chars) - min(a, len(chars)))
        start = len(chars[:a].encode())
        spans.append((b, start, len(chars[a:a + n].encode()), valid, chars[a:a + n]))
    s = string_views(buffers, np.array([x[1] for x in spans], dtype=np.int64),
                     np.array([x[2] for x in spans], dtype=np.int64),
                     np.array([x[0] for x in spans], dtype=np.int64), valid=np.array([x[3] for x in spans], dtype=bool))
    assert s.to_list() == [x[4] if x[3] else None for x in spans]
    # comparisons use the inline bytes and prefixes: they must be right too
    assert (s == pl.Series([x[4] if x[3] else None for x in spans], dtype=pl.String)).fill_null(True).all()


def test_declared_pair_counts_are_checked(tmp_path):
    from statcli.read.tserver import parse_tserver_log

    p = tmp_path / "x.log"
    p.write_text("@10:15:32.1230 [0] 8.1.101.25 distribute_event: message EventRinging\n"
                 "\tAttributeThisDN\t'7001'\n"
                 "\tAttributeUserData\t[40] 00 03 00 00..\n\t\t'a'\t'1'\n\t\t'b'\t'2'\n"
                 "\tAttributeExtensions\t[20] 00 01 00 00..\n\t\t'ReleasingParty'\t'2 Remote'\n")
    r = parse_tserver_log(p, date="2026-01-16")
    assert r.warnings == {"key-value lists whose pair count differs from the declared one": 1}
    assert r.events["user_data"].to_list() == [[{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]]
    assert r.events["releasing_party"].to_list() == ["remote"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["[", "", "(", "[["]), st.sampled_from(["149", "7", "", "٣", "12a"]),
                          st.sampled_from(["]", "", ")"]), st.sampled_from([" ", "  ", "\t", "", "\u00a0", " \u2003"]),
                          st.sampled_from(["00", "0A", "ff", "g0", "0", "00 ", "٠٠"]),
                          st.sampled_from([" ", "", "\t\t", "\u00a0"]), st.sampled_from(["05", "1F", "x1", "5", ""]),
                          st.sampled_from(["", " 00 00..", "..", "é"])), min_size=1, max_size=20))
def test_declared_pair_counts_read_like_the_expression(parts):
    from statcli.read.blocks import _LIST_HDR, _declared

    values = ["".join(p) for p in parts]
    buf, start, end, _ = split_lines("\n".join(values).encode())
    t = tokenize(buf, start[:0], end[:0], np.zeros(0, np.int64), np.zeros(0, np.int64))
    got = _declared(t, np.zeros(len(start), np.int64), start, end - start)
    g = pl.Series(values).str.extract_groups(_LIST_HDR)
    want = (g.struct.field("2") + g.struct.field("3")).str.to_integer(base=16, strict=False).to_list()
    assert [None if np.isnan(x) else int(x) for x in got] == want


_RAW = ["'7001'", " '7001' ", "7001", "'a 'b' c'", "''", "'", "2 (Inbound)", " -1", "-", "12a", "'34'",
        "99999999999999999999", "0077028A809F7004", " 00000000000000ff ", "\u00a07001\u00a0", "é", "'é'", "x\u2003",
        "1768568400 (08:00:00)", "(08:00:00)", "", "  "]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["AttributeThisDN", "AttributeCallType", "AttributeConnID",
                                           "AttributeEventSequenceNumber", "AttributeTimeinSecs", "AttributeANI"]),
                          st.sampled_from(_RAW)), min_size=1, max_size=12))
def test_typed_columns_read_like_the_expressions(attrs):
    from statcli.catalog.tlib import ATTRIBUTE_COLUMNS
    from statcli.read.blocks import extract_blocks, unquote

    lines = ["@10:15:32.1230 [0] 8.1 d: message EventRinging"] + [f"\t{a}\t{v}" for a, v in attrs]
    df = pl.DataFrame({"text": lines}).with_row_index("order").with_columns(
        rec=pl.lit(0, pl.UInt32), order=pl.col("order").cast(pl.Int64) * 2,
        kind=pl.when(pl.col("order") == 0).then(pl.lit("ev_hdr")).otherwise(pl.lit("cont")),
        is_start=pl.col("order") == 0)
    events, _ = extract_blocks(df, {})
    first = {}
    for a, v in attrs:
        # the one-expression grammar strips trailing whitespace of a usual line's value
        first.setdefault(a, pl.Series([v]).str.strip_chars_end()[0])
    for name, raw in first.items():
        col, kind = ATTRIBUTE_COLUMNS[name]
        value = pl.lit(raw).str.strip_chars()
        want = pl.select({
            "str": unquote(value), "connid": unquote(value).str.to_lowercase(),
            "hex": value.str.to_integer(base=16, dtype=pl.UInt64, strict=False),
            "int": unquote(value).str.extract(r"^(-?\d+)", 1).cast(pl.Int64, strict=False),
        }[kind].cast(EVENTS.columns.get(col, pl.Int64), strict=False)).item()  # in its events dtype
        assert events[col][0] == want, (name, raw)
        if name == "AttributeTimeinSecs":
            assert events["_timein_label"][0] == pl.select(
                pl.lit(raw).str.extract(r"\((\d{1,2}:\d{2}:\d{2})\)", 1)).item()


# --- the reader's plumbing ----------------------------------------------------------------------

def test_threads_do_not_change_what_is_read(monkeypatch):
    """Chunks cut in parts on worker threads give the same events and accounting as one thread."""
    from statcli.read import blocks, lines, tserver, workers

    together = tserver.parse_tserver_log(SAMPLE_LOGS)
    serial = lambda fn, parts: [fn(p) for p in parts]  # noqa: E731
    for module in (workers, lines, tserver, blocks):
        if hasattr(module, "in_parallel"):
            monkeypatch.setattr(module, "in_parallel", serial)
    monkeypatch.setattr(tserver, "WORKERS", 3)  # odd parts, run one after another
    monkeypatch.setattr(tserver, "CHUNK_LINES", 1000)
    apart = tserver.parse_tserver_log(SAMPLE_LOGS)
    assert apart.events.equals(together.events)
    assert (apart.lines, apart.skipped, apart.warnings) == (together.lines, together.skipped, together.warnings)


def test_chunk_windows_are_relative_to_their_own_bytes():
    """String views hold 32-bit offsets: a chunk's spans are rebased onto its slice of the segment."""
    from statcli.read.tserver import _Lines

    buf, start, end, _ = split_lines(b"first line\nsecond line\nthird\n")
    lines = _Lines(buf, start, end, np.zeros(3, np.int64), np.arange(1, 4), ["x.log"])
    window = lines.window(1, 3)
    assert window.start.tolist() == [0, 12] and window.buf.base is not None  # a view, not a copy
    assert window.text(np.arange(2)).to_list() == ["second line", "third"]


def test_owned_strings_equal_the_views():
    from statcli.read.tserver import _own_strings, parse_tserver_log

    events = parse_tserver_log(SAMPLE_LOGS).events
    assert _own_strings(events).equals(events)


def test_views_reach_beyond_32_bit_offsets(monkeypatch):
    """A segment over 2 GiB: spans past the offsets a view can hold are cut from buffer slices."""
    from statcli.read import views

    monkeypatch.setattr(views, "OFFSET_BITS", 4)  # 16-byte "blocks" stand in for 1 GiB ones
    buf, start, end, _ = split_lines(b"alpha\nbravo charlie\ndelta\n\necho foxtrot golf hotel\nindia")
    order = np.array([4, 0, 2, 5, 1, 3])  # any order of rows
    valid = np.array([True, True, False, True, True, True])
    s = views.string_views([buf], start[order], (end - start)[order], valid=valid, name="t")
    assert s.to_list() == ["echo foxtrot golf hotel", "alpha", None, "india", "bravo charlie", ""]


def test_a_list_owner_is_the_same_whichever_path_read_its_line():
    """Owners are compared by name: a space-separated (grammar) and a TAB-separated (fast) line agree."""
    from statcli.read.blocks import extract_blocks

    lines = ["@10:15:32.1230 [0] 8.1 d: message EventRinging", "\tAttributeUserData [40] 00 01 00 00..",
             "\t\t'a'(list)", "\tAttributeUserData\t[40] 00 01 00 00..", "\t\t\t'b'\t1"]
    df = pl.DataFrame({"text": lines}).with_row_index("order").with_columns(
        rec=pl.lit(0, pl.UInt32), order=pl.col("order").cast(pl.Int64) * 2,
        kind=pl.when(pl.col("order") == 0).then(pl.lit("ev_hdr")).otherwise(pl.lit("cont")),
        is_start=pl.col("order") == 0)
    events, _ = extract_blocks(df, {})
    assert [p["key"] for p in events["user_data"][0]] == ["a", "a.b"]
