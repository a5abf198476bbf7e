"""Regular-DN actions not related to interactions (DN-3 to DN-16, ACW-1, REG-3 to REG-9e).

Three independent per-DN state machines, each built as a stream of state
changes turned into intervals by :func:`statcli.derive.base.state_runs`:

* **login** — ``LoggedIn`` / ``LoggedOut`` plus ``AgentLogin`` (momentary) and
  ``AgentLogout`` (retrospective, carrying the ``LoggedIn`` it ends);
* **work state** — ``WaitForNextCall`` / ``NotReadyForNextCall`` /
  ``AfterCallWork`` (ACW requested during a call starts at that call's
  release, DN-13; an ACW is linked to the call it follows, ACW-1);
* **hook** — ``OffHook`` / ``OnHook``.

Registration snapshots (seed 001) feed the same streams with
``start_known = false``; a loss of monitoring closes all three
(``end_reason = monitoring_lost``). ``UserEvent`` is momentary on regular and
mediation DNs (DN-12, MED-8).
"""

from __future__ import annotations

import polars as pl

from statcli.derive.base import CLOSED, DeriveContext, order_events, state_runs
from statcli.derive.dn_types import dn_type_frame
from statcli.derive.registration import AGENT_STATUS_STATES, snapshots

WAIT, NOT_READY, ACW = "WaitForNextCall", "NotReadyForNextCall", "AfterCallWork"
#: AgentWorkMode values that make a login ready (DN-9); 3 = AfterCallWork (DN-11).
READY_WORK_MODES = (1, 2)
ACW_WORK_MODE = 3
#: Hook events → (state, end cause of the previous state) (DN-3, DN-4).
HOOK_EVENTS: dict[str, tuple[str, str]] = {
    "EventOffHook": ("OffHook", "off_hook"),
    "EventOnHook": ("OnHook", "on_hook"),
}
#: Events that establish / end a call on a DN, for DN-13 and ACW-1.
CALL_START_EVENTS = ("EventEstablished", "EventPartyChanged")
CALL_END_EVENTS = ("EventReleased", "EventAbandoned")
MONITORING_LOST = "monitoring_lost"

_BASE = ("source", "line")


def _lit(value, dtype=pl.String) -> pl.Expr:
    return pl.lit(value, dtype=dtype)


def _loss_rows(ctx: DeriveContext, dns: pl.DataFrame) -> pl.DataFrame:
    """CLOSED change rows at every loss of monitoring of the given DNs."""
    losses = ctx.monitoring_losses
    if losses is None or losses.height == 0:
        return pl.DataFrame()
    return (losses.join(dns, on="dn", how="semi")
            .select("dn", pl.col("lost_at").alias("ts"), pl.col("lost_ord").alias("ord"),
                    state=_lit(CLOSED), weak=pl.lit(False), start_known=pl.lit(True),
                    end_cause=_lit(MONITORING_LOST), source=_lit(None), line=_lit(None, pl.Int64)))


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    frames = [f for f in frames if f.height] or frames[:1]
    return pl.concat(frames, how="diagonal_relaxed")


def _ensure(df: pl.DataFrame, **defaults: pl.Expr) -> pl.DataFrame:
    """Add the columns a concat of possibly empty frames may lack."""
    return df.with_columns(**{k: v for k, v in defaults.items() if k not in df.columns})


# --- login ----------------------------------------------------------------------------

