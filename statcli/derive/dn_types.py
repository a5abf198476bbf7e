"""DN types: configured, else inferred from the events (OBJ-1).

Stat Server knows each DN's type from Configuration Server; offline statcli
takes it from the objects file and infers the rest from what the DN does:

1. a DN with ``EventRouteRequest`` / ``EventRouteUsed`` is a ``RoutingPoint``;
2. a DN whose ``EventQueued`` / ``EventDiverted`` come from URS (Extensions
   ``SIGNATURE = router`` or a ``VQID`` key) is a ``VirtualQueue``;
3. any other DN with ``EventQueued`` as ThisDN is an ``ACDQueue``;
4. every other DN seen as ThisDN is an ``Extension`` (a regular DN).

Configured types always win. Which types follow the mediation-DN rules is
:data:`statcli.objects.MEDIATION_DN_TYPES` (re-exported here as
:data:`MEDIATION_TYPES`).
"""

from __future__ import annotations

import polars as pl

from statcli.objects import MEDIATION_DN_TYPES, Objects

#: DN types whose actions follow the mediation-DN rules (seed 002).
MEDIATION_TYPES: tuple[str, ...] = MEDIATION_DN_TYPES

#: Stat Server object type of a DN's own actions, by DN type (seed 002, §1.5);
#: every type not listed here is a regular DN (``RegDN``).
OBJECT_TYPES: dict[str, str] = {
    "ACDQueue": "Queue",
    "VirtualQueue": "Queue",
    "RoutingQueue": "RoutePoint",
    "RoutingPoint": "RoutePoint",
    "ServiceNumber": "RoutePoint",
}
#: Catalog scope of a DN's actions, by DN type (other types: ``regular_dn``).
SCOPES: dict[str, str] = {t: "mediation_dn" for t in MEDIATION_DN_TYPES} | {"VirtualQueue": "virtual_queue"}

_ROUTING_EVENTS = ("EventRouteRequest", "EventRouteUsed")
_QUEUE_EVENTS = ("EventQueued", "EventDiverted")
# Inference order: a higher rank wins when one DN shows several signs.
_RANK = {"RoutingPoint": 3, "VirtualQueue": 2, "ACDQueue": 1, "Extension": 0}


def _kv_has(col: str, key: str, value: str | None = None) -> pl.Expr:
    """True when the key-value list ``col`` holds ``key`` (with ``value``)."""
    hit = pl.element().struct.field("key") == key
    if value is not None:
        hit = hit & (pl.element().struct.field("value") == value)
    return pl.col(col).list.eval(hit).list.any().fill_null(False)


def dn_type_expr(events: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Per-event inferred DN type of ``this_dn`` before the per-DN vote (internal)."""
    lf = events.lazy()
    names = lf.collect_schema().names()
    event = pl.col("event")
    # URS-distributed events are logged as RequestDistributeEvent naming the
    # event in AttributeUserEvent; count either shape.
    effective = (pl.coalesce(pl.col("user_event"), event) if "user_event" in names else event)
    urs = pl.lit(False)
    if "extensions" in names:
        urs = _kv_has("extensions", "SIGNATURE", "router") | _kv_has("extensions", "VQID")
    inferred = (
        pl.when(effective.is_in(_ROUTING_EVENTS)).then(pl.lit("RoutingPoint"))
        .when(effective.is_in(_QUEUE_EVENTS) & urs).then(pl.lit("VirtualQueue"))
        .when(effective == "EventQueued").then(pl.lit("ACDQueue"))
        .otherwise(pl.lit("Extension"))
    )
    return lf.filter(pl.col("this_dn").is_not_null()).select(pl.col("this_dn").alias("dn"),
                                                             inferred.alias("dn_type"))


def infer_dn_types(events: pl.DataFrame | pl.LazyFrame, objects: Objects | None = None) -> dict[str, str]:
    """DN → DN type for every DN seen as ThisDN, plus every configured DN (OBJ-1).

    Parameters
    ----------
    events : polars.DataFrame or polars.LazyFrame
        The ``events`` table (needs ``event`` and ``this_dn``; ``user_event``
        and ``extensions`` are used when present).
    objects : Objects, optional
        The objects configuration; its ``dn_types`` win over inference.

    Returns
    -------
    dict
        DN → one of ``Extension``, ``ACDQueue``, ``RoutingPoint``,
        ``VirtualQueue`` or a configured type.

    Examples
    --------
    >>> import polars as pl
    >>> ev = pl.DataFrame({"event": ["EventRouteRequest", "EventQueued", "EventRinging"],
    ...                    "this_dn": ["5000", "7000", "7001"]})
    >>> infer_dn_types(ev)
    {'5000': 'RoutingPoint', '7000': 'ACDQueue', '7001': 'Extension'}
    >>> infer_dn_types(ev, Objects(dn_types={"7001": "ACDPosition"}))["7001"]
    'ACDPosition'
    """
    rank = pl.col("dn_type").replace_strict(_RANK, return_dtype=pl.Int8)
    voted = (
        dn_type_expr(events)
        .with_columns(rank=rank)
        .group_by("dn")
        .agg(pl.col("dn_type").sort_by("rank").last())
        .sort("dn")
        .collect()
    )
    types = dict(zip(voted["dn"].to_list(), voted["dn_type"].to_list()))
    if objects is not None:
        types.update(objects.dn_types)
    return types


def is_mediation(dn_type: str | None) -> bool:
    """Whether a DN type follows the mediation-DN rules.

    Examples
    --------
    >>> is_mediation("ACDQueue"), is_mediation("Extension")
    (True, False)
    """
    return dn_type in MEDIATION_TYPES


def dn_type_frame(dn_types: dict[str, str]) -> pl.DataFrame:
    """The mapping as a join-ready frame ``dn, dn_type, mediation, scope, object_type``.

    Join it on ``dn`` to give raw action rows their DN type, catalog scope and
    Stat Server object type in one step.

    Examples
    --------
    >>> dn_type_frame({"7000": "ACDQueue"}).row(0)
    ('7000', 'ACDQueue', True, 'mediation_dn', 'Queue')
    >>> dn_type_frame({"7001": "Extension", "VQ": "VirtualQueue"})["object_type"].to_list()
    ['RegDN', 'Queue']
    """
    return pl.DataFrame(
        {"dn": list(dn_types), "dn_type": list(dn_types.values())},
        schema={"dn": pl.String, "dn_type": pl.String},
    ).with_columns(
        mediation=pl.col("dn_type").is_in(MEDIATION_TYPES),
        scope=pl.col("dn_type").replace_strict(SCOPES, default="regular_dn", return_dtype=pl.String),
        object_type=pl.col("dn_type").replace_strict(OBJECT_TYPES, default="RegDN", return_dtype=pl.String),
    )
