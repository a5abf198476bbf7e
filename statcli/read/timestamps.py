"""Time stamps of Genesys log lines, recognised on a whole column at once.

Every line is tried against every known form (log-formats §3.2) — formats mix
inside one file. To stay fast on millions of lines, candidate lines are picked
by their first character and each *family* of forms is one anchored regular
expression run only on its candidates:

======  ===================================  ==============================
family  forms                                example
======  ===================================  ==============================
time    T1, T2 (``@``), T7 (``:``), T8 (_)   ``@16:45:24.5939``
iso     T3 (``T``), T4 (space), T9 (comma)   ``2015-05-29T12:21:16.438``
slash   T6 numeric locale forms              ``05/29/2015 12:21:16.438``
locale  T5, T6 with weekday names            ``Fri Feb 05 16:13:24 2016.844``
======  ===================================  ==============================

A stamp must be followed by a space, ``": "`` (SIP Server traces), ``_``
(URS) or the end of the line (§3.3), and its fields must be in range, so
``16 bytes`` or a SIP body line is never taken for a stamp.

Examples
--------
>>> import polars as pl
>>> df = pl.DataFrame({"text": ["@16:45:24.5939 [0] x", "2015-05-29T12:21:16.438 Trc 04541 y",
...                             "Fri Feb 05 16:13:24 2016.844 Trc 50002 z", "21:06:21.751: trace",
...                             "16 bytes"]})
>>> out = parse_stamps(df)
>>> out["st_form"].to_list()
['T2', 'T3', 'T5', 'T7', None]
>>> out["st_tod"][0]
60324593900
"""

from __future__ import annotations

import polars as pl

_MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
_SEP = r"(?P<sep> |: |:$|_|$)"
_MON = "(?P<M>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_WD = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"

#: family -> (cheap candidate test on the ``text`` column, [mutually exclusive regular expressions]).
#: Named groups: Y M D (date), h m s f (time, fraction digits), ap (AM/PM), T (date/time
#: separator), c (fraction separator), at (leading @), sep (what follows the stamp).
FAMILIES: dict[str, tuple[pl.Expr, list[str]]] = {
    "time": ((pl.col("text").str.slice(2, 1) == ":") | (pl.col("text").str.slice(0, 1) == "@"), [r"^(?P<at>@?)(?P<h>\d{2}):(?P<m>\d{2}):(?P<s>\d{2})\.(?P<f>\d{3,6})" + _SEP]),
    "iso": (pl.col("text").str.slice(4, 1) == "-", [r"^(?P<Y>\d{4})-(?P<M>\d{2})-(?P<D>\d{2})(?P<T>[T ])(?P<h>\d{2}):(?P<m>\d{2}):"
                      r"(?P<s>\d{2})(?P<c>[.,])(?P<f>\d{3,6})" + _SEP]),
    "slash": (pl.col("text").str.slice(0, 5).str.contains("/", literal=True), [
        r"^(?P<Y>\d{4})/(?P<M>\d{2})/(?P<D>\d{2}) (?P<h>\d{2}):(?P<m>\d{2}):(?P<s>\d{2})\.(?P<f>\d{3})" + _SEP,
        r"^(?P<M>\d{2})/(?P<D>\d{2})/(?P<Y>\d{4}|\d{2}) (?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})"
        r"(?: (?P<ap>[ap])\.m\.)?\.(?P<f>\d{3})" + _SEP,
    ]),
    "locale": (pl.col("text").str.slice(3, 1) == " ", [
        r"^" + _WD + " " + _MON + r" (?P<D>[ \d]\d) (?P<h>\d{2}):(?P<m>\d{2}):(?P<s>\d{2}) (?P<Y>\d{4})\."
        r"(?P<f>\d{3})" + _SEP,
        r"^" + _WD + r" (?P<D>\d{1,2}) " + _MON + r" (?P<Y>\d{4}) (?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2}) "
        r"(?P<ap>AM|PM) [A-Z]{2,5}\.(?P<f>\d{3})" + _SEP,
    ]),
}

STAMP_SCHEMA = {"st_form": pl.String, "st_date": pl.Date, "st_tod": pl.Int64, "st_len": pl.UInt32}


