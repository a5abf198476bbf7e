"""Turn the drawn timeline into TEvents: one table row per event, vectorized.

Every call flow is a fixed list of steps. A step is one Polars ``select`` over
all cycles of that flow (time offset, event name, attributes as expressions),
so a run with a million calls costs a few dozen column operations, not a
million Python iterations. Rows carry ``cid`` (the flow) and ``k`` (the step)
so that events at the same microsecond keep their causal order.
"""

from __future__ import annotations

import binascii

import numpy as np
import polars as pl

from statcli.simulate.config import SimConfig
from statcli.simulate.timeline import Plan
from statcli.simulate.topology import Topology

MS = 1_000
S = 1_000_000
I8, I16 = pl.Int8, pl.Int16


def hex16(values: np.ndarray) -> pl.Series:
    """Format unsigned integers as 16 lowercase hex digits, without a Python loop.

    Examples
    --------
    >>> hex16(np.array([1, 255], dtype=np.uint64)).to_list()
    ['0000000000000001', '00000000000000ff']
    """
    raw = binascii.hexlify(np.ascontiguousarray(values, dtype=">u8").tobytes())
    return pl.Series(np.frombuffer(raw, dtype="S16").astype("U16"), dtype=pl.String)


def _lit(v):
    if isinstance(v, pl.Expr):
        return v
    if isinstance(v, bool):
        return pl.lit(v)
    if isinstance(v, int):
        return pl.lit(v, I16)
    return pl.lit(v, pl.String)


def step(df: pl.DataFrame, k: int, event: str, t: pl.Expr, **cols) -> pl.DataFrame:
    """One step of a flow: an event row for every row of ``df``."""
    exprs = [pl.col("cid"), pl.lit(k, I16).alias("k"), pl.lit(event).alias("event"), t.alias("t")]
    exprs += [_lit(v).alias(name) for name, v in cols.items()]
    return df.select(exprs)


def _prepare(cfg: SimConfig, topo: Topology, plan: Plan) -> pl.DataFrame:
    """Per-cycle names and identifiers (DNs, ConnIDs, ANI …)."""
    c = plan.cycles.join(plan.sessions.select("agent", "session", pl.col("start").alias("s_start")),
                         on=["agent", "session"], how="left")
    cid = c["cid"].to_numpy().astype(np.uint64)
    base = np.uint64(0x006C0246_00000000)
    return c.with_columns(
        A=pl.lit(pl.Series(topo.agent_dns)).gather(pl.col("agent")),
        AID=pl.lit(pl.Series(topo.agent_ids)).gather(pl.col("agent")),
        PLACE=pl.lit(pl.Series(topo.places)).gather(pl.col("agent")),
        Q=pl.lit(pl.Series(topo.queues)).gather(pl.col("queue")),
        VQ=pl.lit(pl.Series(topo.vqs)).gather(pl.col("queue")),
        SUP=pl.lit(pl.Series(topo.supervisors)).gather(pl.col("sup")),
        conn1=hex16(base + cid * np.uint64(16) + np.uint64(4)),
        conn2=hex16(base + cid * np.uint64(16) + np.uint64(9)),
        uuid=hex16(cid * np.uint64(0x9E3779B1) + np.uint64(cfg.seed)).str.to_uppercase()
        + hex16(cid + np.uint64(0xA5A5_0000_0000)).str.to_uppercase(),
        EXT=pl.lit("9") + pl.col("ani"),
        DNIS=pl.lit("80055501") + pl.col("queue").cast(pl.String).str.zfill(2),
        w=pl.min_horizontal(pl.max_horizontal(pl.col("wait"), pl.lit(200 * MS)),
                            pl.col("t") - pl.col("s_start") - S),
    )


