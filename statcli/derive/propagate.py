"""Propagation of DN actions to agents, places and groups (reference §3.1).

Every DN action also counts for the objects above the DN. The rules are data
(:func:`statcli.catalog.statuses.propagation_rules`, PROP-2 to PROP-6), applied
in order so that group copies are made from agent and place copies:

* **Agent** (PROP-3, PROP-8, PROP-9): the agent logged in on the DN at that
  moment. Login sessions are the ``LoggedIn`` actions of the DN (DN-5) with
  their ``agent_id``. A durable action is copied once per session it overlaps,
  clipped to the session; a copy cut by the logout ends with
  ``end_reason = agent_logged_out``. An instantaneous action goes to its own
  ``agent_id`` when the derivation set one (so ``AgentLogout`` and the
  retrospective actions of the logout event go to the agent being logged
  out), else to the session that contains its instant. On a DN without any
  ``LoggedIn`` action, rows that carry an ``agent_id`` go to that agent
  unclipped. An agent moving between places simply has sessions on DNs of
  different places.
* **Place** (PROP-2): the place that owns the DN (configured or inferred); a
  place with several DNs receives the actions of all of them.
* **GroupAgents / GroupPlaces / GroupQueues** (PROP-4 to PROP-6): every group
  that contains the agent, place or mediation DN. An action reaches a group
  once (PROP-10): pieces of one action that reach a group through several
  sessions or members are merged into one row spanning them.

Propagated rows keep ``dn``, ``dn_type``, ``conn_id`` and the other columns,
get a new unique ``action_id`` and ``origin_id`` = the original row's id.
Tenant (PROP-7) and campaign telephony (PROP-11) are not produced.
"""

from __future__ import annotations

import polars as pl

from statcli.catalog.statuses import propagation_rules
from statcli.objects import Objects
from statcli.schema import ACTIONS, conform

#: end_reason of an agent copy cut short by the agent's logout (PROP-8).
LOGOUT_REASON = "agent_logged_out"
#: Object types that propagation creates (rows of these types with an origin are replaced).
PROPAGATED_TYPES = ("Agent", "Place", "GroupAgents", "GroupPlaces", "GroupQueues")


def login_sessions(actions: pl.DataFrame) -> pl.DataFrame:
    """Agent login sessions per DN, from the DN's ``LoggedIn`` actions (DN-5).

    Returns
    -------
    polars.DataFrame
        ``dn, agent_id, s_start, s_end`` (``s_end`` null while still logged in).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from statcli.schema import ACTIONS, conform
    >>> t = datetime(2026, 1, 1, 10, tzinfo=timezone.utc)
    >>> a = conform(pl.DataFrame({"object_type": ["RegDN"], "object_id": ["7001"], "dn": ["7001"],
    ...     "action": ["LoggedIn"], "kind": ["durable"], "agent_id": ["a1"], "start": [t]}), ACTIONS)
    >>> login_sessions(a).row(0)[:2]
    ('7001', 'a1')
    """
    return (
        actions.lazy()
        .filter((pl.col("object_type") == "RegDN") & (pl.col("action") == "LoggedIn")
                & (pl.col("kind") == "durable") & pl.col("origin_id").is_null()
                & pl.col("agent_id").is_not_null())
        .select("dn", "agent_id", s_start=pl.col("start"), s_end=pl.col("end"))
        .unique()
        .sort("dn", "s_start")
        .collect()
    )


def memberships(objects: Objects | None) -> pl.DataFrame:
    """``via, member, object_id`` rows for every configured mapping the rules name.

    ``via`` is ``places`` (DN → place), ``agent_groups`` (agent → group),
    ``place_groups`` (place → group) or ``queue_groups`` (DN → group).

    Examples
    --------
    >>> memberships(Objects(places={"P1": ["7001", "7002"]})).rows()
    [('places', '7001', 'P1'), ('places', '7002', 'P1')]
    """
    rows: list[tuple[str, str, str]] = []
    if objects is not None:
        for via in ("places", "agent_groups", "place_groups", "queue_groups"):
            for owner, members in getattr(objects, via).items():
                rows += [(via, str(m), str(owner)) for m in members]
    return pl.DataFrame(rows, schema={"via": pl.String, "member": pl.String, "object_id": pl.String},
                        orient="row").unique(maintain_order=True)


