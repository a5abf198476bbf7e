"""Key-value lists (UserData, Extensions, Reason) as vectorized Polars expressions.

The log prints a list as ``AttributeX\\t[SIZE] b0 b1 b2 b3..`` followed by one
line per pair. SIZE and the four bytes follow the serialisation model of
log-formats.md §5.4: 2 bytes pair count, then per pair 1 type byte, 2 bytes
key length, the key, 2 bytes value length and the value (string bytes,
4 bytes for an integer, a nested list's serialisation plus 2 more bytes);
``b0 b1`` is the pair count (big-endian), ``b2`` the type of the first value
(00 string, 01 integer, 03 list) and ``b3`` the high byte of the first key
length (always 00).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

TYPE_BYTE = {"str": "00", "int": "01", "list": "03"}
_HEX = pl.Series([f"{i:02X}" for i in range(256)])


@dataclass
class Pair:
    """One pair of a list: ``kind`` is ``str``, ``int`` or ``list``.

    ``value`` is an expression (str/int) or, for a list, the nested pairs
    (all present). ``present`` selects the rows that carry the pair.
    """

    key: str
    kind: str
    value: pl.Expr | list = None
    present: pl.Expr = field(default_factory=lambda: pl.lit(True))


def _size(p: Pair) -> pl.Expr:
    head = 1 + 2 + len(p.key.encode()) + 2
    if p.kind == "str":
        return head + p.value.str.len_bytes().cast(pl.Int64)
    if p.kind == "int":
        return pl.lit(head + 4, pl.Int64)
    return head + nested_size(p.value) + 2


def nested_size(pairs: list[Pair]) -> pl.Expr:
    """Serialised size of a list whose pairs are all present."""
    return pl.sum_horizontal([pl.lit(2, pl.Int64), *[_size(p) for p in pairs]])


def _value_text(p: Pair) -> pl.Expr:
    if p.kind == "str":
        return pl.lit("'") + p.value + pl.lit("'")
    return p.value.cast(pl.String)


def _line(p: Pair, depth: int) -> pl.Expr:
    tabs = "\n" + "\t" * (depth + 1)
    if p.kind != "list":
        return pl.lit(f"{tabs}'{p.key}'\t") + _value_text(p)
    first, rest = p.value[0], p.value[1:]
    out = pl.lit(f"{tabs}'{p.key}'(list) '{first.key}'\t") + _value_text(first)
    for sub in rest:
        out = out + _line(sub, depth + 1)
    return out


def kv_attribute(name: str, pairs: list[Pair]) -> pl.Expr:
    """The text of ``\\tAttribute<name>\\t[SIZE] ..`` plus its pair lines, or null.

    Examples
    --------
    >>> df = pl.DataFrame({"v": [115]})
    >>> df.select(kv_attribute("Reason", [Pair("RTR", "int", pl.col("v"))])).item()
    "\\n\\tAttributeReason\\t[14] 00 01 01 00..\\n\\t\\t'RTR'\\t115"
    """
    present = [p.present.fill_null(False) for p in pairs]
    count = pl.sum_horizontal([c.cast(pl.Int64) for c in present])
    size = pl.sum_horizontal([pl.lit(2, pl.Int64)]
                             + [pl.when(c).then(_size(p)).otherwise(0) for c, p in zip(present, pairs)])
    first_type = pl.lit(None, pl.String)
    for c, p in reversed(list(zip(present, pairs))):
        first_type = pl.when(c).then(pl.lit(TYPE_BYTE[p.kind])).otherwise(first_type)
    lines = pl.concat_str([pl.when(c).then(_line(p, 1)) for c, p in zip(present, pairs)], ignore_nulls=True)
    header = pl.concat_str([
        pl.lit(f"\n\tAttribute{name}\t["), size.cast(pl.String), pl.lit("] "),
        pl.lit(_HEX).gather(count // 256), pl.lit(" "), pl.lit(_HEX).gather(count % 256), pl.lit(" "),
        first_type, pl.lit(" 00.."),
    ])
    return pl.when(count > 0).then(header + lines)
