"""Call release tracking (seed 003; reference §2.4, REL-1 to REL-6).

T-Server reports who released a call in two independent ways: DN-based
(``ReleasingParty`` in the Extensions of ``EventReleased`` / ``EventAbandoned``,
already decoded by the parser into the ``releasing_party`` column) and
call-based (``AttributeCtrlParty`` of ``EventCallPartyDeleted`` /
``EventCallDeleted``). :func:`release_tracking` resolves one ``released_by``
value per releasing event, DN-based first (REL-2), call-based within
:data:`MATCH_WINDOW` as the fallback (REL-3), null otherwise (REL-4).
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

#: The TEvents that release a call on a DN (DN-based reporting, seed 003).
RELEASE_EVENTS = ("EventReleased", "EventAbandoned")
#: How far apart a DN release and its call-based report may be (REL-3, [rec L]).
MATCH_WINDOW = timedelta(seconds=2)
#: Leading digit of ReleasingParty → value (REL-2); the parser normally decodes it already.
RELEASING_PARTY = {"1": "local", "2": "remote", "3": "unknown"}


def releasing_party_value(col: str = "releasing_party") -> pl.Expr:
    """``local`` / ``remote`` / ``unknown`` from a decoded or raw ReleasingParty (REL-2).

    Accepts the decoded names and the raw forms ``'2 Remote'`` / ``2``.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"releasing_party": ["2 Remote", "1", "unknown", None]})
    >>> df.select(releasing_party_value()).to_series().to_list()
    ['remote', 'local', 'unknown', None]
    """
    raw = pl.col(col).str.strip_chars().str.strip_chars("'\"").str.to_lowercase()
    digit = raw.str.slice(0, 1).replace_strict(RELEASING_PARTY, default=None, return_dtype=pl.String)
    return pl.when(raw.is_in(list(RELEASING_PARTY.values()))).then(raw).otherwise(digit).alias(col)


def _call_based(events: pl.DataFrame | pl.LazyFrame, event: str, by: list[str]) -> pl.DataFrame:
    rows = events.lazy().filter((pl.col("event") == event) & pl.col("ctrl_party").is_not_null()
                                & pl.col("conn_id").is_not_null())
    return (rows.select(*[pl.col(c).alias(f"_k_{c}") for c in by], pl.col("ts").alias("_cb_ts"),
                        pl.col("ctrl_party").alias("_ctrl"))
            .sort("_cb_ts").collect())


def release_tracking(events: pl.DataFrame) -> pl.DataFrame:
    """``released_by`` and ``released_by_dn`` of every DN release event.

    Parameters
    ----------
    events : polars.DataFrame
        The ``events`` table (``event``, ``ts``, ``this_dn``, ``conn_id``,
        ``releasing_party``, ``ctrl_party`` are used).

    Returns
    -------
    polars.DataFrame
        One row per ``EventReleased`` / ``EventAbandoned`` with a DN and a
        ConnID: ``event_index`` (its row position in ``events``), ``this_dn``, ``conn_id``, ``ts``, ``line``, ``source``,
        ``released_by`` (``local`` / ``remote`` / ``unknown`` / null) and
        ``released_by_dn`` (the raw ``CtrlParty`` of the matched call-based
        event, whenever one matched).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from statcli.schema import EVENTS, conform
    >>> t = lambda s: datetime(2026, 1, 1, 10, 0, s, tzinfo=timezone.utc)
    >>> ev = conform(pl.DataFrame({
    ...     "ts": [t(0), t(1)], "event": ["EventReleased", "EventCallDeleted"],
    ...     "this_dn": ["7001", None], "conn_id": ["c1", "c1"], "ctrl_party": [None, "7001"]}), EVENTS)
    >>> release_tracking(ev).select("released_by", "released_by_dn").row(0)
    ('local', '7001')
    """
    rel = (events.lazy().with_row_index("event_index").filter(pl.col("event").is_in(RELEASE_EVENTS) & pl.col("this_dn").is_not_null()
                                & pl.col("conn_id").is_not_null())
           .select("event_index", "ts", "this_dn", "conn_id", "source", "line", releasing_party_value())
           .with_row_index("_rid")
           .sort("ts").collect())
    party = _call_based(events, "EventCallPartyDeleted", ["conn_id", "this_dn"])
    call = _call_based(events, "EventCallDeleted", ["conn_id"])
    kw = dict(left_on="ts", right_on="_cb_ts", strategy="nearest", tolerance=MATCH_WINDOW,
              check_sortedness=False)
    # A CallPartyDeleted that names no DN can only be matched by the ConnID.
    party_any = _call_based(events.lazy().filter(pl.col("this_dn").is_null()), "EventCallPartyDeleted",
                            ["conn_id"])
    joined = (
        rel.join_asof(party, by_left=["conn_id", "this_dn"], by_right=["_k_conn_id", "_k_this_dn"], **kw)
        .rename({"_ctrl": "_ctrl_party"}).drop("_cb_ts")
        .join_asof(party_any, by_left="conn_id", by_right="_k_conn_id", **kw)
        .rename({"_ctrl": "_ctrl_party_any"}).drop("_cb_ts")
        .join_asof(call, by_left="conn_id", by_right="_k_conn_id", **kw)
        .rename({"_ctrl": "_ctrl_call"}).drop("_cb_ts")
    )
    ctrl = pl.coalesce("_ctrl_party", "_ctrl_party_any", "_ctrl_call")
    fallback = (pl.when(ctrl.is_null()).then(None)
                .when(ctrl == pl.col("this_dn")).then(pl.lit("local"))
                .otherwise(pl.lit("remote")))
    return (joined.with_columns(released_by=pl.coalesce("releasing_party", fallback), released_by_dn=ctrl)
            .sort("_rid")
            .select("event_index", "ts", "this_dn", "conn_id", "source", "line", "released_by", "released_by_dn"))
