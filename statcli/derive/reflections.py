"""Follow-the-call reflections on the distributing mediation DN (MED-2, MED-10 to MED-14, VQ-4).

A mediation DN M that delivered a call to regular DN *d* is linked to the
pair (ConnID, *d*) — the MED-2 link — with the call's entry time into M. The
link comes from M's own distribution (``EventDiverted`` / ``EventRouteUsed``)
or, if that comes later or never, from ``EventRinging`` at *d* with
``ThisQueue`` = M; it moves with the call when *d* sees ``EventPartyChanged``
(CALL-9: PreviousConnID / TransferConnID → ConnID). What the regular-DN
families derived at *d* for that ConnID is then reflected on M.
"""

from __future__ import annotations

import polars as pl

from statcli.catalog.actions import action_names
from statcli.derive.medbase import CALL_TYPE_ACTIONS, CALL_TYPE_STARTED, NO_REFLECTION_REASONS, shape

#: Regular-DN action -> where the reflection's period starts: ``entry`` = the
#: call's entry into M (MED-10, MED-11), ``row`` = the regular action's own start
#: (MED-12 to MED-14: ringing time at d).
FOLLOW_ACTIONS: dict[str, str] = {
    "CallAnswered": "entry",
    "CallAbandonedFromRinging": "entry",
    "CallForwarded": "row",
    "CallRingingPartyChanged": "row",
    "StuckCallCleanedWhileRinging": "row",
}
#: How many ConnID changes a link may follow (transfer of a transfer, …).
PARTY_CHANGE_HOPS = 3

_LINK_COLS = ["conn_id", "dn", "med_dn", "med_type", "med_object_type", "med_scope", "entry",
              "link_ts", "link_known"]


def distribution_links(waits: pl.DataFrame, ev: pl.DataFrame, med: pl.DataFrame) -> pl.DataFrame:
    """The MED-2 links: ``conn_id, dn, med_dn, …, entry, link_ts, link_known``.

    ``entry`` is when the call entered M (its CallWait start), ``link_ts`` when
    the link became known, ``link_known`` false when M's CallWait was never
    observed (``entry`` then falls back to the ringing time).
    """
    by_wait = (waits.filter((pl.col("result") == "CallDistributed") & pl.col("target").is_not_null())
               .select("conn_id", pl.col("target").alias("dn"), "med_dn", "med_type", "med_object_type",
                       "med_scope", pl.col("start").alias("entry"), pl.col("end").alias("link_ts"),
                       pl.lit(True).alias("link_known")))
    ringing = (ev.filter((pl.col("event") == "EventRinging") & pl.col("conn_id").is_not_null()
                         & ~pl.col("this_dn").is_in(med["med_dn"].implode()))
               .join(med, left_on="this_queue", right_on="med_dn", how="inner")
               .select("conn_id", pl.col("this_dn").alias("dn"), pl.col("this_queue").alias("med_dn"),
                       "med_type", "med_object_type", "med_scope", pl.col("ts").alias("link_ts"))
               .sort("link_ts"))
    entries = waits.select("med_dn", "conn_id", pl.col("start").alias("_w_start")).sort("_w_start")
    ringing = (ringing.join_asof(entries, left_on="link_ts", right_on="_w_start", by=["med_dn", "conn_id"],
                                 strategy="backward", check_sortedness=False)
               .with_columns(entry=pl.coalesce("_w_start", "link_ts"),
                             link_known=pl.col("_w_start").is_not_null())
               .select(_LINK_COLS))
    links = (pl.concat([by_wait.select(_LINK_COLS), ringing])
             .sort("link_ts")
             .unique(["conn_id", "dn", "med_dn", "entry"], keep="first", maintain_order=True))
    return _follow_party_changes(links, ev)