def _inbound(c: pl.DataFrame, rp: str) -> list[pl.DataFrame]:
    """The queue part and the agent part of every inbound call."""
    t, w = pl.col("t"), pl.col("w")
    call = dict(conn_id=pl.col("conn1"), call_type=2, ani=pl.col("ani"), dnis=pl.col("DNIS"),
                call_uuid=pl.col("uuid"), ud="inbound", target=pl.when(pl.col("acd")).then("Q").otherwise("VQ"))
    out = []
    acd = c.filter(pl.col("acd"))
    vq = c.filter(~pl.col("acd"))
    for sub, is_acd in ((acd, True), (vq, False)):
        lead = 600 * MS if is_acd else 100 * MS
        out.append(step(sub, 1, "EventRouteRequest", t - w - lead, this_dn=rp, this_dn_role=2,
                        other_dn=pl.col("ani"), other_dn_role=1, **call))
        if is_acd:
            out.append(step(sub, 2, "EventRouteUsed", t - w - 500 * MS, this_dn=rp, other_dn=pl.col("Q"),
                            other_dn_role=2, call_state=0, request="RequestRouteCall", **call))
            out.append(step(sub, 3, "EventQueued", t - w - 450 * MS, this_dn=pl.col("Q"), this_dn_role=2,
                            other_dn=pl.col("ani"), other_dn_role=1, **call))
            out.append(step(sub, 4, "EventDiverted", t - 50 * MS, this_dn=pl.col("Q"), third_party_dn=pl.col("A"),
                            third_party_dn_role=2, other_dn=pl.col("A"), call_state=0, **call))
        else:
            out.append(step(sub, 2, "EventQueued", t - w - 90 * MS, this_dn=pl.col("VQ"), this_queue=pl.col("VQ"),
                            this_dn_role=2, other_dn=rp, other_dn_role=1, vq=True, **call))
            out.append(step(sub, 3, "EventDiverted", t - 80 * MS, this_dn=pl.col("VQ"), this_queue=pl.col("VQ"),
                            third_party_dn=pl.col("A"), third_party_dn_role=2, other_dn=rp, other_dn_role=1,
                            call_state=0, vq=True, **call))
            out.append(step(sub, 4, "EventRouteUsed", t - 50 * MS, this_dn=rp, other_dn=pl.col("A"),
                            other_dn_role=2, call_state=0, request="RequestRouteCall", **call))
    agent_leg = dict(this_dn=pl.col("A"), agent_id=pl.col("AID"), this_dn_role=2, other_dn=pl.col("ani"),
                     other_dn_role=1, **call)
    out.append(step(c, 5, "EventRinging", t, this_queue=pl.when(pl.col("acd")).then("Q").otherwise(pl.lit(rp)),
                    sip="invite", **agent_leg))
    return out + _answered(c.filter(pl.col("kind") == "in"), agent_leg) + _unanswered(c, agent_leg)


