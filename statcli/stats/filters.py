"""Stat filters (reference §5.8) compiled into Polars expressions.

Grammar::

    filter  := term { "|" term }
    term    := factor { "&" factor }
    factor  := "!" factor | "(" filter ")" | call
    call    := NAME "(" [ arg { "," arg } ] ")"
    arg     := '"' text '"' | bare-token

Functions and the columns they read are a table (:data:`FUNCTIONS`);
comparisons are exact and case-sensitive on the text form of values. A column
the frame does not have makes the test false (the data is unknown).
"""

from __future__ import annotations

import re

import polars as pl

from statcli.errors import UserError

#: function -> (column, test, number of arguments). Tests: pair / key on a key-value
#: list column, eq on a scalar column, extpair on the Extensions list.
FUNCTIONS: dict[str, tuple[str, str, int]] = {
    "pairexists": ("user_data", "pair", 2),
    "keyexists": ("user_data", "key", 1),
    "reasonpairexists": ("reasons", "pair", 2),
    "reasonkeyexists": ("reasons", "key", 1),
    "extensionreasoncode": ("extensions", "reasoncode", 1),
    "dnis": ("dnis", "eq", 1),
    "ani": ("ani", "eq", 1),
    "customerid": ("customer_id", "eq", 1),
    "mediatype": ("media_type", "eq", 1),
    "thisqueue": ("this_queue", "eq", 1),
    "treatmenttype": ("treatment_type", "eq", 1),
}

_TOKEN = re.compile(r'\s*(?:(?P<str>"[^"]*")|(?P<op>[|&!(),])|(?P<word>[^\s|&!(),"]+))')


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise UserError(f"filter {text!r}: cannot read at {text[pos:]!r}")
        kind = m.lastgroup
        val = m.group(kind)
        out.append((kind, val[1:-1] if kind == "str" else val))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


def _test(func: str, args: list[str], columns: set[str] | None) -> pl.Expr:
    col, test, nargs = FUNCTIONS[func]
    if len(args) != nargs:
        raise UserError(f"filter function {func}: expects {nargs} argument(s), got {len(args)}")
    if columns is not None and col not in columns:
        return pl.lit(False)
    if test == "eq":
        return (pl.col(col).cast(pl.String) == args[0]).fill_null(False)
    key = pl.element().struct.field("key")
    value = pl.element().struct.field("value")
    if test == "pair":
        cond = (key == args[0]) & (value == args[1])
    elif test == "key":
        cond = key == args[0]
    else:
        cond = (key == "ReasonCode") & (value == args[0])
    return pl.col(col).list.eval(cond).list.any().fill_null(False)


def compile_filter(text: str, columns: set[str] | None = None) -> pl.Expr:
    """Compile a filter condition to a boolean Polars expression.

    Parameters
    ----------
    text : str
        E.g. ``PairExists("Language","Spanish") & !KeyExists(VIP)``.
    columns : set of str, optional
        Columns of the frame the expression will run on; tests on absent
        columns are false.

    Raises
    ------
    UserError
        Syntax error or unknown function.

    Examples
    --------
    >>> import polars as pl
    >>> from statcli.schema import KV_LIST
    >>> df = pl.DataFrame({"user_data": [[{"key": "Language", "value": "Spanish"}], []]},
    ...                   schema={"user_data": KV_LIST})
    >>> df.select(ok=compile_filter('PairExists("Language","Spanish")'))["ok"].to_list()
    [True, False]
    >>> df.select(ok=compile_filter('!KeyExists(Language) | DNIS(800)', set(df.columns)))["ok"].to_list()
    [False, True]
    """
    toks = _tokens(text)
    pos = 0

    def peek() -> tuple[str, str] | None:
        return toks[pos] if pos < len(toks) else None

    def take(expected: str | None = None) -> tuple[str, str]:
        nonlocal pos
        tok = peek()
        if tok is None or (expected is not None and tok[1] != expected):
            raise UserError(f"filter {text!r}: expected {expected or 'more'} at token {pos + 1}")
        pos += 1
        return tok

    def parse_filter() -> pl.Expr:
        expr = parse_term()
        while peek() == ("op", "|"):
            take()
            expr = expr | parse_term()
        return expr

    def parse_term() -> pl.Expr:
        expr = parse_factor()
        while peek() == ("op", "&"):
            take()
            expr = expr & parse_factor()
        return expr

    def parse_factor() -> pl.Expr:
        tok = take()
        if tok == ("op", "!"):
            return ~parse_factor()
        if tok == ("op", "("):
            expr = parse_filter()
            take(")")
            return expr
        if tok[0] != "word":
            raise UserError(f"filter {text!r}: unexpected {tok[1]!r}")
        func = tok[1].lower()
        if func not in FUNCTIONS:
            raise UserError(f"filter {text!r}: unknown function {tok[1]!r} "
                            f"(known: PairExists, KeyExists, DNIS, ANI, CustomerID, MediaType, "
                            f"ThisQueue, TreatmentType, ReasonPairExists, ReasonKeyExists, "
                            f"ExtensionReasonCode)")
        take("(")
        args: list[str] = []
        if peek() != ("op", ")"):
            while True:
                kind, val = take()
                if kind == "op":
                    raise UserError(f"filter {text!r}: unexpected {val!r} in arguments of {tok[1]}")
                args.append(val)
                if peek() == ("op", ","):
                    take()
                    continue
                break
        take(")")
        return _test(func, args, columns)

    if not toks:
        raise UserError("empty filter")
    expr = parse_filter()
    if pos != len(toks):
        raise UserError(f"filter {text!r}: unexpected {toks[pos][1]!r}")
    return expr
