"""Column-0 lines → their kind and time stamp (log-formats §3–§7, §10).

Every line that does not start with a TAB opens a record, continues one or
is noise; which, is decided by a handful of literal-prefix tests and anchored
regular expressions: :func:`classify_frame` states them in Polars. The rules
are data: :data:`LINE_KINDS` says what each kind means and which accounting
category its lines fall in.

Nearly all column-0 lines of a real log have one of a few shapes — an
``@HH:MM:SS.ffff`` event header, an ``HH:MM:SS.mmm Trc NNNNN`` line, a SIP
trace, a SIP body line — so :func:`classify_spans` decides those from their
bytes with NumPy (stamp digits at fixed offsets, literal prefixes) and hands
only the rest, and every line with a non-ASCII byte, to :func:`classify_frame`.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from statcli.read.timestamps import parse_stamps
from statcli.read.views import DIGIT, LOWER, SPACE, UPPER, WORD, find_byte, find_high, string_views, words64

#: line kind → (starts a record?, accounting category of the record it starts)
LINE_KINDS: dict[str, tuple[bool, str]] = {
    "blank": (True, "blank"),
    "ev_hdr": (True, "event"),            # @time [tag] version context: message EventX
    "rq_hdr": (True, "request"),          # @time … : message RequestX, or a bare `message RequestX`
    "iscc_hdr": (True, "iscc"),           # [ISCC] messages
    "bsync_hdr": (True, "bsync"),         # @time [BSYNC] Trace: Send to backup …
    "client_ev_hdr": (True, "event"),     # received from … message EventX
    "client_rq_hdr": (True, "request"),   # request to … message RequestX
    "req_announce": (True, "request"),    # Trc 04541 RequestX received from [n] (…)
    "std": (True, "std"),                 # stamp Lvl NNNNN text
    "sip_hdr": (True, "sip"),             # … N bytes to|from ip:port >>>>>
    "handler": (True, "handler"),         # $+ $- $* markers
    "urs": (True, "urs"),                 # _X_I_<connid> [..] …
    "ciface": (True, "ciface"),           # +++ CIFace::Request +++
    "brace": (True, "ocs_summary"),       # { } around OCS TEvent summaries
    "trace": (True, "trace"),             # any other stamped line: free text
    "psdk": (True, "unsupported"),        # Platform SDK client log line (T9 stamp)
    "cont": (False, ""),                  # TAB-led line: belongs to the open record
    "space_cont": (False, ""),            # space-led line
    "msg_line": (False, ""),              # `message X` after a BSYNC header or 04541 line
    "sent_to": (False, ""),               # `..sent to` terminator of a client request
    "sip_body": (False, ""),              # consumed by the SIP byte count
    "other": (False, ""),                 # unstamped text that fits nothing
}

#: The line kinds as a Polars Enum: comparisons and lookups on them are integer work.
KIND = pl.Enum(list(LINE_KINDS))

#: Categories whose records may take free-text continuation lines.
FREE_TEXT = ("std", "trace", "handler", "urs", "ciface", "ocs_summary", "sip")
#: Categories whose records are T-Library blocks (TAB attribute lines).
BLOCKS = ("event", "request", "bsync", "iscc")

_LEVELS = r"(?:Std|Int|Trc|Dbg|Alr|Unk|Non|Standard|Interaction|Trace|Debug|Alarm|Unknown|None)"
_STD = r"^(?:" + _LEVELS + r" \d{5}|\S+ \S+ \S+ GCTI-\d{2}-\d{5}|[A-Z][a-z]+ \d{5}) "
_SIP_TAIL = (r"(?:SIPTR: Received|Sending) +\[[^\]]*\] (\d+) bytes (?:from|to) \S+ "
             r"(?:>>>>>|<<<<<|>>>|<<<)\s*$")


#: line kind → its code (the physical value of the :data:`KIND` Enum)
CODE = {k: i for i, k in enumerate(LINE_KINDS)}


def kinds(codes: np.ndarray) -> pl.Series:
    """Kind codes as a :data:`KIND` Series.

    Examples
    --------
    >>> kinds(np.array([1, 0])).to_list()
    ['ev_hdr', 'blank']
    """
    return pl.Series("kind", np.asarray(codes, dtype=np.int64)).replace_strict(
        dict(enumerate(LINE_KINDS)), return_dtype=KIND)


def classify_frame(text: pl.Series) -> pl.DataFrame:
    """Kind and stamp of lines that do not start with a TAB: the rules, in Polars (one row per line).

    This is the definition the fast path of :func:`classify_spans` follows;
    it decides every line the fast path does not.

    Returns ``kind`` (:data:`KIND`), ``st_form``, ``st_date``, ``st_tod``,
    ``st_len`` and, for SIP headers, ``sip_bytes``.

    Examples
    --------
    >>> import polars as pl
    >>> classify_frame(pl.Series(["16:45:24.594 Trc 04542 EventX sent to [5]", "$+CTI", ""]))["kind"].to_list()
    ['std', 'handler', 'blank']
    """
    col0 = parse_stamps(pl.DataFrame({"text": text}))
    text = pl.col("text")
    # Materialise the pieces the rules below test several times (eager frames do not share them).
    col0 = col0.with_columns(
        _rest=text.str.slice(pl.col("st_len").fill_null(0)),
        _msg=text.str.extract(r": message (\w+)", 1),
        _first=text.str.slice(0, 1),
        sip_bytes=text.str.extract(_SIP_TAIL, 1).cast(pl.Int64, strict=False),
    )
    rest, msg_name, first = pl.col("_rest"), pl.col("_msg"), pl.col("_first")
    stamped = pl.col("st_form").is_not_null()
    form = pl.col("st_form")
    has_msg = msg_name.is_not_null()
    col0 = col0.with_columns(_std=stamped & rest.str.contains(_STD))
    is_std = pl.col("_std")
    kind = (
        pl.when(text.str.strip_chars() == "").then(pl.lit("blank"))
        .when((form == "T2") & rest.str.starts_with("[BSYNC]")).then(pl.lit("bsync_hdr"))
        .when((form == "T2") & (rest.str.starts_with("[ISCC]") | msg_name.str.starts_with("ISCC")))
        .then(pl.lit("iscc_hdr"))
        .when((form == "T2") & has_msg & msg_name.str.starts_with("Request")).then(pl.lit("rq_hdr"))
        .when((form == "T2") & has_msg).then(pl.lit("ev_hdr"))
        .when(pl.col("sip_bytes").is_not_null()).then(pl.lit("sip_hdr"))
        .when(text.str.starts_with("received from ") & text.str.contains(r" message Event\w"))
        .then(pl.lit("client_ev_hdr"))
        .when(text.str.starts_with("received from ") | text.str.starts_with("request to "))
        .then(pl.lit("client_rq_hdr"))
        .when(text.str.starts_with("message ")).then(pl.lit("msg_line"))
        .when(text.str.starts_with("..sent to")).then(pl.lit("sent_to"))
        .when((first == "{") | (first == "}")).then(pl.lit("brace"))
        .when(form == "T9").then(pl.lit("psdk"))
        .when(is_std & rest.str.contains(r"^\S+ 04541 Request\w+ received from \[")).then(pl.lit("req_announce"))
        .when(is_std).then(pl.lit("std"))
        .when((form == "T8") | text.str.contains(r"^_[A-Z]_I_")).then(pl.lit("urs"))
        .when(rest.str.contains(r"^\$[+\-*]")).then(pl.lit("handler"))
        .when(stamped & rest.str.starts_with("+++ CIFace")).then(pl.lit("ciface"))
        .when(stamped).then(pl.lit("trace"))
        .when(first == " ").then(pl.lit("space_cont"))
        .otherwise(pl.lit("other"))
    )
    return col0.with_columns(kind=kind.cast(KIND)).drop("text", "_rest", "_msg", "_first", "_std")



# --- the fast path ------------------------------------------------------------------------------

_FORMS = [None, "T1", "T2", "T7", "T8"]


def _prefix(buf: np.ndarray, pos: np.ndarray, end: np.ndarray, lit: bytes) -> np.ndarray:
    """Whether the bytes at ``pos`` (before ``end``) start with ``lit``, 8 bytes per comparison."""
    w = words64(buf)
    ok = pos + len(lit) <= end
    for k in range(0, len(lit), 8):
        part = lit[k:k + 8]
        mask = np.uint64((1 << (8 * len(part))) - 1)
        ok &= (w[np.minimum(pos + k, w.size - 1)] & mask) == np.uint64(int.from_bytes(part, "little"))
    return ok


def _time_stamps(buf: np.ndarray, s: np.ndarray, n: np.ndarray) -> dict[str, np.ndarray]:
    """The ``time`` family of :mod:`statcli.read.timestamps` (T1, T2, T7, T8) read from fixed offsets.

    Returns ``ok`` (a valid stamp), ``form`` (index in ``_FORMS``), ``tod`` (µs) and ``len``.
    """
    m = len(s)
    raw = np.zeros((19, m), dtype=np.uint8)
    for k in range(19):
        raw[k] = np.where(k < n, buf[s + k], 0)
    at = raw[0] == 64
    b = [np.where(at, raw[k + 1], raw[k]) for k in range(18)]
    digit = [DIGIT[x] for x in b]
    ok = (digit[0] & digit[1] & (b[2] == 58) & digit[3] & digit[4] & (b[5] == 58) & digit[6] & digit[7]
          & (b[8] == 46))
    d = np.zeros(m, dtype=np.int64)
    run = ok.copy()
    micros = np.zeros(m, dtype=np.int64)
    for k in range(7):
        run &= digit[9 + k]
        d += run
        if k < 6:
            micros += np.where(run, b[9 + k].astype(np.int64) - 48, 0) * 10 ** (5 - k)
    ok &= (d >= 3) & (d <= 6)
    cols = np.arange(m)
    after = at + 9 + d  # the byte after the fraction, in line coordinates
    c = raw[np.minimum(after, 18), cols]
    c2 = raw[np.minimum(after + 1, 18), cols]
    sep = np.select([after == n, c == 32, c == 95, (c == 58) & (after + 1 == n), (c == 58) & (c2 == 32)],
                    [0, 1, 1, 1, 2], -1)
    ok &= sep >= 0

    def two(i):
        return (b[i].astype(np.int64) - 48) * 10 + b[i + 1].astype(np.int64) - 48

    h, mi, se = two(0), two(3), two(6)
    ok &= (h < 24) & (mi < 60) & (se < 60)
    form = np.select([at, c == 58, c == 95], [2, 3, 4], 1)
    form = np.where(after == n, np.where(at, 2, 1), form)
    return {"ok": ok, "form": np.where(ok, form, 0), "tod": ((h * 3600 + mi * 60 + se) * 1_000_000 + micros),
            "len": at + 9 + d + sep}


def _rstripped(buf: np.ndarray, s: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Lengths without trailing ASCII whitespace."""
    n = n.copy()
    rows = np.flatnonzero(n > 0)
    while len(rows):
        rows = rows[SPACE[buf[s[rows] + n[rows] - 1]]]
        n[rows] -= 1
        rows = rows[n[rows] > 0]
    return n