def _answered(c: pl.DataFrame, leg: dict) -> list[pl.DataFrame]:
    t, ring = pl.col("t"), pl.col("ring")
    rel = t + pl.col("rel_in")
    out = [step(c, 6, "EventEstablished", t + ring, request="RequestAnswerCall", sip="ok", **leg)]
    hold = c.filter(pl.col("feature") == "hold")
    xat = t + pl.col("x_at")
    out.append(step(hold, 7, "EventHeld", xat, request="RequestHoldCall", **leg))
    out.append(step(hold, 8, "EventRetrieved", xat + pl.col("hold"), request="RequestRetrieveCall", **leg))
    cons = c.filter(pl.col("feature").is_in(["transfer", "conference"]))
    ce = xat + 110 * MS + pl.col("consult_ring") + pl.col("consult")
    init_req = pl.when(pl.col("feature") == "transfer").then(pl.lit("RequestInitiateTransfer")) \
        .otherwise(pl.lit("RequestInitiateConference"))
    consult = dict(conn_id=pl.col("conn2"), call_type=4, call_uuid=pl.col("uuid") + "C")
    out += [
        step(cons, 7, "EventHeld", xat, request=init_req, **leg),
        step(cons, 8, "EventDialing", xat + 50 * MS, this_dn=pl.col("A"), agent_id=pl.col("AID"), this_dn_role=1,
             other_dn=pl.col("SUP"), other_dn_role=2, **consult),
        step(cons, 9, "EventRinging", xat + 100 * MS, this_dn=pl.col("SUP"), this_dn_role=2,
             other_dn=pl.col("A"), other_dn_role=1, sip="invite", **consult),
        step(cons, 10, "EventEstablished", xat + 100 * MS + pl.col("consult_ring"), this_dn=pl.col("SUP"),
             this_dn_role=2, other_dn=pl.col("A"), other_dn_role=1, sip="ok", **consult),
        step(cons, 11, "EventEstablished", xat + 110 * MS + pl.col("consult_ring"), this_dn=pl.col("A"),
             agent_id=pl.col("AID"), this_dn_role=1, other_dn=pl.col("SUP"), other_dn_role=2, **consult),
    ]
    xf = cons.filter(pl.col("feature") == "transfer")
    cf = cons.filter(pl.col("feature") == "conference")
    a_consult = dict(this_dn=pl.col("A"), agent_id=pl.col("AID"), this_dn_role=1, other_dn=pl.col("SUP"),
                     other_dn_role=2, **consult)
    sup_main = dict(this_dn=pl.col("SUP"), conn_id=pl.col("conn1"), previous_conn_id=pl.col("conn2"),
                    call_type=2, other_dn=pl.col("ani"), other_dn_role=1, call_uuid=pl.col("uuid"),
                    ani=pl.col("ani"), dnis=pl.col("DNIS"), ud="inbound", target=leg["target"])
    out += [
        step(xf, 12, "EventReleased", ce, call_state=0, releasing_party=1, request="RequestCompleteTransfer",
             **a_consult),
        step(xf, 13, "EventPartyChanged", ce + 10 * MS, transfer_conn_id=pl.col("conn2"), this_dn_role=2,
             third_party_dn=pl.col("A"), third_party_dn_role=7, **sup_main),
        step(xf, 14, "EventReleased", rel, call_state=1, releasing_party=1, **leg),
        step(xf, 15, "EventReleased", rel + pl.col("after"), releasing_party=2, sip="bye",
             this_dn_role=2, **{k: v for k, v in sup_main.items() if k != "previous_conn_id"}),
        step(cf, 12, "EventReleased", ce, call_state=0, releasing_party=1, request="RequestCompleteConference",
             **a_consult),
        step(cf, 13, "EventRetrieved", ce + 10 * MS, **leg),
        step(cf, 14, "EventPartyChanged", ce + 20 * MS, call_state=2, this_dn_role=3,
             third_party_dn=pl.col("A"), third_party_dn_role=9, **sup_main),
        step(cf, 15, "EventPartyAdded", ce + 30 * MS, third_party_dn=pl.col("SUP"), third_party_dn_role=4,
             **{**leg, "this_dn_role": 9}),
        step(cf, 16, "EventPartyAdded", ce + 40 * MS, this_dn_role=4, third_party_dn=pl.col("A"),
             third_party_dn_role=9, **{k: v for k, v in sup_main.items() if k != "previous_conn_id"}),
        step(cf, 17, "EventPartyDeleted", ce + 50 * MS + pl.col("conf"), third_party_dn=pl.col("SUP"),
             third_party_dn_role=8, **leg),
        step(cf, 18, "EventReleased", ce + 60 * MS + pl.col("conf"), releasing_party=1, this_dn_role=3,
             sip="bye", **{k: v for k, v in sup_main.items() if k not in ("previous_conn_id", "other_dn_role")}),
    ]
    plain = c.filter(pl.col("feature") != "transfer")
    local = pl.col("local_release")
    out.append(step(plain, 19, "EventReleased", rel, call_state=0,
                    releasing_party=pl.when(local).then(pl.lit(1, I16)).otherwise(pl.lit(2, I16)),
                    request=pl.when(local).then(pl.lit("RequestReleaseCall")), sip="bye", **leg))
    out += _acw(c, rel + S, t + pl.col("rel_in") + S + pl.col("acw"))
    return out