def _follow_party_changes(links: pl.DataFrame, ev: pl.DataFrame) -> pl.DataFrame:
    """CALL-9: a link of (old ConnID, d) also holds for (new ConnID, d) after EventPartyChanged at d."""
    changes = (ev.filter((pl.col("event") == "EventPartyChanged") & pl.col("conn_id").is_not_null())
               .select(pl.col("this_dn").alias("dn"), pl.col("conn_id").alias("_new"),
                       pl.coalesce("previous_conn_id", "transfer_conn_id").alias("conn_id"),
                       pl.col("ts").alias("_pc_ts"))
               .filter(pl.col("conn_id").is_not_null() & (pl.col("conn_id") != pl.col("_new"))))
    if not changes.height:
        return links
    frontier = links
    for _ in range(PARTY_CHANGE_HOPS):
        moved = (frontier.join(changes, on=["conn_id", "dn"], how="inner")
                 .filter(pl.col("_pc_ts") >= pl.col("link_ts"))
                 .with_columns(conn_id=pl.col("_new"), link_ts=pl.col("_pc_ts"))
                 .select(_LINK_COLS))
        moved = moved.join(links, on=["conn_id", "dn", "med_dn", "entry"], how="anti")
        if not moved.height:
            break
        links = pl.concat([links, moved])
        frontier = moved
    return links


def _latest_link(rows: pl.DataFrame, links: pl.DataFrame, at: str) -> pl.DataFrame:
    """Join rows (with ``_k``) to their links known by time ``at``; one (latest) link per mediation DN."""
    return (rows.join(links, on=["conn_id", "dn"], how="inner")
            .filter(pl.col("link_ts") <= pl.col(at))
            .sort("link_ts")
            .unique(["_k", "med_dn"], keep="last", maintain_order=True))


def _med_target(**extra) -> dict:
    return dict(object_type="med_object_type", object_id="med_dn", scope="med_scope", dn="med_dn",
                dn_type="med_type", this_queue="med_dn", agent_id=pl.lit(None), **extra)


def _allowed_on_vq(df: pl.DataFrame) -> pl.DataFrame:
    """VQ-4: a virtual queue gets only the reflections the catalog lists for virtual queues."""
    vq_actions = action_names("virtual_queue")
    return df.filter((pl.col("scope") != "virtual_queue") | pl.col("action").is_in(vq_actions))


def follow_rows(regular: pl.DataFrame, links: pl.DataFrame, med: pl.DataFrame) -> pl.DataFrame:
    """MED-10 to MED-14 on every mediation DN that distributed the call to the DN."""
    r = (regular.filter(pl.col("action").is_in(list(FOLLOW_ACTIONS)) & pl.col("conn_id").is_not_null()
                        & pl.col("end").is_not_null())
         .with_row_index("_k"))
    hit = _latest_link(r, links, "end")
    from_entry = pl.col("action").replace_strict(FOLLOW_ACTIONS, return_dtype=pl.String) == "entry"
    follow = shape(hit, start=pl.when(from_entry).then("entry").otherwise("start"),
                   start_known=pl.when(from_entry).then("link_known").otherwise("start_known"),
                   **_med_target())

    # MED-10: a call established at d without ringing is answered there too.
    answered = regular.filter(pl.col("action") == "CallAnswered").select("dn", "conn_id", pl.col("end").alias("start"))
    started = (regular.filter(pl.col("action").is_in(CALL_TYPE_STARTED) & pl.col("conn_id").is_not_null())
               .join(answered, on=["dn", "conn_id", "start"], how="anti")
               .with_row_index("_k"))
    direct = _latest_link(started, links, "start")
    direct = shape(direct, action=pl.lit("CallAnswered"), start="entry", end="start", start_known="link_known",
                   released_by=pl.lit(None), **_med_target())
    return _allowed_on_vq(pl.concat([follow, direct]))


def ended_call_types(regular: pl.DataFrame) -> pl.DataFrame:
    """Call-type actions that really ended at the DN (MED-15/16): not a party change,
    stuck clean-up or loss of monitoring (those emit no reflection)."""
    return (regular.filter(pl.col("action").is_in(CALL_TYPE_ACTIONS) & pl.col("end").is_not_null()
                           & ~pl.col("end_reason").fill_null("").is_in(NO_REFLECTION_REASONS))
            .with_row_index("_k"))


def vq_released_rows(regular: pl.DataFrame, links: pl.DataFrame, med: pl.DataFrame) -> pl.DataFrame:
    """VQ-4: CallReleased on the virtual queue that distributed the call (no queue–agent link needed)."""
    ct = ended_call_types(regular)
    hit = _latest_link(ct, links.filter(pl.col("med_scope") == "virtual_queue"), "end")
    return shape(hit, action=pl.lit("CallReleased"), **_med_target())
