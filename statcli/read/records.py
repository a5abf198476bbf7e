"""Line accounting: record ids, record kinds and the category of every line (DESIGN.md §6).

A record starts at a header line (an event or request block, a Std line, a
SIP trace, …) and takes the continuation lines after it. Which category a
line counts in follows from its own kind and the kind of the record it is in:
:func:`_category` states the rule, which becomes one lookup table indexed by
``kind code * 64 + record kind code`` for whole arrays of lines at once.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from statcli.read.col0 import BLOCKS, CODE, FREE_TEXT, LINE_KINDS

EXAMPLES_PER_REASON = 5


class Accounting:
    """Counts of lines by category, skip reasons with examples, and warnings."""

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}
        self.skipped: dict[str, int] = {}
        self.examples: list[tuple[str, int, str, str]] = []
        self.warnings: dict[str, int] = {}

    def add_skipped(self, rows: pl.DataFrame) -> None:
        if rows.height == 0:
            return
        for reason, n in rows.group_by("reason").len().iter_rows():
            self.skipped[reason] = self.skipped.get(reason, 0) + n
        for reason, group in rows.group_by("reason", maintain_order=True):
            reason = reason[0]
            have = sum(1 for e in self.examples if e[2] == reason)
            for src, line, text in group.select("source", "line", "text").head(EXAMPLES_PER_REASON - have).iter_rows():
                self.examples.append((src, line, reason, text[:200]))

    def unsupported(self) -> int:
        return self.lines.get("unsupported", 0)

    def warn(self, key: str, n: int = 1) -> None:
        if n:
            self.warnings[key] = self.warnings.get(key, 0) + n


def _category(kind: str, rec_kind: str | None) -> str:
    """Accounting category of a line of ``kind`` inside a record opened by ``rec_kind``."""
    cat_of = {k: c for k, (start, c) in LINE_KINDS.items() if start}
    if kind in cat_of:
        return cat_of[kind]
    if kind == "sip_body":
        return "sip"
    rec_cat = cat_of.get(rec_kind)
    if rec_cat in FREE_TEXT and kind in ("cont", "space_cont", "msg_line", "sent_to", "other"):
        return rec_cat
    if rec_cat == "unsupported":
        return rec_cat
    if rec_cat in BLOCKS and kind in ("cont", "msg_line", "sent_to", "space_cont"):
        return rec_cat
    return "skipped"


_NO_REC = 63
#: (kind code * 64 + record kind code) → category: the rules of _category as one lookup table.
_CATEGORY_TABLE = {
    k * 64 + (r if r is not None else _NO_REC): _category(kind, rec)
    for k, kind in enumerate(LINE_KINDS)
    for r, rec in [(None, None), *enumerate(LINE_KINDS)]
}


CATEGORIES = sorted(set(_CATEGORY_TABLE.values()))
_CAT_LUT = np.zeros(64 * 64, dtype=np.int8)
for _code, _cat in _CATEGORY_TABLE.items():
    _CAT_LUT[_code] = CATEGORIES.index(_cat)
CAT = {c: i for i, c in enumerate(CATEGORIES)}
_IS_START = np.array([start for start, _ in LINE_KINDS.values()])
_BLOCK_CATS = [CAT[c] for c in BLOCKS if c in CAT]


def records(kind: np.ndarray, text, rec_offset: int) -> dict[str, np.ndarray]:
    """Record ids, record kinds and accounting categories of classified lines (kind codes).

    Examples
    --------
    >>> from statcli.read.col0 import CODE
    >>> r = records(np.array([CODE["cont"], CODE["ev_hdr"], CODE["cont"], CODE["std"]]), None, 10)
    >>> r["rec"].tolist(), [CATEGORIES[c] for c in r["cat"]]
    ([10, 11, 11, 12], ['skipped', 'event', 'event', 'std'])

    ``text(rows)`` gives the lines of ``rows`` as a String Series (asked for few rows).
    Returns ``kind`` (lone ``message X`` lines re-kinded), ``is_start``, ``rec``,
    ``rec_kind`` (−1 before the first record) and ``cat`` (index in ``CATEGORIES``).
    """
    n = len(kind)
    idx = np.arange(n)
    starts = _IS_START[kind]
    # `message X` belongs to a preceding BSYNC header or 04541 announcement; alone, it opens a block.
    msg = np.flatnonzero(kind == CODE["msg_line"])
    if len(msg):
        last = np.maximum.accumulate(np.where(starts, idx, -1))
        before = last[np.maximum(msg - 1, 0)]
        prev = np.where((msg > 0) & (before >= 0), kind[np.maximum(before, 0)], -1)
        lone = msg[~np.isin(prev, [CODE["bsync_hdr"], CODE["req_announce"]])]
        if len(lone):
            event = text(lone).str.starts_with("message Event").to_numpy()
            kind = kind.copy()
            kind[lone] = np.where(event, CODE["ev_hdr"], CODE["rq_hdr"])
            starts = _IS_START[kind]
    rec = np.cumsum(starts) + rec_offset
    head = np.maximum.accumulate(np.where(starts, idx, -1))
    rec_kind = np.where(head >= 0, kind[np.maximum(head, 0)], -1)
    cat = _CAT_LUT[kind.astype(np.int64) * 64 + np.where(rec_kind >= 0, rec_kind, _NO_REC)]
    space = np.flatnonzero(kind == CODE["space_cont"])
    space = space[np.isin(cat[space], _BLOCK_CATS)]
    if len(space):
        # inside a T-Library block a space-indented line counts only when it looks like one (§5.5)
        looks_attr = text(space).str.contains(r"^ +(?:Attribute\w|')").to_numpy()
        cat[space[~looks_attr]] = CAT["skipped"]
    return {"kind": kind, "is_start": starts, "rec": rec, "rec_kind": rec_kind, "cat": cat}


def skip_reason(kind: np.ndarray, rec_kind: np.ndarray) -> np.ndarray:
    """Why a line was skipped, from its kind and the record it is in (−1: before any record).

    Examples
    --------
    >>> from statcli.read.col0 import CODE
    >>> skip_reason(np.array([CODE["cont"], CODE["other"]]), np.array([-1, CODE["std"]])).tolist()
    ['continuation line before any block (the stream starts inside a block)', 'unrecognised line']
    """
    cont = kind == CODE["cont"]
    return np.where(cont & (rec_kind < 0), "continuation line before any block (the stream starts inside a block)",
                    np.where(cont, "continuation line outside a block", "unrecognised line"))