def _login_changes(ev: pl.DataFrame, snaps: pl.DataFrame, loss: pl.DataFrame) -> pl.DataFrame:
    """Login state per relevant event: ``in`` / ``out`` (DN-5, DN-6, REG-3, REG-9d, OBS-2)."""
    ev_cols = ("dn", "ts", "ord", "source", "line", "agent_id", "event")
    login = ev.filter(pl.col("event") == "EventAgentLogin").select(
        *ev_cols, queue=pl.col("this_queue").fill_null(""), kind=_lit("login"))
    logout = ev.filter(pl.col("event") == "EventAgentLogout").select(
        *ev_cols, queue=pl.col("this_queue"), kind=_lit("logout"))
    # OBS-2: agent-state evidence with an AgentID means someone is logged in.
    evidence = ev.filter(pl.col("event").is_in(["EventAgentReady", "EventAgentNotReady", "EventAgentAfterCallWork"])
                         & pl.col("agent_id").is_not_null()).select(
        *ev_cols, queue=_lit(None), kind=_lit("evidence"))
    # A registration answered by a DN-status EventAddressInfo says nothing itself (REG-2).
    snap = snaps.filter(~pl.col("answered")).select(
        "dn", "ts", "ord", "source", "line", "agent_id", "event", queue=_lit(None),
        kind=pl.when(pl.col("agent_id").is_not_null()).then(_lit("snap_in"))   # REG-3, REG-3a
        .when(pl.col("agent_info")).then(_lit("snap_out"))                     # REG-9d
        .otherwise(_lit("snap_weak_out")))                                     # DN-6, registration without agent
    lost = loss.select("dn", "ts", "ord", "source", "line", agent_id=_lit(None), event=_lit(None),
                       queue=_lit(None), kind=_lit("lost")) if loss.height else None
    rows = _concat([login, logout, evidence, snap] + ([lost] if lost is not None else [])).sort("ts", "ord")
    kind = pl.col("kind")
    # A DN can be logged in to several queues; a logout of one ends LoggedIn only
    # when no other explicit queue login remains (DN-5). A logout naming no
    # queue, REG-9d and a loss of monitoring reset the count.
    reset = ((kind == "logout") & pl.col("queue").is_null()) | kind.is_in(["snap_out", "lost"])
    explicit = kind.is_in(["login", "logout"]) & pl.col("queue").is_not_null() & (pl.col("queue") != "")
    is_in = (kind == "login").cast(pl.Int32)
    rows = rows.with_columns(_seg=(reset.cast(pl.Int32).cum_sum() - reset.cast(pl.Int32)).over("dn"))
    rows = rows.with_columns(_explicit=explicit)
    rows = rows.with_columns(_delta=pl.when(explicit).then(
        is_in - is_in.shift(1).over("dn", "_seg", "queue", "_explicit").fill_null(0)).otherwise(0))
    rows = rows.with_columns(_count=pl.col("_delta").cum_sum().over("dn", "_seg"))
    state = (pl.when(kind.is_in(["login", "evidence", "snap_in"])).then(_lit("LoggedIn"))
             .when(kind == "logout").then(pl.when(pl.col("queue").is_not_null() & (pl.col("_count") > 0))
                                          .then(_lit("LoggedIn"))
                                          .otherwise(_lit("LoggedOut")))
             .when(kind.is_in(["snap_out", "snap_weak_out"])).then(_lit("LoggedOut"))
             .otherwise(_lit(CLOSED)))
    end_cause = (pl.when(kind == "login").then(_lit("login"))
                 .when(kind == "logout").then(_lit("logout"))
                 .when(kind == "lost").then(_lit(MONITORING_LOST))
                 .otherwise(_lit("snapshot")))
    return rows.with_columns(
        state=state,
        weak=kind == "snap_weak_out",
        start_known=kind.is_in(["login", "logout"]),
        end_cause=end_cause,
    )


