"""Render TEvents as SIP Server log text, one multi-line *item* per row.

An item is a piece of text that belongs together: an event block with its
``Trc 04542`` lines (and handler markers), the request block and ``[BSYNC]``
copy that caused it, a SIP message with its CRLF body. Items are built with
vectorized string expressions and sorted by (time, sequence, sub-order); the
writer joins them with newlines and cuts segments.
"""

from __future__ import annotations

import polars as pl

from statcli.simulate.config import SimConfig
from statcli.simulate.flows import hex16
from statcli.simulate.kvlist import Pair, kv_attribute
from statcli.simulate.sip_text import sip_items

VERSION = "8.1.101.25"
ITEM_SCHEMA = {"t": pl.Int64, "seq": pl.Int64, "sub": pl.Int8, "kind": pl.String, "text": pl.String}
SEGMENTS = ("gold", "silver", "bronze", "standard")
RP_TEXT = {1: "1 Local", 2: "2 Remote", 3: "3 Unknown"}


def local_clock(t: pl.Expr, cfg: SimConfig) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(HH:MM:SS, 3-digit ms, 4-digit 1/10 ms) of UTC µs ``t`` in local time."""
    local = t + cfg.offset_us
    clock = pl.from_epoch(local, time_unit="us").dt.strftime("%H:%M:%S")
    ms = (local // 1000 % 1000).cast(pl.String).str.zfill(3)
    frac = (local // 100 % 10000).cast(pl.String).str.zfill(4)
    return clock, ms, frac


def with_clock(df: pl.DataFrame, cfg: SimConfig) -> pl.DataFrame:
    """Add ``_clk`` (HH:MM:SS), ``_ms`` and ``_frac`` of the local time once, for every renderer."""
    local = pl.col("t") + cfg.offset_us
    sec = local // 1_000_000

    def two(x: pl.Expr) -> pl.Expr:
        return x.cast(pl.String).str.zfill(2)

    return df.with_columns(
        _clk=pl.concat_str([two(sec // 3600 % 24), two(sec // 60 % 60), two(sec % 60)], separator=":"),
        _ms=(local // 1000 % 1000).cast(pl.String).str.zfill(3),
        _frac=(local // 100 % 10000).cast(pl.String).str.zfill(4))


CLOCK = (pl.col("_clk"), pl.col("_ms"), pl.col("_frac"))


def _q(col: str) -> pl.Expr:
    return pl.lit("'") + pl.col(col) + pl.lit("'")


def _attr(name: str, value: pl.Expr, present: pl.Expr | None = None) -> pl.Expr:
    line = pl.lit(f"\n\tAttribute{name}\t") + value
    return line if present is None else pl.when(present).then(line)


def _user_data() -> pl.Expr:
    inbound = pl.col("ud") == "inbound"
    seg = pl.lit(pl.Series(SEGMENTS)).gather(pl.col("ani").str.slice(-1).cast(pl.Int64) % 4)
    def has(col: str) -> pl.Expr:
        return pl.col(col).is_not_null()

    pairs = [
        Pair("CustomerSegment", "str", seg, inbound),
        Pair("AccountNumber", "str", pl.lit("AC") + pl.col("ani").str.slice(3), inbound),
        Pair("Priority", "int", pl.col("ani").str.slice(-2).cast(pl.Int64) % 10, inbound),
        Pair("RoutingInfo", "list", [Pair("Strategy", "str", pl.lit("Inbound_Main")),
                                     Pair("Target", "str", pl.col("target").fill_null(""))], inbound),
        Pair("CallPurpose", "str", pl.lit("FollowUp"), (pl.col("ud") == "outbound") & ~has("gsw_campaign")),
        Pair("GSW_APPLICATION_ID", "int", pl.lit(140), has("gsw_campaign")),
        Pair("GSW_USER_EVENT", "str", pl.col("gsw_user_event"), has("gsw_user_event")),
        Pair("GSW_AGENT_REQ_TYPE", "str", pl.col("gsw_req"), has("gsw_req")),
        Pair("GSW_CAMPAIGN_NAME", "str", pl.col("gsw_campaign"), has("gsw_campaign")),
        Pair("GSW_CAMPAIGN_GROUP_NAME", "str", pl.col("gsw_group"), has("gsw_group")),
        Pair("GSW_CAMPAIGN_MODE", "str", pl.col("gsw_mode"), has("gsw_mode")),
        Pair("GSW_CALLING_LIST", "str", pl.col("gsw_list"), has("gsw_list")),
        Pair("GSW_PHONE", "str", pl.col("gsw_phone"), has("gsw_phone")),
        Pair("GSW_RECORD_HANDLE", "int", pl.col("gsw_handle"), has("gsw_handle")),
        Pair("GSW_CHAIN_ID", "int", pl.col("gsw_chain"), has("gsw_chain")),
        Pair("GSW_CALL_RESULT", "int", pl.col("gsw_result"), has("gsw_result")),
        Pair("GSW_CALLBACK_TYPE", "str", pl.col("gsw_callback"), has("gsw_callback")),
    ]
    return kv_attribute("UserData", pairs)


def _extensions() -> pl.Expr:
    vq = pl.col("vq").fill_null(False)
    rp = pl.col("releasing_party")
    return kv_attribute("Extensions", [
        Pair("SIGNATURE", "str", pl.lit("router"), vq),
        Pair("VQID", "str", pl.lit("N6NKOJMDT16I93HFG6V0") + pl.col("this_dn").str.to_uppercase(), vq),
        Pair("AgentStatus", "int", pl.col("agent_status"), pl.col("agent_status").is_not_null()),
        Pair("ReleasingParty", "str", pl.lit(pl.Series([None, *RP_TEXT.values()])).gather(rp.fill_null(0)),
             rp.is_not_null()),
    ])


def event_text(cfg: SimConfig) -> pl.Expr:
    """The full block of one event: header line and attributes (reverse order, as real logs)."""
    clock, _, frac = CLOCK
    nn = pl.col
    ref = pl.when(nn("vq").fill_null(False)).then(pl.lit("4294967295")) \
        .when(nn("context") == "send_to_client").then((nn("seq") % 9000 + 11).cast(pl.String))
    parts = [
        pl.lit("@"), clock, pl.lit("."), frac, pl.lit(f" [0] {VERSION} "), nn("context"), pl.lit(": message "),
        nn("event"),
        _attr("EventSequenceNumber", nn("seq_hex")),
        _attr("TimeinuSecs", (nn("t") % 1_000_000).cast(pl.String)),
        _attr("TimeinSecs", (nn("t") // 1_000_000).cast(pl.String) + pl.lit(" (") + clock + pl.lit(")")),
        _extensions(), kv_attribute("Reason", [Pair("ReasonCode", "str", nn("reason"), nn("reason").is_not_null())]),
        _user_data(),
        _attr("UserEvent", nn("user_event"), nn("user_event").is_not_null()),
        _attr("CallUUID", _q("call_uuid"), nn("call_uuid").is_not_null()),
        _attr("AddressInfoStatus", nn("address_info_status").cast(pl.String), nn("address_info_status").is_not_null()),
        _attr("AddressInfoType", nn("address_info_type").cast(pl.String), nn("address_info_type").is_not_null()),
        _attr("CallState", nn("call_state").cast(pl.String), nn("call_state").is_not_null()),
        _attr("ThirdPartyDNRole", nn("third_party_dn_role").cast(pl.String), nn("third_party_dn_role").is_not_null()),
        _attr("ThirdPartyDN", _q("third_party_dn"), nn("third_party_dn").is_not_null()),
        _attr("OtherDNRole", nn("other_dn_role").cast(pl.String), nn("other_dn_role").is_not_null()),
        _attr("OtherDN", _q("other_dn"), nn("other_dn").is_not_null()),
        _attr("ThisDNRole", nn("this_dn_role").cast(pl.String), nn("this_dn_role").is_not_null()),
        _attr("ThisQueue", _q("this_queue"), nn("this_queue").is_not_null()),
        _attr("ThisDN", _q("this_dn"), nn("this_dn").is_not_null()),
        _attr("DNIS", _q("dnis"), nn("dnis").is_not_null()),
        _attr("ANI", _q("ani"), nn("ani").is_not_null()),
        _attr("Place", _q("place"), nn("place").is_not_null()),
        _attr("AgentWorkMode", nn("work_mode").cast(pl.String), nn("work_mode").is_not_null()),
        _attr("AgentID", _q("agent_id"), nn("agent_id").is_not_null()),
        _attr("CallType", nn("call_type").cast(pl.String), nn("call_type").is_not_null()),
        _attr("TransferConnID", nn("transfer_conn_id"), nn("transfer_conn_id").is_not_null()),
        _attr("PreviousConnID", nn("previous_conn_id"), nn("previous_conn_id").is_not_null()),
        _attr("ConnID", nn("conn_id"), nn("conn_id").is_not_null()),
        _attr("ReferenceID", ref, ref.is_not_null()),
        pl.lit("\n\tAttributeCustomerID\t'Resources'"),
    ]
    return pl.concat_str(parts, ignore_nulls=True)


def _clients(cfg: SimConfig) -> pl.Expr:
    """The ``Trc 04542 … sent to`` lines after an event (one per receiving client)."""
    clock, ms, _ = CLOCK
    stamp = clock + pl.lit(".") + ms
    stat = pl.lit("\n") + stamp + pl.lit(" Trc 04542 ") + pl.col("event") + pl.lit(" sent to [12] (0000000a StatServer 10.0.0.5:4213)")
    urs = pl.lit("\n") + stamp + pl.lit(" Trc 04542 ") + pl.col("event") + pl.lit(" sent to [14] (0000000c URS 10.0.0.7:3022)")
    interaction = (pl.lit("\n") + stamp + pl.lit(' Int 04545 Interaction message "') + pl.col("event")
                   + pl.lit('" sent to 12 ("StatServer")'))
    reply = pl.col("context") == "send_to_client"
    return pl.when(reply).then(interaction + stat).otherwise(stat + urs)


def _markers() -> tuple[pl.Expr, pl.Expr]:
    m = pl.col("marker")
    hid = (pl.col("seq") % 900 + 100).cast(pl.String)
    open_ = pl.when(m.is_not_null()).then(pl.lit("$+CTI:PRM:") + m + pl.lit(":") + hid + pl.lit(":49\n"))
    close = pl.when(m.is_not_null()).then(pl.lit("\n$-CTI:PRM:") + m + pl.lit(":") + hid + pl.lit(":7"))
    return open_, close


def _request_items(ev: pl.DataFrame, cfg: SimConfig) -> pl.DataFrame:
    r = ev.filter(pl.col("request").is_not_null())
    clock, ms, frac = CLOCK
    req = pl.col("request")
    desktop = pl.col("request").is_in(["RequestRouteCall", "RequestRegisterAddress", "RequestQueryAddress"]).not_()
    client = (pl.when(req == "RequestRouteCall").then(pl.lit("[14] (0000000c URS 10.0.0.7:3022)"))
              .when(~desktop).then(pl.lit("[12] (0000000a StatServer 10.0.0.5:4213)"))
              .otherwise(pl.lit("[2") + pl.col("this_dn").str.slice(-2) + pl.lit("] (000002") + pl.col("this_dn").str.slice(-2)
                         + pl.lit(" WDE_") + pl.col("this_dn") + pl.lit(" 10.0.1.") + (pl.col("this_dn").str.slice(-2).cast(pl.Int64) + 10).cast(pl.String)
                         + pl.lit(":51") + pl.col("this_dn").str.slice(-3).str.zfill(3) + pl.lit(")")))
    body = pl.concat_str([
        pl.lit("message "), req,
        _attr("ReferenceID", (pl.col("seq") % 9000 + 11).cast(pl.String)),
        kv_attribute("Reason", [Pair("ReasonCode", "str", pl.col("reason"),
                                     (req == "RequestAgentNotReady") & pl.col("reason").is_not_null())]),
        _attr("AgentWorkMode", pl.col("work_mode").cast(pl.String), pl.col("work_mode").is_not_null() & desktop),
        _attr("ThisQueue", _q("this_queue"), pl.col("this_queue").is_not_null() & desktop),
        _attr("AgentID", _q("agent_id"), (req == "RequestAgentLogin")),
        _attr("OtherDN", _q("other_dn"), (req == "RequestMakeCall") | (req == "RequestRouteCall")),
        _attr("ThisDN", _q("this_dn"), pl.col("this_dn").is_not_null()),
        _attr("ConnID", pl.col("conn_id"), pl.col("conn_id").is_not_null()),
    ], ignore_nulls=True)
    head = clock + pl.lit(".") + ms + pl.lit(" Trc 04541 ") + req + pl.lit(" received from ") + client + pl.lit("\n")
    bsync = (pl.lit("\n@") + clock + pl.lit(".") + frac + pl.lit(f" [BSYNC] Trace: Send to backup ({cfg.app_name[:-1]}B) [")
             + (pl.col("seq") % 50 + 1).cast(pl.String) + pl.lit("]:\n"))
    text = pl.when(desktop | (req == "RequestRouteCall")).then(head + body + bsync + body).otherwise(head + body)
    return r.select(pl.col("t"), pl.col("seq"), pl.lit(-1, pl.Int8).alias("sub"), pl.lit("request").alias("kind"),
                    text.alias("text"))


def event_items(ev: pl.DataFrame, cfg: SimConfig, *, backup: bool = False) -> pl.DataFrame:
    """All items of the main (or backup) log for the events ``ev``."""
    ev = with_clock(ev, cfg).with_columns(seq_hex=hex16(ev["seq"].to_numpy().astype("uint64")))
    open_, close = _markers()
    text = pl.concat_str([open_, event_text(cfg), _clients(cfg), close], ignore_nulls=True)
    items = [ev.select("t", "seq", pl.lit(0, pl.Int8).alias("sub"), pl.lit("event").alias("kind"), text.alias("text"))]
    if not backup:
        items.append(_request_items(ev, cfg))
        items.append(sip_items(ev, cfg))
    return pl.concat(items, how="vertical_relaxed")