def _acw(c: pl.DataFrame, start: pl.Expr, end: pl.Expr) -> list[pl.DataFrame]:
    agent = dict(this_dn=pl.col("A"), agent_id=pl.col("AID"), place=pl.col("PLACE"))
    return [step(c, 20, "EventAgentNotReady", start, work_mode=3, request="RequestAgentNotReady", **agent),
            step(c, 21, "EventAgentReady", end, work_mode=1, request="RequestAgentReady", **agent)]


def _unanswered(c: pl.DataFrame, leg: dict) -> list[pl.DataFrame]:
    t = pl.col("t")
    ab = c.filter(pl.col("kind") == "ring_abandon")
    rona = c.filter(pl.col("kind") == "rona")
    agent = dict(this_dn=pl.col("A"), agent_id=pl.col("AID"), place=pl.col("PLACE"))
    requeue = t + 12 * S + 100 * MS
    return [
        step(ab, 6, "EventAbandoned", t + pl.col("ring"), call_state=0, releasing_party=2, sip="cancel", **leg),
        step(rona, 6, "EventReleased", t + 12 * S, call_state=22, sip="cancel",
             third_party_dn=pl.col("Q"), third_party_dn_role=2, **leg),
        step(rona, 7, "EventQueued", requeue, this_dn=pl.col("Q"), this_dn_role=2, other_dn=pl.col("ani"),
             other_dn_role=1, call_state=22, conn_id=pl.col("conn1"), call_type=2, ani=pl.col("ani"),
             dnis=pl.col("DNIS"), call_uuid=pl.col("uuid"), ud="inbound", target=pl.col("Q")),
        step(rona, 8, "EventAgentNotReady", t + 12 * S + 200 * MS, work_mode=0, reason="RONA", **agent),
        step(rona, 9, "EventAbandoned", requeue + pl.col("requeue_wait"), this_dn=pl.col("Q"), this_dn_role=2,
             other_dn=pl.col("ani"), other_dn_role=1, call_state=0, releasing_party=2, conn_id=pl.col("conn1"),
             call_type=2, ani=pl.col("ani"), dnis=pl.col("DNIS"), call_uuid=pl.col("uuid"), ud="inbound",
             target=pl.col("Q")),
        step(rona, 10, "EventAgentReady", t + 12 * S + 200 * MS + pl.col("rona_nr"), work_mode=1,
             request="RequestAgentReady", **agent),
    ]