def _std_word(buf: np.ndarray, p: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``[A-Z][a-z]+ \\d{5} `` at ``p`` (the Std/Trc/… level and message id); returns (match, id start)."""
    ok = (p < end) & UPPER[buf[p]]
    k = np.ones(len(p), dtype=np.int64)
    rows = np.flatnonzero(ok)
    while len(rows):  # the lower-case run of the level word
        rows = rows[LOWER[buf[p[rows] + k[rows]]] & (p[rows] + k[rows] < end[rows])]
        k[rows] += 1
    q = p + k  # the space after the word
    ok &= (k >= 2) & (buf[q] == 32) & (q + 7 <= end)
    for i in range(1, 6):
        ok &= DIGIT[buf[q + i]]
    ok &= buf[q + 6] == 32
    return ok, q + 1


def _sip_bytes(buf: np.ndarray, s: np.ndarray, n: np.ndarray, tail: np.ndarray, kind: np.ndarray) -> pl.Series:
    """Byte counts of SIP trace headers (``… N bytes to|from … >>>>>``); their kind is set in ``kind``.

    Only lines ending in ``>>>``/``<<<`` can match: the expression runs on those alone.
    """
    out = pl.repeat(None, len(s), dtype=pl.Int64, eager=True)
    rows = np.flatnonzero(tail & (kind < 0))
    if len(rows):
        count = string_views([buf], s[rows], n[rows]).str.extract(_SIP_TAIL, 1).cast(pl.Int64, strict=False)
        hit = count.is_not_null().to_numpy()
        kind[rows[hit]] = CODE["sip_hdr"]
        out = out.scatter(rows[hit], count.filter(pl.Series(hit)))
    return out


def _announce(buf: np.ndarray, p: np.ndarray, end: np.ndarray) -> np.ndarray:
    """``\\w+ received from \\[`` at ``p`` (after ``04541 Request``)."""
    k = np.zeros(len(p), dtype=np.int64)
    rows = np.arange(len(p))
    while len(rows):
        rows = rows[(p[rows] + k[rows] < end[rows]) & WORD[buf[p[rows] + k[rows]]]]
        k[rows] += 1
    return (k >= 1) & _prefix(buf, p + k, end, b" received from [")


def classify_spans(buf: np.ndarray, start: np.ndarray, end: np.ndarray) -> pl.DataFrame:
    """:func:`classify_frame` for lines given as byte spans of a padded buffer.

    The usual shapes are decided from their bytes; every other line — and every
    line holding a non-ASCII byte — goes through :func:`classify_frame`, so the
    result is the same for every line.

    Examples
    --------
    >>> from statcli.read.lines import split_lines
    >>> buf, start, end, _ = split_lines(b"@10:15:32.1230 [0] 8.1 distribute_event: message EventRinging\\n"
    ...                                  b"10:15:32.124 Trc 04542 EventRinging sent to [5]\\nINFO sip:x SIP/2.0")
    >>> classify_spans(buf, start, end)["kind"].to_list()
    ['ev_hdr', 'std', 'other']
    """
    m = len(start)
    s, n = start.astype(np.int64), (end - start).astype(np.int64)
    kind = np.full(m, -1, dtype=np.int64)
    lo, hi = (int(s.min()), int(end.max())) if m else (0, 0)
    wide = find_high(buf, lo, hi)
    ascii_ = np.searchsorted(wide, end) == np.searchsorted(wide, s)
    st = _time_stamps(buf, s, n)
    stamped = st["ok"] & ascii_
    form = np.where(stamped, st["form"], 0)
    rest = s + np.where(stamped, st["len"], 0)
    e = s + n
    sip_tail = np.zeros(m, dtype=bool)
    rs = _rstripped(buf, s, n)
    last3 = np.flatnonzero(rs >= 3)
    tail = (buf[s[last3] + rs[last3] - 1] == buf[s[last3] + rs[last3] - 2]) & (
        buf[s[last3] + rs[last3] - 2] == buf[s[last3] + rs[last3] - 3])
    sip_tail[last3[tail & np.isin(buf[s[last3] + rs[last3] - 1], [60, 62])]] = True

    # T2 headers: the message name decides (log-formats §5.1)
    t2 = np.flatnonzero(form == 2)
    if len(t2):
        # `: message (\w+)`: a `: message ` can only start at a colon; past the stamp, header lines
        # have one, so the first colon decides (any other line is left to the rules)
        colons = np.append(find_byte(buf, 58, int(rest[t2].min()), int(e[t2].max())), np.iinfo(np.int64).max)
        first_colon = np.minimum(colons[np.searchsorted(colons, rest[t2])], e[t2])
        at = first_colon + 10
        word = _prefix(buf, first_colon, e[t2], b": message ") & (at < e[t2]) & WORD[buf[at]]
        bsync = _prefix(buf, rest[t2], e[t2], b"[BSYNC]")
        iscc = _prefix(buf, rest[t2], e[t2], b"[ISCC]") | (word & _prefix(buf, at, e[t2], b"ISCC"))
        request = word & _prefix(buf, at, e[t2], b"Request")
        kind[t2] = np.select([bsync, iscc, request, word],
                             [CODE["bsync_hdr"], CODE["iscc_hdr"], CODE["rq_hdr"], CODE["ev_hdr"]], -1)
    # T1/T7 lines: a level word and a message id make a standard line
    tn = np.flatnonzero(((form == 1) | (form == 3)) & ~sip_tail)
    if len(tn):
        std, id_at = _std_word(buf, rest[tn], e[tn])
        announce = std & _prefix(buf, id_at, e[tn], b"04541 Request")
        sure = _announce(buf, id_at + 13, e[tn]) & announce
        handler = (buf[rest[tn]] == 36) & np.isin(buf[rest[tn] + 1], [42, 43, 45]) & (rest[tn] + 2 <= e[tn])
        ciface = _prefix(buf, rest[tn], e[tn], b"+++ CIFace")
        k = np.select([std, handler, ciface], [CODE["std"], CODE["handler"], CODE["ciface"]], CODE["trace"])
        k[announce] = -1  # the 04541 grammar decides the unusual ones
        k[sure] = CODE["req_announce"]
        undecided = np.flatnonzero(~std & (k != CODE["handler"]))
        if len(undecided):  # `\S+ \S+ \S+ GCTI-dd-ddddd` is a standard line too: leave those to the rules
            gcti = string_views([buf], s[tn[undecided]], n[tn[undecided]]).str.contains("GCTI-", literal=True)
            k[undecided[gcti.to_numpy()]] = -1
        kind[tn] = k
    # unstamped lines (not a candidate of any other stamp form)
    first = np.where(n > 0, buf[s], 0)
    other_form = (np.where(n > 4, buf[s + 4], 0) == 45) | (np.where(n > 3, buf[s + 3], 0) == 32)
    for k in range(5):
        other_form |= np.where(n > k, buf[s + k], 0) == 47
    un = np.flatnonzero(~st["ok"] & ascii_ & ~other_form & ~sip_tail)
    if len(un):
        p, q, f = s[un], e[un], first[un]
        urs = (f == 95) & UPPER[buf[p + 1]] & _prefix(buf, p + 2, q, b"_I_")
        k = np.select(
            [n[un] == 0, SPACE[f] & (rs[un] == 0),
             _prefix(buf, p, q, b"received from ") | _prefix(buf, p, q, b"request to "),
             _prefix(buf, p, q, b"message "), _prefix(buf, p, q, b"..sent to"), (f == 123) | (f == 125), urs,
             (f == 36) & np.isin(buf[p + 1], [42, 43, 45]) & (n[un] >= 2), f == 32, SPACE[f]],
            [CODE["blank"], CODE["blank"], -1, CODE["msg_line"], CODE["sent_to"], CODE["brace"], CODE["urs"],
             CODE["handler"], CODE["space_cont"], -1],
            CODE["other"])
        kind[un] = k
    known_stamp = stamped | (~st["ok"] & ascii_ & ~other_form)
    sip_bytes = _sip_bytes(buf, s, n, sip_tail & known_stamp & (form != 2), kind)
    out = pl.DataFrame({
        "st_form": pl.Series(form).replace_strict(dict(enumerate(_FORMS)), return_dtype=pl.String),
        "st_date": pl.repeat(None, m, dtype=pl.Date, eager=True),
        "st_tod": pl.Series(st["tod"]).scatter(np.flatnonzero(~stamped), None),
        "st_len": pl.Series(np.where(stamped, st["len"], 0), dtype=pl.UInt32).scatter(np.flatnonzero(~stamped), None),
        "sip_bytes": sip_bytes,
        "kind": kinds(np.maximum(kind, 0)),
    })
    rules = np.flatnonzero(kind < 0)
    if len(rules):
        decided = classify_frame(string_views([buf], s[rules], n[rules]))
        out = pl.DataFrame({c: out[c].scatter(rules, decided[c]) for c in out.columns})
    return out
