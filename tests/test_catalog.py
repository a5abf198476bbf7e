"""The action catalog (statcli/catalog/actions.csv) against the seeds and the shared spec.

Seed 002 (summary table) gives scope, SS_c mode, interaction relation and kind of
every DN action; seed 004 lists the campaign actions; ../shared/spec/actions.csv
is the cleaned reference copy (SSC-4 for the four unmarked SS_c cells).
"""

from __future__ import annotations

import difflib
import re

import polars as pl

from statcli.catalog.actions import action_catalog, action_names

COMPARED = ["action", "scope", "objects", "ss_c", "interaction_related", "kind", "source"]
SCOPE_OF_TAG = {"Regular DNs": "regular_dn", "Mediation DNs": "mediation_dn", "Virtual Queues": "virtual_queue"}


def _seed(shared_dir, prefix):
    return next((shared_dir / "seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def _seed002_rows(text: str) -> list[dict]:
    """Parse the OCR'd tab-separated seed 002 table into (name, scope, ss_c, ixn, kind) rows."""
    rows, width = [], None
    for line in text.splitlines():
        cells = line.split("\t")
        if cells[0] == "Action":
            width = len(cells)
            continue
        if width is None or len(cells) < 9 or not any(cells[1:]):
            continue
        if len(cells) == 10:   # one table page split the SS_c header into two cells
            cells = [cells[0], f"{cells[1]} {cells[2]}"] + cells[3:]
        name_cell, ssc_cell = cells[0], cells[1]
        tag = re.search(r"\((.*?)\)", name_cell)
        base = re.sub(r"\s*\(.*?\)", "", name_cell).strip()
        fragment = re.match(r"[A-Za-z]*", ssc_cell).group(0)   # wrapped end of the name
        mark = ssc_cell[len(fragment):].strip()
        scopes = ([SCOPE_OF_TAG[tag.group(1)]] if tag else
                  [s for s, c in zip(("regular_dn", "media_channel", "mediation_dn"), cells[2:5]) if c.strip()])
        kinds = [k for k, c in zip(("durable", "momentary", "retrospective"), cells[6:9]) if c.strip()]
        for scope in scopes:
            rows.append({"name": base + fragment, "scope": scope, "ss_c": "yes" if mark else "no",
                         "interaction_related": "yes" if cells[5].strip() else "no", "kind": kinds[0]})
    return rows


def test_catalog_kinds_and_columns_are_well_formed():
    cat = action_catalog()
    assert set(cat["kind"]) == {"durable", "momentary", "retrospective"}
    assert set(cat["scope"]) == {"regular_dn", "mediation_dn", "virtual_queue", "media_channel", "campaign"}
    assert cat.select("action", "scope").is_unique().all()
    dn = cat.filter(pl.col("scope") != "campaign")
    assert set(dn["ss_c"]) == {"yes", "no"} and set(dn["interaction_related"]) == {"yes", "no"}
    assert set(cat.filter(pl.col("scope") == "campaign")["ss_c"]) == {"n/a"}   # SSC-5


def test_catalog_matches_the_shared_spec(shared_dir):
    spec = pl.read_csv(shared_dir / "spec" / "actions.csv", infer_schema=False)
    ours = action_catalog()
    key = ["action", "scope"]
    assert ours.select(COMPARED).sort(key).equals(spec.select(COMPARED).sort(key))


def test_catalog_covers_every_seed002_row_with_its_scope_kind_ixn_and_ss_c(shared_dir):
    seed = _seed002_rows(_seed(shared_dir, "002"))
    cat = action_catalog().filter(pl.col("scope") != "campaign")
    names = sorted(set(cat["action"]))
    lower = {n.lower(): n for n in names}
    assert len(seed) == cat.height
    seen = set()
    for row in seed:
        # OCR damage ("Callinbound", "PartyChar nged", "ByIntrusion" as "Byl ntrusion") → closest name
        match = difflib.get_close_matches(row["name"].lower(), list(lower), n=1, cutoff=0.85)
        assert match, row
        action = lower[match[0]]
        entry = cat.filter((pl.col("action") == action) & (pl.col("scope") == row["scope"]))
        assert entry.height == 1, (action, row)
        got = entry.select("kind", "interaction_related", "ss_c").row(0)
        assert got == (row["kind"], row["interaction_related"], row["ss_c"]), (action, row["scope"])
        seen.add((action, row["scope"]))
    assert len(seen) == cat.height   # every catalog DN row is a seed row, once


def test_ssc4_unmarked_seed_cells_are_not_available_in_cluster_mode():
    cat = action_catalog()
    no = cat.filter((pl.col("ss_c") == "no") & pl.col("scope").is_in(["regular_dn", "mediation_dn", "virtual_queue"]))
    assert sorted(no.select("action", "scope").rows()) == [
        ("ASM_Engaged", "regular_dn"), ("ASM_Outbound", "regular_dn"),
        ("CallAbandonedFromRinging", "mediation_dn"), ("CallAbandonedFromRinging", "regular_dn"),
        ("CallAbandonedFromRinging", "virtual_queue"), ("CallRingingPartyChanged", "mediation_dn")]


def test_catalog_lists_every_seed004_campaign_action_and_nothing_else(shared_dir):
    # OCR artefacts of the seed: "Lead0k", a space inside "StatusWaitingRecords"
    text = _seed(shared_dir, "004").replace("Lead0k", "LeadOk").replace("StatusWaiting Records", "StatusWaitingRecords")
    listed = set(re.findall(r"(?:^-|•)\s+([A-Z][A-Za-z]+)\s*$", text, flags=re.M))
    listed |= set(re.findall(r"•\s+([A-Z][A-Za-z]+)", text))
    listed |= {"StatusActivated", "StatusRunning", "StatusDeactivated", "DialRemoteRelease",
               "RecordsNotProcessed", "RecordsScheduled", "LeadProcessed", "DialAnswer", "DialMade"}
    campaign = set(action_names("campaign"))
    assert listed - campaign == set()
    assert {n for n in campaign if n not in text} == set()
    assert len(campaign) == 108


def test_regular_dn_actions_statcli_derives_are_in_the_catalog():
    regular = set(action_names("regular_dn"))
    for name in ("LoggedIn", "LoggedOut", "AgentLogin", "AgentLogout", "WaitForNextCall", "NotReadyForNextCall",
                 "AfterCallWork", "OffHook", "OnHook", "Monitored", "NotMonitored", "UserEvent"):
        assert name in regular
    cat = action_catalog()
    assert cat.filter(action="AgentLogout", scope="regular_dn")["kind"].item() == "retrospective"   # DN-8
    assert cat.filter(action="AgentLogin", scope="regular_dn")["kind"].item() == "momentary"        # DN-7
    assert cat.filter(action="AgentLogin", scope="mediation_dn")["kind"].item() == "durable"        # MED-19a