def _open_min(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """min of two end times where null means 'still open' (+infinity)."""
    return pl.when(a.is_null()).then(b).when(b.is_null()).then(a).otherwise(pl.min_horizontal(a, b))


def _agent_copies(src: pl.DataFrame, sessions: pl.DataFrame) -> pl.DataFrame:
    durable = pl.col("kind") == "durable"
    session_dns = sessions["dn"].unique()
    on_session_dn = pl.col("dn").is_in(session_dns.implode())
    # Durable actions: one copy per overlapping session, clipped to it (PROP-8).
    clipped = (
        src.filter(durable & on_session_dn).drop("agent_id")
        .join(sessions, on="dn", how="inner")
        .filter((pl.col("end").is_null() | (pl.col("end") > pl.col("s_start")))
                & (pl.col("s_end").is_null() | (pl.col("start") < pl.col("s_end"))))
        .with_columns(
            end_reason=pl.when(pl.col("s_end").is_not_null()
                               & (pl.col("end").is_null() | (pl.col("end") > pl.col("s_end"))))
            .then(pl.lit(LOGOUT_REASON)).otherwise(pl.col("end_reason")),
            start=pl.max_horizontal("start", "s_start"),
            end=_open_min(pl.col("end"), pl.col("s_end")),
        )
        .drop("s_start", "s_end")
    )
    # Rows that name their agent: durable rows on DNs without sessions, and
    # instantaneous rows (the logout's own actions go to the agent logged out, PROP-9).
    named = src.filter(pl.col("agent_id").is_not_null() & (~on_session_dn | ~durable))
    # Instantaneous rows without an agent: the session containing the instant.
    instant = src.filter(~durable & pl.col("agent_id").is_null() & on_session_dn).drop("agent_id")
    by_session = (
        instant.join(sessions, on="dn", how="inner")
        .filter((pl.col("s_start") <= pl.col("end"))
                & (pl.col("s_end").is_null() | (pl.col("end") < pl.col("s_end"))))
        .drop("s_start", "s_end")
    )
    cols = src.columns
    return (pl.concat([clipped.select(cols), named.select(cols), by_session.select(cols)])
            .with_columns(object_type=pl.lit("Agent"), object_id=pl.col("agent_id")))


def _member_copies(src: pl.DataFrame, links: pl.DataFrame, key: str, to_type: str) -> pl.DataFrame:
    if not src.height or not links.height:
        return src.clear()
    cols = src.columns
    hit = (src.join(links.select(pl.col("member").alias(key), pl.col("object_id").alias("_to")),
                    on=key, how="inner")
           .with_columns(object_type=pl.lit(to_type), object_id=pl.col("_to")))
    # PROP-10: one action instance reaches a group (or place) once.
    first = [pl.col(c).first() for c in cols if c not in ("object_type", "object_id", "origin_id",
                                                          "start", "end")]
    return (hit.group_by("object_type", "object_id", "origin_id", maintain_order=True)
            .agg(*first, start=pl.col("start").min(),
                 end=pl.when(pl.col("end").is_null().any()).then(None).otherwise(pl.col("end").max()))
            .select(cols))


def propagate_actions(actions: pl.DataFrame, objects: Objects | None = None) -> pl.DataFrame:
    """Add the Agent, Place, GroupAgents, GroupPlaces and GroupQueues copies of DN actions.

    Parameters
    ----------
    actions : polars.DataFrame
        The ``actions`` table (DN rows; earlier propagated copies are replaced,
        so the function is idempotent).
    objects : Objects, optional
        Places and groups (configured and/or inferred). Without it only Agent
        copies are made (agents are known from the logins).

    Returns
    -------
    polars.DataFrame
        ``actions`` followed by the copies, conformed to
        :data:`statcli.schema.ACTIONS`; copies have a new ``action_id`` and
        ``origin_id`` = the original row's ``action_id``.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from statcli.schema import ACTIONS, conform
    >>> t = datetime(2026, 1, 1, 10, tzinfo=timezone.utc)
    >>> a = conform(pl.DataFrame({"object_type": ["RegDN"] * 2, "object_id": ["7001"] * 2,
    ...     "dn": ["7001"] * 2, "action": ["LoggedIn", "AgentLogin"], "kind": ["durable", "momentary"],
    ...     "agent_id": ["a1", "a1"], "start": [t, t], "end": [None, t], "action_id": [0, 1]}), ACTIONS)
    >>> out = propagate_actions(a, Objects(places={"P1": ["7001"]}))
    >>> out.select("object_type", "object_id", "action", "origin_id").tail(4).rows()
    [('Agent', 'a1', 'LoggedIn', 0), ('Agent', 'a1', 'AgentLogin', 1), ('Place', 'P1', 'LoggedIn', 0), ('Place', 'P1', 'AgentLogin', 1)]
    """
    base = conform(actions, ACTIONS).filter(
        ~(pl.col("object_type").is_in(PROPAGATED_TYPES) & pl.col("origin_id").is_not_null()))
    if not base.height:
        return base
    src = base.filter(pl.col("origin_id").is_null()).with_columns(origin_id=pl.col("action_id"))
    links = memberships(objects)
    made: dict[str, list[pl.DataFrame]] = {}
    for rule in propagation_rules().iter_rows(named=True):
        from_type, to_type = rule["from_object_type"], rule["to_object_type"]
        pool = pl.concat([src, *made.get(from_type, [])])
        pool = pool.filter(pl.col("object_type") == from_type)
        if rule["via"] == "login_session":
            copies = _agent_copies(pool, login_sessions(base))
        else:
            copies = _member_copies(pool, links.filter(pl.col("via") == rule["via"]), rule["key"], to_type)
        made.setdefault(to_type, []).append(copies)
    copies = pl.concat([f for frames in made.values() for f in frames])
    if not copies.height:
        return base
    first_id = (base["action_id"].max() or 0) + 1 if base["action_id"].is_not_null().any() else 0
    copies = copies.with_columns(
        duration=pl.col("end") - pl.col("start"),
        duration_s=pl.col("end").dt.epoch("s") - pl.col("start").dt.epoch("s"),
        action_id=pl.int_range(pl.len(), dtype=pl.Int64) + first_id,
    )
    return conform(pl.concat([base, conform(copies, ACTIONS)]), ACTIONS)
