"""The objects configuration (DESIGN.md §5): loading, errors and inference from the logs (OBJ-1)."""

import polars as pl
import pytest

from statcli.errors import UserError
from statcli.objects import infer_objects, load_objects, objects_report
from statcli.schema import EVENTS, conform

FULL = """
[agents.a1001]
name = "Ann Lee"
place = "P7001"

[agents.a1002]

[places.P7001]
dns = ["7001"]

[places.P7002]
dns = ["7002", "7012"]

[dns."7000"]
type = "ACDQueue"

[dns."7100"]
type = "VirtualQueue"

[agent_groups.Sales]
agents = ["a1001", "a1002"]
origination_dns = ["7000"]

[place_groups.SalesPlaces]
places = ["P7001", "P7002"]

[queue_groups.SalesQueues]
dns = ["7000", "7100"]
"""


def _write(tmp_path, text):
    path = tmp_path / "objects.toml"
    path.write_text(text)
    return path


def test_design_example_loads(tmp_path):
    obj = load_objects(_write(tmp_path, FULL))
    assert obj.agents["a1001"] == {"name": "Ann Lee", "place": "P7001"}
    assert obj.places == {"P7001": ["7001"], "P7002": ["7002", "7012"]}
    assert obj.dn_types == {"7000": "ACDQueue", "7100": "VirtualQueue"}
    assert obj.agent_groups == {"Sales": ["a1001", "a1002"]}
    assert obj.origination_dns == {"Sales": ["7000"]}
    assert obj.place_groups == {"SalesPlaces": ["P7001", "P7002"]}
    assert obj.queue_groups == {"SalesQueues": ["7000", "7100"]}
    assert obj.place_of_dn()["7012"] == "P7002"
    assert obj.inferred == {}
    report = objects_report(obj)
    assert set(report["origin"]) == {"configured"}
    assert report.filter(section="places", key="P7002")["value"].item() == "7002, 7012"


@pytest.mark.parametrize("text, key", [
    ("[teams.x]\n", "[teams]"),
    ("[agents.a1]\nplac = 'P1'\n", "'plac' in [agents.a1]"),
    ("agents = 3\n", "[agents]"),
    ("[dns.'7000']\ntype = 'Queue'\n", "dns.7000.type"),
    ("[places.P1]\ndns = '7001'\n", "places.P1.dns"),
    ("[agents.a1]\nname = 3.5\n", "agents.a1.name"),
    ("[agents.a1]\nplace = 'P9'\n", "agents.a1.place"),
    ("[agent_groups.G]\nagents = ['ghost']\n", "agent_groups.G.agents"),
    ("[place_groups.G]\nplaces = ['P9']\n", "place_groups.G.places"),
    ("[places.P1]\ndns = ['7001']\n[places.P2]\ndns = ['7001']\n", "places.P2.dns"),
    ("[dns.'7001']\ntype = 'Extension'\n[queue_groups.Q]\ndns = ['7001']\n", "queue_groups.Q.dns"),
    ("[dns.'7001']\ntype = 'Extension'\n[agent_groups.G]\norigination_dns = ['7001']\n",
     "agent_groups.G.origination_dns"),
    ("[dns.'7000']\ntype = 'ACDQueue'\n[places.P1]\ndns = ['7000']\n", "places.P1.dns"),
    ("[agents.a1\n", "not valid TOML"),
])
def test_user_errors_name_the_file_and_the_key(tmp_path, text, key):
    path = _write(tmp_path, text)
    with pytest.raises(UserError) as err:
        load_objects(path)
    message = str(err.value)
    assert str(path) in message and key in message
    assert "\n" not in message  # one clear line


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="objects file not found"):
        load_objects(tmp_path / "nope.toml")


def _events():
    return conform(pl.DataFrame({
        "event": ["EventAgentLogin", "EventAgentReady", "EventQueued", "EventRinging", "EventRouteRequest",
                  "EventAgentLogin", "EventAgentLogin", "EventRinging"],
        "this_dn": ["7001", "7001", "7000", "7001", "5000", "7002", "7001", "7009"],
        "agent_id": ["a1", "a1", None, None, None, "a2", "a2", "a7"],
        "place": ["P1", None, None, None, None, "P2", "P1", None],
    }), EVENTS)


def test_inference_without_a_configuration_file():
    obj = infer_objects(_events())
    # Agent ↔ DN from login events (an agent that moved appears on both DNs); the
    # ringing event's AgentID is no login evidence.
    assert obj.agent_dns == {"a1": ["7001"], "a2": ["7001", "7002"]}
    assert set(obj.agents) == {"a1", "a2"}
    assert obj.places == {"P1": ["7001"], "P2": ["7002"]}
    # DN types come from statcli.derive.dn_types (OBJ-1), not from a second inference here.
    assert obj.dn_types == {"5000": "RoutingPoint", "7000": "ACDQueue", "7001": "Extension",
                            "7002": "Extension", "7009": "Extension"}
    assert obj.agent_groups == {} and obj.queue_groups == {}
    report = objects_report(obj)
    assert set(report["origin"]) == {"inferred"}
    assert report.filter(section="agents", key="a2")["value"].item() == "7001, 7002"


def test_inference_completes_a_configuration_without_overriding_it(tmp_path):
    configured = load_objects(_write(tmp_path, '[places.Desk]\ndns = ["7001"]\n'
                                                '[dns."7009"]\ntype = "ACDPosition"\n'))
    obj = infer_objects(_events(), objects=configured)
    assert obj.places == {"Desk": ["7001"], "P2": ["7002"]}  # 7001 stays in its configured place
    assert obj.dn_types["7009"] == "ACDPosition"
    assert obj.inferred["places"] == ["P2"]
    assert "7009" not in obj.inferred["dn_types"]
    report = objects_report(obj)
    assert report.filter(section="places", key="Desk")["origin"].item() == "configured"
    assert report.filter(section="places", key="P2")["origin"].item() == "inferred"
    assert configured.places == {"Desk": ["7001"]}  # the input is not modified


def test_inference_takes_given_dn_types():
    obj = infer_objects(_events(), {"7000": "ACDQueue"})
    assert obj.dn_types == {"7000": "ACDQueue"}


def test_inference_on_events_without_place_column():
    ev = conform(pl.DataFrame({"event": ["EventAgentLogin"], "this_dn": ["7001"], "agent_id": ["a1"]}),
                 EVENTS).drop("place")
    obj = infer_objects(ev.lazy())
    assert obj.places == {} and obj.agent_dns == {"a1": ["7001"]}