def _family_frame(cand: pl.DataFrame, family: str, pattern: str) -> pl.DataFrame:
    names = [g for g in ("Y", "M", "D", "h", "m", "s", "f", "ap", "T", "c", "at", "sep") if f"(?P<{g}>" in pattern]
    g = cand.select(
        pl.col("_i"),
        pl.col("text").str.extract_groups("^(?P<all>" + pattern[1:] + ")").alias("g"),
    ).unnest("g").filter(pl.col("all").is_not_null())
    if g.height == 0:
        return pl.DataFrame(schema={"_i": pl.UInt32, **STAMP_SCHEMA})
    hour = pl.col("h").cast(pl.Int64)
    if "ap" in names:
        pm = pl.col("ap").str.to_lowercase().str.starts_with("p")
        hour = pl.when(pl.col("ap").is_null()).then(hour).otherwise((hour % 12) + pl.when(pm).then(12).otherwise(0))
    minute, second = pl.col("m").cast(pl.Int64), pl.col("s").cast(pl.Int64)
    # 3 digits are milliseconds, 4 digits 1/10 ms (T2): scale all to microseconds.
    micros = pl.col("f").str.pad_end(6, "0").str.slice(0, 6).cast(pl.Int64)
    valid = (hour < 24) & (minute < 60) & (second < 60)
    if family == "time":
        form = (pl.when(pl.col("at") == "@").then(pl.lit("T2"))
                .when(pl.col("sep").str.starts_with(":")).then(pl.lit("T7"))
                .when(pl.col("sep") == "_").then(pl.lit("T8")).otherwise(pl.lit("T1")))
        date = pl.lit(None, dtype=pl.Date)
    else:
        year = pl.col("Y").cast(pl.Int32)
        year = pl.when(year < 100).then(year + 2000).otherwise(year)
        month = (pl.col("M").replace_strict(_MONTHS, default=None, return_dtype=pl.Int32)
                 if family == "locale" else pl.col("M").cast(pl.Int32))
        day = pl.col("D").str.strip_chars().cast(pl.Int32)
        valid = valid & month.is_between(1, 12) & day.is_between(1, 31) & year.is_between(1970, 2199)
        date = pl.date(year, month, day)
        if family == "iso":
            form = (pl.when(pl.col("c") == ",").then(pl.lit("T9"))
                    .when(pl.col("T") == "T").then(pl.lit("T3")).otherwise(pl.lit("T4")))
        elif family == "locale" and "ap" not in names:
            form = pl.lit("T5")
        else:
            form = pl.lit("T6")
    return g.filter(valid).select(
        pl.col("_i"),
        form.alias("st_form"),
        date.alias("st_date"),
        ((hour * 3600 + minute * 60 + second) * 1_000_000 + micros).alias("st_tod"),
        pl.col("all").str.len_chars().cast(pl.UInt32).alias("st_len"),
    )


def parse_stamps(lines: pl.DataFrame, text: str = "text") -> pl.DataFrame:
    """Recognise the stamp at column 0 of every line.

    Parameters
    ----------
    lines : polars.DataFrame
        One row per line.
    text : str, default "text"
        The column holding the line (BOM and trailing CR removed).

    Returns
    -------
    polars.DataFrame
        The same rows, in the same order, with ``st_form`` (T1–T9, null when
        the line has no stamp), ``st_date`` (Date; null for time-only forms),
        ``st_tod`` (Int64 µs since midnight) and ``st_len`` (characters taken
        by the stamp and its separator) added.
    """
    base = lines.with_row_index("_i")
    narrow = base.select("_i", pl.col(text).alias("text"))
    found = []
    # The families (and the patterns inside one family) cannot match the same line,
    # so their hits are simply concatenated.
    for family, (candidate, patterns) in FAMILIES.items():
        cand = narrow.filter(candidate)
        for pattern in patterns:
            if cand.height:
                found.append(_family_frame(cand, family, pattern))
    if found:
        stamps = pl.concat(found)
        out = base.join(stamps, on="_i", how="left", maintain_order="left")
    else:
        out = base.with_columns([pl.lit(None, dtype=t).alias(c) for c, t in STAMP_SCHEMA.items()])
    return out.drop("_i")