def _outbound(c: pl.DataFrame) -> list[pl.DataFrame]:
    t = pl.col("t")
    o = c.filter(pl.col("kind") == "out")
    leg = dict(this_dn=pl.col("A"), agent_id=pl.col("AID"), this_dn_role=1, other_dn=pl.col("EXT"),
               other_dn_role=2, conn_id=pl.col("conn1"), call_type=3, call_uuid=pl.col("uuid"),
               dnis=pl.col("EXT"), ud="outbound")
    ans = o.filter(pl.col("answered"))
    no = o.filter(~pl.col("answered"))
    rel = t + pl.col("dial") + pl.col("talk")
    local = pl.col("local_release")
    return [
        step(o, 1, "EventDialing", t, request="RequestMakeCall", sip="invite_out", **leg),
        step(o, 2, "EventNetworkReached", t + 1500 * MS, **leg),
        step(ans, 3, "EventEstablished", t + pl.col("dial"), sip="ok", **leg),
        step(ans, 4, "EventReleased", rel, call_state=0,
             releasing_party=pl.when(local).then(pl.lit(1, I16)).otherwise(pl.lit(2, I16)),
             request=pl.when(local).then(pl.lit("RequestReleaseCall")), sip="bye", **leg),
        step(no, 4, "EventReleased", t + 25 * S, call_state=7, releasing_party=1,
             request="RequestReleaseCall", sip="cancel", **leg),
        *_acw(ans, rel + S, rel + S + pl.col("acw") // 2),
    ]


def _internal(c: pl.DataFrame) -> list[pl.DataFrame]:
    t = pl.col("t")
    i = c.filter(pl.col("kind") == "internal")
    a = dict(this_dn=pl.col("A"), agent_id=pl.col("AID"), this_dn_role=1, other_dn=pl.col("SUP"),
             other_dn_role=2, conn_id=pl.col("conn1"), call_type=1, call_uuid=pl.col("uuid"))
    s = dict(this_dn=pl.col("SUP"), this_dn_role=2, other_dn=pl.col("A"), other_dn_role=1,
             conn_id=pl.col("conn1"), call_type=1, call_uuid=pl.col("uuid"))
    rel = t + pl.col("ring") + pl.col("talk") * 2 // 5
    return [
        step(i, 1, "EventDialing", t, request="RequestMakeCall", **a),
        step(i, 2, "EventRinging", t + 50 * MS, sip="invite", **s),
        step(i, 3, "EventEstablished", t + pl.col("ring"), sip="ok", **s),
        step(i, 4, "EventEstablished", t + pl.col("ring") + 10 * MS, **a),
        step(i, 5, "EventReleased", rel, call_state=0, releasing_party=1, request="RequestReleaseCall", **a),
        step(i, 6, "EventReleased", rel + 10 * MS, call_state=0, releasing_party=2, sip="bye", **s),
    ]


def _not_ready(c: pl.DataFrame) -> list[pl.DataFrame]:
    n = c.filter(pl.col("kind") == "not_ready")
    agent = dict(this_dn=pl.col("A"), agent_id=pl.col("AID"), place=pl.col("PLACE"))
    return [step(n, 1, "EventAgentNotReady", pl.col("t"), work_mode=4, reason=pl.col("reason"),
                 request="RequestAgentNotReady", **agent),
            step(n, 2, "EventAgentReady", pl.col("t") + pl.col("nr"), work_mode=1, request="RequestAgentReady",
                 **agent)]


def _queue_abandons(topo: Topology, q: pl.DataFrame) -> list[pl.DataFrame]:
    cid = q["cid"].to_numpy().astype(np.uint64)
    q = q.with_columns(
        Q=pl.lit(pl.Series(topo.queues)).gather(pl.col("queue")), VQ=pl.lit(pl.Series(topo.vqs)).gather(pl.col("queue")),
        conn1=hex16(np.uint64(0x006D0246_00000000) + cid * np.uint64(16) + np.uint64(4)),
        uuid=hex16(cid * np.uint64(0x7F4A7C15)).str.to_uppercase() + hex16(cid).str.to_uppercase(),
        DNIS=pl.lit("80055501") + pl.col("queue").cast(pl.String).str.zfill(2))
    rp = topo.route_point
    t, w = pl.col("t"), pl.col("wait")
    call = dict(conn_id=pl.col("conn1"), call_type=2, ani=pl.col("ani"), dnis=pl.col("DNIS"),
                call_uuid=pl.col("uuid"), ud="inbound", other_dn=pl.col("ani"), other_dn_role=1, this_dn_role=2)
    acd, vq = q.filter(pl.col("acd")), q.filter(~pl.col("acd"))
    return [
        step(acd, 1, "EventRouteRequest", t, this_dn=rp, target=pl.col("Q"), **call),
        step(acd, 2, "EventRouteUsed", t + 100 * MS, this_dn=rp, target=pl.col("Q"), request="RequestRouteCall",
             call_state=0, **{**call, "other_dn": pl.col("Q"), "other_dn_role": 2}),
        step(acd, 3, "EventQueued", t + 150 * MS, this_dn=pl.col("Q"), target=pl.col("Q"), **call),
        step(acd, 4, "EventAbandoned", t + 150 * MS + w, this_dn=pl.col("Q"), target=pl.col("Q"), call_state=0,
             releasing_party=2, sip="bye_in", **call),
        step(vq, 1, "EventRouteRequest", t, this_dn=rp, target=pl.col("VQ"), **call),
        step(vq, 2, "EventQueued", t + 10 * MS, this_dn=pl.col("VQ"), this_queue=pl.col("VQ"), vq=True,
             target=pl.col("VQ"), **{**call, "other_dn": pl.lit(rp)}),
        step(vq, 3, "EventAbandoned", t + 10 * MS + w, this_dn=rp, target=pl.col("VQ"), call_state=0,
             releasing_party=2, sip="bye_in", **call),
        step(vq, 4, "EventAbandoned", t + 20 * MS + w, this_dn=pl.col("VQ"), this_queue=pl.col("VQ"), vq=True,
             target=pl.col("VQ"), call_state=0, releasing_party=2, **{**call, "other_dn": pl.lit(rp)}),
    ]


def _sessions(topo: Topology, plan: Plan) -> list[pl.DataFrame]:
    s = plan.sessions.with_columns(
        cid=pl.col("agent").cast(pl.Int64) * 10 + pl.col("session"),
        A=pl.lit(pl.Series(topo.agent_dns)).gather(pl.col("agent")), AID=pl.lit(pl.Series(topo.agent_ids)).gather(pl.col("agent")),
        PLACE=pl.lit(pl.Series(topo.places)).gather(pl.col("agent")),
        Q=pl.lit(pl.Series(topo.queues)).gather(pl.lit(pl.Series(topo.agent_queue.astype(np.int32))).gather(pl.col("agent"))))
    agent = dict(this_dn=pl.col("A"), agent_id=pl.col("AID"), place=pl.col("PLACE"))
    login = s.filter(pl.col("init") == "login")
    snap = s.filter(pl.col("init").is_in(["3", "4", "5"]))
    out = s.filter(pl.col("logout"))
    return [
        step(login, 1, "EventAgentLogin", pl.col("start"), this_queue=pl.col("Q"), work_mode=0,
             request="RequestAgentLogin", marker="AGENT_LOGGED_IN", **agent),
        step(pl.concat([login, snap]), 2, "EventAgentReady", pl.col("init_end"), work_mode=1,
             request="RequestAgentReady", **agent),
        step(out, 3, "EventAgentLogout", pl.col("end"), this_queue=pl.col("Q"), request="RequestAgentLogout",
             marker="AGENT_LOGGED_OUT", **agent),
    ]


def _registrations(topo: Topology, plan: Plan) -> list[pl.DataFrame]:
    """EventRegistered (+ EventAddressInfo) for every DN at each (re)connection."""
    out = []
    dns = list(topo.registered_dns)
    dn_agent = {d: i for i, d in enumerate(topo.agent_dns)}
    for r, when in enumerate(plan.registrations):
        sess = plan.sessions.filter(pl.col("session") == r)
        init = dict(zip(sess["agent"].to_list(), sess["init"].to_list()))
        rows = {"cid": [], "dn": [], "status": [], "aid": []}
        for i, dn in enumerate(dns):
            a = dn_agent.get(dn)
            status = init.get(a) if a is not None else None
            logged = status is not None and status != "login"
            rows["cid"].append(1 + r * 100_000 + i)
            rows["dn"].append(dn)
            rows["status"].append(int(status) if logged else None)
            rows["aid"].append(topo.agent_ids[a] if logged else None)
        f = pl.DataFrame(rows, schema={"cid": pl.Int64, "dn": pl.String, "status": pl.Int16, "aid": pl.String})
        f = f.with_columns(t=pl.lit(when) + pl.col("cid") % 100_000 * 2 * MS,
                           agent_dn=pl.col("dn").is_in([*topo.agent_dns, *topo.supervisors]))
        t = pl.col("t")
        with_ext = f.filter(pl.col("status").is_not_null()) if r == 0 else f.head(0)
        bare = f.filter(pl.col("status").is_null()) if r == 0 else f
        out += [
            step(with_ext, 1, "EventRegistered", t, this_dn=pl.col("dn"), agent_id=pl.col("aid"),
                 agent_status=pl.col("status"), context="send_to_client", request="RequestRegisterAddress"),
            step(bare, 1, "EventRegistered", t, this_dn=pl.col("dn"), context="send_to_client",
                 request="RequestRegisterAddress"),
            step(bare.filter(pl.col("agent_dn")), 2, "EventAddressInfo", t + MS, this_dn=pl.col("dn"),
                 agent_id=pl.col("aid"), agent_status=pl.col("status"), address_info_type=17,
                 address_info_status=pl.when(pl.col("aid").is_null()).then(pl.lit(0, I16)).otherwise(pl.lit(9, I16)),
                 context="send_to_client", request="RequestQueryAddress"),
        ]
    return out


#: Every column of the events table and its type (absent attributes are null).
EVENT_COLUMNS = {
    "t": pl.Int64, "cid": pl.Int64, "k": I16, "event": pl.String, "context": pl.String,
    "this_dn": pl.String, "this_dn_role": I16, "this_queue": pl.String, "other_dn": pl.String,
    "other_dn_role": I16, "third_party_dn": pl.String, "third_party_dn_role": I16, "conn_id": pl.String,
    "previous_conn_id": pl.String, "transfer_conn_id": pl.String, "call_uuid": pl.String, "call_type": I16,
    "call_state": I16, "agent_id": pl.String, "place": pl.String, "work_mode": I16, "ani": pl.String,
    "dnis": pl.String, "releasing_party": I16, "agent_status": I16, "address_info_type": I16,
    "address_info_status": I16, "reason": pl.String, "ud": pl.String, "target": pl.String, "vq": pl.Boolean,
    "request": pl.String, "sip": pl.String, "marker": pl.String, "user_event": pl.String,
    "gsw_handle": pl.Int64, "gsw_chain": pl.Int64, "gsw_campaign": pl.String, "gsw_list": pl.String,
    "gsw_group": pl.String, "gsw_user_event": pl.String, "gsw_req": pl.String, "gsw_mode": pl.String,
    "gsw_phone": pl.String, "gsw_result": pl.Int64, "gsw_callback": pl.String,
}


def build_events(cfg: SimConfig, topo: Topology, plan: Plan) -> pl.DataFrame:
    """Every TEvent of the run, in log order, with its sequence number.

    Returns
    -------
    polars.DataFrame
        One row per event: ``t`` (µs UTC), ``event``, ``context``, DN/ConnID
        attributes, ``releasing_party`` (1/2/3), ``agent_status``, ``reason``,
        ``ud`` (which user data set), ``request`` (the request that caused it),
        ``sip`` (the SIP message logged with it), ``seq``.
    """
    c = _prepare(cfg, topo, plan)
    frames = (_registrations(topo, plan) + _sessions(topo, plan)
              + _inbound(c.filter(pl.col("kind").is_in(["in", "ring_abandon", "rona"])), topo.route_point)
              + _outbound(c) + _internal(c) + _not_ready(c) + _queue_abandons(topo, plan.queue_abandons))
    if plan.outage:
        one = pl.DataFrame({"cid": [0]}, schema={"cid": pl.Int64})
        frames += [step(one, 1, "EventLinkDisconnected", pl.lit(plan.outage[0])),
                   step(one, 2, "EventLinkConnected", pl.lit(plan.outage[1]))]
    ev = pl.concat([f for f in frames if f.height], how="diagonal_relaxed")
    ev = ev.with_columns([pl.lit(None, dt).alias(c) for c, dt in EVENT_COLUMNS.items() if c not in ev.columns])
    ev = ev.select([pl.col(c).cast(dt) for c, dt in EVENT_COLUMNS.items()])
    ev = ev.with_columns(context=pl.col("context").fill_null("distribute_event"))
    ev = ev.sort("t", "cid", "k").with_row_index("seq", offset=0x1A2B00)
    return ev.with_columns(pl.col("seq").cast(pl.Int64))
