"""SIP messages and SIP Server trace lines interleaved with the TEvents (log-formats §6).

A SIP message is logged as ``HH:MM:SS.mmm: Sending  [0,UDP] N bytes to ip:port >>>>>``
(or ``SIPTR: Received … <<<<<``) followed by the message itself, whose lines end
with CRLF while the log uses LF; N is exactly the message's byte count,
CRLFs included. Each message is preceded by a ``HH:MM:SS.mmm: `` trace line.
"""

from __future__ import annotations

import polars as pl

from statcli.simulate.config import SimConfig

SIPS_IP = "10.0.0.5"
GATEWAY = "10.0.0.20"
CRLF = "\r\n"

#: sip kind → (direction, method or status line template marker)
OUTGOING = {"invite": "INVITE", "cancel": "CANCEL", "bye": "BYE", "invite_out": "INVITE"}
INCOMING = {"ok": "SIP/2.0 200 OK", "bye_in": "BYE"}


def _phone(dn: pl.Expr) -> pl.Expr:
    return pl.lit("10.0.1.") + (dn.str.slice(-2).cast(pl.Int64, strict=False).fill_null(0) + 10).cast(pl.String)


def sip_items(ev: pl.DataFrame, cfg: SimConfig) -> pl.DataFrame:
    """One item (trace line + SIP message) for every event with a ``sip`` kind."""
    from statcli.simulate.tserver_text import CLOCK

    s = ev.filter(pl.col("sip").is_not_null())
    kind = pl.col("sip")
    clock, ms, _ = CLOCK
    stamp = clock + pl.lit(".") + ms
    to_gateway = kind.is_in(["invite_out", "bye_in"])
    peer = pl.when(to_gateway).then(pl.lit(GATEWAY)).otherwise(_phone(pl.col("this_dn")))
    target = pl.when(kind == "invite_out").then(pl.col("other_dn")).otherwise(pl.col("this_dn"))
    method = (pl.when(kind.is_in(["invite", "invite_out"])).then(pl.lit("INVITE"))
              .when(kind == "cancel").then(pl.lit("CANCEL")).otherwise(pl.lit("BYE")))
    start = pl.when(kind == "ok").then(pl.lit("SIP/2.0 200 OK")) \
        .otherwise(method + pl.lit(" sip:") + target + pl.lit("@") + peer + pl.lit(":5060 SIP/2.0"))
    cseq_method = pl.when(kind == "ok").then(pl.lit("INVITE")).otherwise(method)
    has_sdp = kind.is_in(["invite", "invite_out", "ok"])
    media_ip = pl.when(kind == "ok").then(peer).otherwise(pl.lit(SIPS_IP))
    sdp = pl.concat_str([
        pl.lit("v=0" + CRLF + "o=SIPS "), (pl.col("seq") % 100000).cast(pl.String), pl.lit(" 1 IN IP4 "), media_ip,
        pl.lit(CRLF + "s=SIP Call" + CRLF + "c=IN IP4 "), media_ip,
        pl.lit(CRLF + "t=0 0" + CRLF + "m=audio "), (pl.col("seq") % 8000 * 2 + 20000).cast(pl.String),
        pl.lit(" RTP/AVP 0 8 101" + CRLF + "a=rtpmap:0 PCMU/8000" + CRLF + "a=rtpmap:8 PCMA/8000" + CRLF
               + "a=rtpmap:101 telephone-event/8000" + CRLF + "a=sendrecv" + CRLF),
    ])
    body = pl.when(has_sdp).then(sdp).otherwise(pl.lit(""))
    caller = pl.col("ani").fill_null(pl.col("other_dn")).fill_null(pl.col("this_dn"))
    call_id = pl.col("conn_id").fill_null("0") + pl.lit("-") + pl.col("call_uuid").fill_null("X").str.slice(0, 8) \
        + pl.lit("@" + SIPS_IP)
    headers = pl.concat_str([
        start,
        pl.lit(CRLF + "Via: SIP/2.0/UDP "), pl.when(kind == "ok").then(peer).otherwise(pl.lit(SIPS_IP)),
        pl.lit(":5060;branch=z9hG4bK"), pl.col("seq_hex").str.slice(8),
        pl.lit(CRLF + "From: <sip:"), caller, pl.lit("@" + SIPS_IP + ">;tag="), pl.col("conn_id").fill_null("0").str.slice(8),
        pl.lit(CRLF + "To: <sip:"), target, pl.lit("@"), peer, pl.lit(">"),
        pl.when(kind.is_in(["ok", "bye", "bye_in"])).then(pl.lit(";tag=") + pl.col("seq_hex").str.slice(10)),
        pl.lit(CRLF + "Call-ID: "), call_id,
        pl.lit(CRLF + "CSeq: "), pl.when(kind.is_in(["bye", "bye_in"])).then(pl.lit("2 ")).otherwise(pl.lit("1 ")),
        cseq_method,
        pl.lit(CRLF + "Max-Forwards: 70" + CRLF + "User-Agent: SIPServer/" + "8.1.101.25"),
        pl.when(has_sdp).then(pl.lit(CRLF + "Content-Type: application/sdp")),
        pl.lit(CRLF + "Content-Length: "), body.str.len_bytes().cast(pl.String),
        pl.lit(CRLF + CRLF),
    ], ignore_nulls=True)
    msg = headers + body
    n = msg.str.len_bytes().cast(pl.String)
    outgoing = ~kind.is_in(list(INCOMING))
    head = pl.when(outgoing).then(stamp + pl.lit(": Sending  [0,UDP] ") + n + pl.lit(" bytes to ") + peer
                                  + pl.lit(":5060 >>>>>")) \
        .otherwise(stamp + pl.lit(": SIPTR: Received [0,UDP] ") + n + pl.lit(" bytes from ") + peer
                   + pl.lit(":5060 <<<<<"))
    trace = stamp + pl.lit(": SIPTS: DN ") + pl.col("this_dn").fill_null("-") + pl.lit(" ") + method \
        + pl.lit(" for call ") + pl.col("conn_id").fill_null("-")
    # The message's final LF comes from the newline that separates items.
    text = trace + pl.lit("\n") + head + pl.lit("\n") + msg.str.strip_suffix("\n")
    return s.select(pl.col("t"), pl.col("seq"), pl.lit(1, pl.Int8).alias("sub"), pl.lit("sip").alias("kind"),
                    text.alias("text"))