def login_runs(ev: pl.DataFrame, snaps: pl.DataFrame, loss: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """LoggedIn / LoggedOut runs, and the per-event login changes (for the work state)."""
    changes = _login_changes(ev, snaps, loss)
    runs = state_runs(changes, carry=("agent_id", "kind", *_BASE))
    return runs, changes


def _login_actions(runs: pl.DataFrame) -> pl.DataFrame:
    """LoggedIn / LoggedOut durables, AgentLogin (DN-7) and AgentLogout (DN-8)."""
    logged_in = pl.col("action") == "LoggedIn"
    login = runs.filter(logged_in & (pl.col("kind") == "login")).with_columns(
        action=_lit("AgentLogin"), end=pl.col("start"), end_reason=_lit(None))
    logout = runs.filter(logged_in & pl.col("end_reason").is_in(["logout", "snapshot"])).with_columns(
        action=_lit("AgentLogout"), source=pl.col("end_source"), line=pl.col("end_line"))
    durable = runs.with_columns(agent_id=pl.when(logged_in).then(pl.col("agent_id")))
    return pl.concat([durable, login, logout]).drop("kind")


def agent_sessions(actions: pl.DataFrame) -> pl.DataFrame:
    """``dn, agent_id, start, end`` of every LoggedIn (for attributing other rows to the agent).

    Examples
    --------
    >>> import polars as pl
    >>> rows = pl.DataFrame({"action": ["LoggedIn", "OnHook"], "dn": ["7001", "7001"],
    ...                      "agent_id": ["a1", None], "start": [1, 2], "end": [5, None]})
    >>> agent_sessions(rows).rows()
    [('7001', 'a1', 1, 5)]
    """
    return actions.filter(pl.col("action") == "LoggedIn").select("dn", "agent_id", "start", "end")


def attach_agent(rows: pl.DataFrame, sessions: pl.DataFrame) -> pl.DataFrame:
    """Fill ``agent_id`` of rows from the LoggedIn session going on at their start.

    A row starting exactly when a session starts belongs to it; one starting at
    its end does not.

    Examples
    --------
    >>> import polars as pl
    >>> s = pl.DataFrame({"dn": ["7001"], "agent_id": ["a1"], "start": [10], "end": [20]})
    >>> r = pl.DataFrame({"dn": ["7001"] * 3, "start": [5, 10, 20]})
    >>> attach_agent(r, s)["agent_id"].to_list()
    [None, 'a1', None]
    """
    if rows.height == 0:
        return rows.with_columns(agent_id=_lit(None)) if "agent_id" not in rows.columns else rows
    base = rows.drop("agent_id") if "agent_id" in rows.columns else rows
    own = rows["agent_id"] if "agent_id" in rows.columns else None
    s = sessions.select("dn", pl.col("agent_id").alias("_agent"), pl.col("start").alias("_s"),
                        pl.col("end").alias("_e")).sort("_s")
    joined = (base.with_row_index("_row").sort("start")
              .join_asof(s, left_on="start", right_on="_s", by="dn", strategy="backward", check_sortedness=False)
              .sort("_row"))
    inside = pl.col("_e").is_null() | (pl.col("start") < pl.col("_e"))
    out = joined.with_columns(agent_id=pl.when(inside).then(pl.col("_agent"))).drop("_row", "_agent", "_s", "_e")
    if own is not None:
        out = out.with_columns(agent_id=pl.coalesce(own, pl.col("agent_id")))
    return out


# --- work state -----------------------------------------------------------------------

def busy_periods(ev: pl.DataFrame) -> pl.DataFrame:
    """Per DN, the periods with at least one established call (for DN-13 and ACW-1).

    A call is established on a DN from its ``EventEstablished`` (or the
    ``EventPartyChanged`` that gives it a new ConnID) to its ``EventReleased`` /
    ``EventAbandoned``, or to the party change that replaces its ConnID.
    Overlapping calls merge into one period; ``conn_id`` is the call whose
    release ends the period (the "last call" of ACW-1).

    Returns
    -------
    polars.DataFrame
        ``dn, b_start, b_end, b_end_ord, conn_id`` (``b_end`` null while a call
        is still established at the end of the data).
    """
    calls = ev.filter(pl.col("conn_id").is_not_null())
    starts = (calls.filter(pl.col("event").is_in(CALL_START_EVENTS))
              .group_by("dn", "conn_id").agg(c_start=pl.col("ts").min(), c_start_ord=pl.col("ord").min()))
    ends = pl.concat([
        calls.filter(pl.col("event").is_in(CALL_END_EVENTS)).select("dn", "conn_id", "ts", "ord"),
        calls.filter((pl.col("event") == "EventPartyChanged") & pl.col("previous_conn_id").is_not_null())
        .select("dn", pl.col("previous_conn_id").alias("conn_id"), "ts", "ord"),
    ])
    first_end = (ends.join(starts, on=["dn", "conn_id"])
                 .filter(pl.col("ord") > pl.col("c_start_ord"))
                 .group_by("dn", "conn_id").agg(c_end=pl.col("ts").min(), c_end_ord=pl.col("ord").min()))
    far = pl.lit(2**62, dtype=pl.Int64)
    spans = (starts.join(first_end, on=["dn", "conn_id"], how="left")
             .with_columns(_end_key=pl.col("c_end_ord").fill_null(far))
             .sort("c_start_ord"))
    spans = spans.with_columns(_reach=pl.col("_end_key").cum_max().over("dn"))
    spans = spans.with_columns(
        _period=((pl.col("c_start_ord") > pl.col("_reach").shift(1).over("dn")).fill_null(True))
        .cast(pl.Int32).cum_sum().over("dn"))
    return (spans.group_by("dn", "_period")
            .agg(b_start=pl.col("c_start").min(),
                 b_end=pl.col("c_end").sort_by("_end_key").last(),
                 b_end_ord=pl.col("_end_key").max(),
                 conn_id=pl.col("conn_id").sort_by("_end_key").last())
            .with_columns(b_end=pl.when(pl.col("b_end_ord") < far).then(pl.col("b_end")),
                          b_end_ord=pl.when(pl.col("b_end_ord") < far).then(pl.col("b_end_ord")))
            .drop("_period").sort("b_start"))


def _defer_acw(requests: pl.DataFrame, busy: pl.DataFrame) -> pl.DataFrame:
    """DN-13: an ACW requested while a call is established starts at its release."""
    if requests.height == 0 or busy.height == 0:
        return requests.with_columns(link=_lit(None), sub=pl.lit(0, dtype=pl.Int8))
    b = busy.select("dn", "b_start", "b_end", "b_end_ord", pl.col("conn_id").alias("_conn"),
                    pl.col("b_start").alias("_bs")).sort("_bs")
    j = (requests.with_row_index("_row").sort("ts")
         .join_asof(b, left_on="ts", right_on="_bs", by="dn", strategy="backward", check_sortedness=False)
         .sort("_row"))
    during = pl.col("b_start").is_not_null() & (pl.col("b_end_ord").is_null() | (pl.col("b_end_ord") > pl.col("ord")))
    return (j.filter(~(during & pl.col("b_end").is_null()))  # call never released: ACW never starts
            .with_columns(
                ts=pl.when(during).then(pl.col("b_end")).otherwise(pl.col("ts")),
                ord=pl.when(during).then(pl.col("b_end_ord")).otherwise(pl.col("ord")),
                link=pl.when(during).then(pl.col("_conn")),
                # The deferred ACW starts after everything else the release does.
                sub=pl.when(during).then(pl.lit(1, dtype=pl.Int8)).otherwise(pl.lit(0, dtype=pl.Int8)),
            ).drop("_row", "b_start", "b_end", "b_end_ord", "_conn", "_bs"))


def _work_changes(ev: pl.DataFrame, snaps: pl.DataFrame, login_changes: pl.DataFrame,
                  loss: pl.DataFrame, busy: pl.DataFrame) -> pl.DataFrame:
    cols = ("dn", "ts", "ord", "source", "line")
    event, wm = pl.col("event"), pl.col("work_mode")
    acw_request = ((event == "EventAgentNotReady") & (wm == ACW_WORK_MODE)) | (event == "EventAgentAfterCallWork")
    direct = ev.filter(event.is_in(["EventAgentLogin", "EventAgentReady", "EventAgentNotReady"]) & ~acw_request)
    direct = direct.select(
        *cols,
        state=pl.when(event == "EventAgentReady").then(_lit(WAIT))
        .when((event == "EventAgentLogin") & wm.is_in(READY_WORK_MODES)).then(_lit(WAIT))
        .otherwise(_lit(NOT_READY)),   # DN-10, DN-16: every other work mode is NotReady
        end_cause=pl.when(event == "EventAgentReady").then(_lit("agent_ready"))
        .when(event == "EventAgentLogin").then(_lit("login")).otherwise(_lit("agent_not_ready")),
        start_known=pl.lit(True), origin=_lit("event"))
    acw = _defer_acw(ev.filter(acw_request).select(*cols), busy).select(
        *cols, "link", "sub", state=_lit(ACW), end_cause=_lit("after_call_work"), start_known=pl.lit(True),
        origin=_lit("event"))
    # REG-4 to REG-7, REG-9a: the snapshot's AgentStatus sets the work state.
    snap = snaps.filter(pl.col("snapshot") & pl.col("agent_id").is_not_null()).select(
        *cols,
        state=pl.col("agent_status").replace_strict(AGENT_STATUS_STATES, default=None, return_dtype=pl.String),
        end_cause=_lit("snapshot"), start_known=pl.lit(False), origin=_lit("snapshot"))
    # REG-9d (agent info but no AgentID) ends the work state whatever the status says.
    reg9d = snaps.filter(pl.col("snapshot") & pl.col("agent_info") & pl.col("agent_id").is_null()).select(
        *cols, state=_lit(CLOSED), end_cause=_lit("snapshot"), start_known=pl.lit(False), origin=_lit("snapshot"),
        sub=pl.lit(2, dtype=pl.Int8))
    snap = snap.filter(pl.col("state").is_not_null())
    logout = login_changes.filter((pl.col("kind") == "logout") & (pl.col("state") == "LoggedOut")).select(
        *cols, state=_lit(CLOSED), end_cause=_lit("logout"), start_known=pl.lit(True), origin=_lit("event"))
    frames = [direct, acw, snap, reg9d, logout]
    if loss.height:
        frames.append(loss.select(*cols, "state", "end_cause", "start_known", origin=_lit("event")))
    out = _ensure(_concat(frames), sub=pl.lit(0, dtype=pl.Int8), link=_lit(None))
    return out.with_columns(weak=pl.lit(False), sub=pl.col("sub").fill_null(0).cast(pl.Int8))


def _link_acw(runs: pl.DataFrame, busy: pl.DataFrame) -> pl.DataFrame:
    """ACW-1: link an AfterCallWork to the last call that ended before it on the DN."""
    acw = (pl.col("action") == ACW) & (pl.col("origin") == "event")
    if busy.height:
        done = (busy.filter(pl.col("b_end").is_not_null())
                .select("dn", pl.col("b_end_ord").alias("_e"), pl.col("conn_id").alias("_last")).sort("_e"))
        runs = (runs.with_row_index("_row").sort("start_ord")
                .join_asof(done, left_on="start_ord", right_on="_e", by="dn", strategy="backward",
                           check_sortedness=False)
                .sort("_row").drop("_row", "_e"))
    else:
        runs = runs.with_columns(_last=_lit(None))
    runs = runs.with_columns(conn_id=pl.when(acw).then(pl.coalesce("link", "_last")))
    # Each call attributes at most one ACW: the first one after it.
    first = pl.col("start_ord") == pl.col("start_ord").min().over("dn", "conn_id")
    return runs.with_columns(conn_id=pl.when(first).then(pl.col("conn_id"))).drop("_last", "link", "origin")


# --- hook and user events -------------------------------------------------------------

def _hook_changes(ev: pl.DataFrame, snaps: pl.DataFrame, loss: pl.DataFrame) -> pl.DataFrame:
    cols = ("dn", "ts", "ord", "source", "line")
    table = pl.DataFrame([(e, s, c) for e, (s, c) in HOOK_EVENTS.items()],
                         schema={"event": pl.String, "state": pl.String, "end_cause": pl.String}, orient="row")
    hook = ev.join(table, on="event").select(*cols, "state", "end_cause", weak=pl.lit(False),
                                             start_known=pl.lit(True))
    # DN-3: a registration starts OnHook unless something is already known.
    reg = snaps.select(*cols, state=_lit("OnHook"), end_cause=_lit("registration"), weak=pl.lit(True),
                       start_known=pl.lit(False))
    frames = [hook, reg] + ([loss.select(*cols, "state", "end_cause", "weak", "start_known")] if loss.height else [])
    return _concat(frames)


def derive_user_events(events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """``UserEvent`` (momentary) on regular DNs (DN-12) and mediation DNs (MED-8).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from statcli.schema import EVENTS, conform
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> ev = conform(pl.DataFrame({"ts": [t, t], "event": ["EventUserEvent"] * 2,
    ...                            "this_dn": ["7001", "7000"]}), EVENTS)
    >>> ctx = DeriveContext(dn_types={"7001": "Extension", "7000": "ACDQueue"})
    >>> derive_user_events(ev, ctx).select("dn", "scope").sort("dn").rows()
    [('7000', 'mediation_dn'), ('7001', 'regular_dn')]
    """
    types = dn_type_frame(ctx.dn_types)
    return (events.filter((pl.col("event") == "EventUserEvent") & pl.col("this_dn").is_not_null())
            .select(pl.col("this_dn").alias("dn"), pl.col("ts").alias("start"), "user_data", "source", "line")
            .join(types, on="dn", how="left")
            .with_columns(action=_lit("UserEvent"), end=pl.col("start"),
                          dn_type=pl.col("dn_type").fill_null("Extension"),
                          scope=pl.col("scope").fill_null("regular_dn"),
                          object_type=pl.col("object_type").fill_null("RegDN"),
                          object_id=pl.col("dn"))
            .drop("mediation"))


# --- the family -----------------------------------------------------------------------

def _regular_events(events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    types = dn_type_frame(ctx.dn_types)
    regular = types.filter(~pl.col("mediation")).select("dn")
    return (order_events(events).filter(pl.col("this_dn").is_not_null())
            .rename({"this_dn": "dn"}).join(regular, on="dn", how="semi"))


def derive_agent_state(events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """Raw agent-state, hook and user-event rows of regular DNs.

    Derives ``LoggedIn``, ``LoggedOut``, ``AgentLogin``, ``AgentLogout``,
    ``WaitForNextCall``, ``NotReadyForNextCall``, ``AfterCallWork``,
    ``OffHook``, ``OnHook`` (regular DNs) and ``UserEvent`` (all DNs), from
    agent events and registration snapshots (seed 001).

    Parameters
    ----------
    events : polars.DataFrame
        The ``events`` table (conformed to :data:`statcli.schema.EVENTS`).
    ctx : DeriveContext
        ``dn_types`` decides which DNs are regular; ``monitoring_losses``
        closes running actions (REG-10).

    Returns
    -------
    polars.DataFrame
        Raw action rows for :func:`statcli.derive.base.finalize_actions`:
        ``object_type, object_id, dn, dn_type, scope, action, start, end,
        end_reason, start_known, agent_id, conn_id, source, line`` (and
        ``user_data`` on ``UserEvent``). ``AfterCallWork`` carries in
        ``conn_id`` the call it is linked to (ACW-1), if any.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from statcli.schema import EVENTS, conform
    >>> t = [datetime(2026, 1, 1, 10, 0, s, tzinfo=timezone.utc) for s in (0, 5)]
    >>> ev = conform(pl.DataFrame({"ts": t, "event": ["EventAgentLogin", "EventAgentReady"],
    ...     "this_dn": ["7001"] * 2, "agent_id": ["a1001"] * 2, "work_mode": [0, None]}), EVENTS)
    >>> rows = derive_agent_state(ev, DeriveContext(dn_types={"7001": "Extension"}))
    >>> rows.sort("start", "action").select("action", "end_reason").rows()
    [('AgentLogin', None), ('LoggedIn', None), ('NotReadyForNextCall', 'agent_ready'), ('WaitForNextCall', None)]
    """
    ev = _regular_events(events, ctx)
    snaps = snapshots(ev.rename({"dn": "this_dn"}))
    loss = _loss_rows(ctx, ev.select("dn").unique())
    busy = busy_periods(ev)

    logins, login_changes = login_runs(ev, snaps, loss)
    login_rows = _login_actions(logins)
    work = state_runs(_work_changes(ev, snaps, login_changes, loss, busy), carry=("link", "origin", *_BASE))
    work = _link_acw(work, busy)
    hook = state_runs(_hook_changes(ev, snaps, loss), carry=_BASE)

    sessions = agent_sessions(login_rows)
    rows = _concat([login_rows, attach_agent(work, sessions), attach_agent(hook, sessions)])
    user = derive_user_events(events, ctx)
    types = dn_type_frame(ctx.dn_types)
    rows = (rows.join(types, on="dn", how="left")
            .with_columns(object_type=pl.col("object_type").fill_null("RegDN"),
                          scope=pl.col("scope").fill_null("regular_dn"),
                          dn_type=pl.col("dn_type").fill_null("Extension"),
                          object_id=pl.col("dn"))
            .drop("mediation", "start_ord", "end_ord", "end_source", "end_line"))
    if user.height:
        user = attach_agent(user, sessions)
    return _concat([rows, user])
