"""Header lines of T-Library blocks → event name, tag, server version, context (log-formats §5.1–§5.2).

:func:`block_headers` states the grammar with regular expressions. A server's
own header, ``@HH:MM:SS.ffff [tag] version context: message EventX``, is
almost every header of a T-Server log, so when the lines' bytes are at hand
the usual ones are cut with NumPy — first space, brackets, next space, the
colon of ``: message`` — and only the rest goes through the expressions.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from statcli.read.views import DIGIT, WORD, find_byte, string_views

_SERVER_HDR = r"^@\S+ \[(?P<tag>[^\]]*)\] (?P<ver>\S+) (?P<ctx>.*?): message (?P<name>\w+)"
_CLIENT_HDR = (r"^received from (?P<handle>\d+)\((?P<srv>[^)]*)\)(?P<peer>.*?)\(fd=\d*\) "
               r"message (?P<name>\w+)")
_COLUMNS = ("event", "tag", "server_version", "context", "client_server")
#: What lies between the stamp and `: message` (the context ends at the first colon).
_MIDDLE = r"^\[(?P<tag>[^\]]*)\] (?P<ver>\S+) (?P<ctx>.*)$"


def block_headers(heads: pl.DataFrame, buf: np.ndarray | None = None, start: np.ndarray | None = None,
                  end: np.ndarray | None = None) -> pl.DataFrame:
    """Parse block header lines (server ``@… : message X``, client ``received from …``, ``message X``).

    Parameters
    ----------
    heads : polars.DataFrame
        Columns ``rec``, ``kind``, ``text``.
    buf, start, end : optional
        The padded log bytes and each header line's span in them.

    Returns
    -------
    polars.DataFrame
        ``rec``, ``event`` (message name, ``(…)`` suffix removed), ``tag``,
        ``server_version``, ``context``, ``client_server`` (server named in a
        client dump).

    Examples
    --------
    >>> import polars as pl
    >>> h = pl.DataFrame({"rec": [0], "kind": ["ev_hdr"],
    ...                   "text": ["@10:15:32.1230 [0] 8.1.101.25 distribute_event: message EventRinging"]})
    >>> block_headers(h).row(0)
    (0, 'EventRinging', '0', '8.1.101.25', 'distribute_event', None)
    """
    if buf is not None:
        fast = _server_cut(buf, start, end)
        rest = np.flatnonzero(~fast["ok"])
        out = pl.DataFrame({"rec": heads["rec"], **{c: fast[c] for c in _COLUMNS}})
        if len(rest):
            slow = block_headers(heads[rest])
            out = pl.DataFrame({c: out[c].scatter(rest, slow[c]) for c in out.columns})
        return out
    text = pl.col("text")
    is_client = pl.col("kind").is_in(["client_ev_hdr", "client_rq_hdr"])
    # each shape's expression runs on its own rows only
    rows = heads.with_row_index("_i")
    server = rows.filter(~is_client & text.str.starts_with("@")).select(
        "_i", g=text.str.extract_groups(_SERVER_HDR)).unnest("g").select(
        "_i", event="name", tag="tag", server_version="ver", context="ctx")
    client = rows.filter(is_client).select("_i", g=text.str.extract_groups(_CLIENT_HDR)).unnest("g").select(
        "_i", event="name", context=pl.lit("client"), client_server="srv")
    bare = rows.filter(~is_client & ~text.str.starts_with("@")).select(
        "_i", event=text.str.extract(r"^message (\w+)", 1))
    parts = pl.concat([server, client, bare], how="diagonal_relaxed").sort("_i")
    return pl.concat([heads.select("rec"), parts.select(
        pl.col(c) if c in parts.columns else pl.lit(None, pl.String).alias(c)
        for c in ("event", "tag", "server_version", "context", "client_server"))], how="horizontal")


def _server_cut(buf: np.ndarray, s: np.ndarray, e: np.ndarray) -> dict:
    """``_SERVER_HDR`` cut from the bytes of each line; ``ok`` marks the lines it decided.

    The usual stamp and the first colon (``: message`` can only begin at one)
    are found with NumPy; the part in between — ``[tag] version context`` — takes
    few distinct values in a log, so the expression runs once per distinct value.
    """
    m = len(s)
    digits = np.zeros(m, dtype=np.int64)
    rows = np.flatnonzero((buf[s] == 64) & (e - s > 12))
    for k in range(8):  # the fraction of `@HH:MM:SS.ffff`
        rows = rows[DIGIT[buf[s[rows] + 10 + k]]]
        digits[rows] += 1
    sp1 = s + 10 + digits
    ok = (buf[s] == 64) & (digits > 0) & (buf[sp1] == 32)
    for k, ch in enumerate(b"dd:dd:dd."):
        ok &= DIGIT[buf[s + 1 + k]] if ch == ord("d") else buf[s + 1 + k] == ch
    lo, hi = (int(s.min()), int(e.max())) if m else (0, 0)
    colons = np.append(find_byte(buf, 58, lo, hi), np.iinfo(np.int64).max)
    colon = np.minimum(colons[np.searchsorted(colons, sp1 + 1)], e)
    for k, ch in enumerate(b": message "):
        ok &= buf[colon + k] == ch
    name = colon + 10
    ok &= (name < e) & WORD[buf[name]]
    length = np.zeros(m, dtype=np.int64)
    rows = np.flatnonzero(ok)
    while len(rows):
        rows = rows[(name[rows] + length[rows] < e[rows]) & WORD[buf[name[rows] + length[rows]]]]
        length[rows] += 1
    # `\w+` is Unicode: a non-ASCII byte right after the ASCII run might continue the name
    ok &= (name + length >= e) | (buf[name + length] < 0x80)
    rows = np.flatnonzero(ok)
    middle = string_views([buf], sp1[rows] + 1, colon[rows] - sp1[rows] - 1, name="middle")
    distinct = middle.unique()
    parts = pl.DataFrame({"middle": distinct}).with_columns(
        g=pl.col("middle").str.extract_groups(_MIDDLE)).unnest("g")
    cut = pl.DataFrame({"middle": middle}).join(parts, on="middle", how="left", maintain_order="left")
    hit = cut["tag"].is_not_null().to_numpy() | cut["ver"].is_not_null().to_numpy()
    ok[rows[~hit]] = False

    def column(values: pl.Series) -> pl.Series:
        out = pl.repeat(None, m, dtype=pl.String, eager=True)
        return out.scatter(rows[hit], values.filter(pl.Series(hit))) if len(rows) else out

    event = string_views([buf], np.where(ok, name, 0), np.where(ok, length, 0), valid=ok)
    return {"ok": ok, "event": event, "tag": column(cut["tag"]), "server_version": column(cut["ver"]),
            "context": column(cut["ctx"]), "client_server": pl.repeat(None, m, dtype=pl.String, eager=True)}
