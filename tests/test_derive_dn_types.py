"""OBJ-1: DN types from the objects file, else inferred from the events."""

import polars as pl

from statcli.derive.dn_types import MEDIATION_TYPES, dn_type_frame, infer_dn_types
from statcli.objects import Objects
from statcli.schema import EVENTS, conform

KV = [{"key": "SIGNATURE", "value": "router"}, {"key": "VQID", "value": "N6NK0001"}]


def _events(rows):
    return conform(pl.DataFrame(rows), EVENTS)


def test_obj1_inference_order():
    ev = _events({
        "event": ["EventRouteRequest", "EventQueued", "EventQueued", "EventDiverted", "EventRinging",
                  "EventQueued", "EventRouteUsed"],
        "this_dn": ["5000", "VQ_Sales", "7000", "VQ_Sales", "7001", "5001", "5001"],
        "extensions": [None, KV, None, KV[:1], None, None, None],
    })
    assert infer_dn_types(ev) == {"5000": "RoutingPoint", "5001": "RoutingPoint", "7000": "ACDQueue",
                                  "7001": "Extension", "VQ_Sales": "VirtualQueue"}


def test_obj1_vqid_key_alone_makes_a_virtual_queue():
    ev = _events({"event": ["EventQueued"], "this_dn": ["VQ1"],
                  "extensions": [[{"key": "VQID", "value": "X"}]]})
    assert infer_dn_types(ev) == {"VQ1": "VirtualQueue"}


def test_obj1_urs_distributed_event_via_user_event():
    ev = _events({"event": ["RequestDistributeEvent"], "user_event": ["EventQueued"], "this_dn": ["VQ2"],
                  "extensions": [KV]})
    assert infer_dn_types(ev)["VQ2"] == "VirtualQueue"


def test_obj1_configured_types_win_and_are_added():
    ev = _events({"event": ["EventQueued", "EventRinging"], "this_dn": ["7000", "7001"]})
    types = infer_dn_types(ev.lazy(), Objects(dn_types={"7000": "RoutingQueue", "9999": "ACDPosition"}))
    assert types == {"7000": "RoutingQueue", "7001": "Extension", "9999": "ACDPosition"}


def test_obj1_mediation_frame():
    frame = dn_type_frame({"7000": "ACDQueue", "7001": "Extension", "VQ": "VirtualQueue"})
    assert frame.filter("mediation")["dn"].to_list() == ["7000", "VQ"]
    assert "Extension" not in MEDIATION_TYPES
