"""Transfer and conference momentaries of regular DNs (CALL-9, CALL-10, CALL-11).

These actions do not run over time; they are read off the call-type runs of
:mod:`statcli.derive.calls` (a party change or a transferring release that
ended a ``Call<Type>``) and off single ``EventPartyAdded`` /
``EventPartyDeleted`` rows. The roles used are those of T-Library
(reference §2.0): 3 ConferenceMember, 4 NewParty, 5 AddedBy, 7 TransferredBy,
9 ConferencedBy.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from statcli.derive.call_prep import GROUP
from statcli.derive.call_rules import CONFERENCED

#: ThisDNRole values of the consulted party whose leg merges into a conference (CALL-11).
JOINED_ROLES = (3, 4)
#: ThirdPartyDNRole / OtherDNRole meaning "this DN takes a transferred call" (CALL-9, CALL-10).
TRANSFERRED_BY = 7
#: CallType of a consultation leg: a DN that held it takes the transfer (CALL-9).
CONSULT = 4
#: Completing a consultation transfer releases both legs with CallState 1 on the
#: transferring DN; one transfer gives one CallTransferMade ([rec L], statcli).
SAME_TRANSFER = timedelta(seconds=1)


def _one_made_per_transfer(made: pl.DataFrame) -> pl.DataFrame:
    """Drop the consultation leg's CallTransferMade when the main leg's is within 1 s."""
    consult = (pl.col("s_ct") == CONSULT).fill_null(False)
    main = made.filter(~consult).select(pl.col("s_dn").alias("_dn"), pl.col("e_ts").alias("_t")).sort("_t")
    legs = (made.filter(consult).sort("e_ts")
            .join_asof(main, left_on="e_ts", right_on="_t", by_left="s_dn", by_right="_dn", strategy="nearest",
                       tolerance=SAME_TRANSFER, check_sortedness=False)
            .filter(pl.col("_t").is_null()).drop("_t"))
    return pl.concat([made.filter(~consult), legs])


def _momentary(frame: pl.DataFrame, action: pl.Expr, at: str, conn: str, ct: str, queue: str,
               source: str, line: str) -> pl.DataFrame:
    return frame.select(dn=pl.col("s_dn" if "s_dn" in frame.columns else "dn"), conn_id=pl.col(conn), action=action, start=pl.col(at), end=pl.col(at),
                        call_type=pl.col(ct), this_queue=pl.col(queue), source=pl.col(source),
                        line=pl.col(line), start_known=pl.lit(True))


def transfer_rows(ev: pl.DataFrame, call_pairs: pl.DataFrame | None) -> pl.DataFrame:
    """CallTransferMade / Taken / PartyChanged and the CallConference* momentaries.

    Parameters
    ----------
    ev : polars.DataFrame
        Prepared call events with the guard flags (``conf_made``, ``observer``,
        ``self_deleted``) of :mod:`statcli.derive.calls`.
    call_pairs : polars.DataFrame or None
        Start/end pairs of the call-type family (``s_*`` / ``e_*`` columns).

    Returns
    -------
    polars.DataFrame
        Raw momentary rows (``dn``, ``conn_id``, ``action``, ``start``, ``end``, …).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from statcli.derive.base import DeriveContext
    >>> from statcli.derive.calls import derive_calls
    >>> from statcli.schema import EVENTS, conform
    >>> t = lambda s: datetime(2026, 1, 1, 10, 0, s, tzinfo=timezone.utc)
    >>> ev = conform(pl.DataFrame({"ts": [t(0), t(9)], "event": ["EventEstablished", "EventReleased"],
    ...     "this_dn": ["7001", "7001"], "conn_id": ["c1", "c1"], "call_state": [None, 1]}), EVENTS)
    >>> "CallTransferMade" in derive_calls(ev, DeriveContext())["action"].to_list()
    True
    """
    out = []
    if call_pairs is not None and call_pairs.height:
        ended = call_pairs.filter(pl.col("e_ts").is_not_null())
        # CALL-10: the transferring DN releases its call with CallState 1.
        made = _one_made_per_transfer(ended.filter(pl.col("e__reason") == "transferred"))
        out.append(_momentary(made, pl.lit("CallTransferMade"), "e_ts", "e_conn_id", "s_ct", "e_queue",
                              "e_source", "e_line"))
        # CALL-9: a party change of an established call: taken here, or completed elsewhere.
        # A party change with CallState 2 merges a consultation into a conference: CALL-11, not a transfer.
        changed = ended.filter((pl.col("e_kind") == "party_changed")
                               & (pl.col("e_call_state") != CONFERENCED).fill_null(True))
        taken = ((pl.col("e_third_party_dn_role") == TRANSFERRED_BY) | (pl.col("e_other_dn_role") == TRANSFERRED_BY)
                 | (pl.col("s_ct") == CONSULT)).fill_null(False)
        action = pl.when(taken).then(pl.lit("CallTransferTaken")).otherwise(pl.lit("CallTransferPartyChanged"))
        out.append(_momentary(changed, action, "e_ts", "e_conn_id", "e_ct", "e_queue", "e_source", "e_line"))
    real = ev.filter(pl.col("_sub") == 0)
    # CALL-10 single-step / mute transfer: the target's first leg event names it TransferredBy.
    first = real.filter((pl.col(GROUP) != pl.col(GROUP).shift(1)).fill_null(True)
                        & (pl.col("kind") != "party_changed")
                        & (pl.col("third_party_dn_role") == TRANSFERRED_BY).fill_null(False))
    out.append(_momentary(first, pl.lit("CallTransferTaken"), "ts", "conn_id", "ct", "queue", "source", "line"))
    # CALL-11 roles, checked in this order: requester, merging consulted party, others.
    added = real.filter((pl.col("kind") == "party_added") & ~pl.col("observer"))
    conf = (pl.when(pl.col("conf_made")).then(pl.lit("CallConferenceMade"))
            .when(pl.col("this_dn_role").is_in(JOINED_ROLES).fill_null(False)).then(pl.lit("CallConferenceJoined"))
            .otherwise(pl.lit("CallConferencePartyAdded")))
    out.append(_momentary(added, conf, "ts", "conn_id", "ct", "queue", "source", "line"))
    deleted = real.filter((pl.col("kind") == "party_deleted") & ~pl.col("self_deleted"))
    out.append(_momentary(deleted, pl.lit("CallConferencePartyDeleted"), "ts", "conn_id", "ct", "queue",
                          "source", "line"))
    return pl.concat([f for f in out], how="vertical_relaxed")
