"""The regular-DN call rules (reference §2.3) as data.

Each durable call action is a *family*: a list of :class:`Rule` rows, first
match wins, saying for one kind of call event on a (DN, call leg) whether it
starts the action (``S``), ends it (``E``), ends and restarts it (``ES``, a
party change) or only looks at it (``N``), plus the retrospective action the
end emits, the ``end_reason`` and the momentary action a start emits.
:mod:`statcli.derive.calls` compiles these tables into Polars expressions, so
a rule change is a table edit, not a code change.

``{type}`` in an action name is the call type of the action's start
(``Inbound``, ``Outbound``, ``Internal``, ``Consult``, ``Unknown``).
"""

from __future__ import annotations

from typing import NamedTuple

#: TEvent → call event kind. EventAddressInfo counts only with info type 9
#: (CallsQuery, REG-8); the broadcast kinds ``stuck`` (EventCallDeleted,
#: STUCK-1) and ``lost`` (REG-10) are inserted by the preparation step.
EVENT_KINDS: dict[str, str] = {
    "EventDialing": "dialing",
    "EventRinging": "ringing",
    "EventEstablished": "established",
    "EventHeld": "held",
    "EventRetrieved": "retrieved",
    "EventReleased": "released",
    "EventAbandoned": "abandoned",
    "EventDiverted": "diverted",
    "EventPartyChanged": "party_changed",
    "EventPartyAdded": "party_added",
    "EventPartyDeleted": "party_deleted",
    "EventAddressInfo": "calls_query",
}

#: AttributeCallType → the name used in ``Call<Type>`` actions (0 and missing: Unknown).
CALL_TYPE_NAMES: dict[int, str] = {0: "Unknown", 1: "Internal", 2: "Inbound", 3: "Outbound", 4: "Consult"}

#: AttributeCallState → release class of an EventReleased (CALL-1, CALL-2, CALL-5).
RELEASE_STATES: dict[int, str] = {1: "transferred", 2: "conferenced", 22: "redirected", 23: "redirected"}

#: Call-type actions that have Originated / Received variants (CALL-4).
DIRECTIONAL_TYPES = ("Internal", "Consult")

#: Monitoring-loss events (REG-10): per DN and per T-Server.
DN_LOSS_EVENTS = ("EventDNOutOfService",)
SERVER_LOSS_EVENTS = ("EventLinkDisconnected",)
#: EventAddressInfo info type that reports ongoing calls (REG-8).
CALLS_QUERY = 9
#: AddressInfoStatus values (AddressStatus codes) read as the party state of a
#: CallsQuery answer (REG-9c, [rec L]): 4 Ringing, 5 Held.
CALLS_QUERY_ALERTING = 4
CALLS_QUERY_HELD = 5

#: DN roles that name the party that requested a conference: 5 AddedBy, 9 ConferencedBy (CALL-11).
CONFERENCE_REQUESTER_ROLES = (5, 9)
#: CallState of a party change that merges a consultation into a conference, not a transfer.
CONFERENCED = 2

RELEASE = ("released", "abandoned")
ENDS = ("stuck", "lost")


class Rule(NamedTuple):
    """One row of a family table (first match wins).

    ``kinds`` are call event kinds; ``when`` names a boolean column that must be
    true; ``rel`` the release class (``RELEASE_STATES`` value, ``abandoned`` or
    ``other``); ``by`` the resolved ``released_by``.
    """

    kinds: tuple[str, ...]
    marker: str
    retro: str | None = None
    reason: str | None = None
    started: str | None = None
    when: str | None = None
    rel: str | None = None
    by: str | None = None


def _stuck_lost(stuck_retro: str | None = None) -> list[Rule]:
    return [Rule(("stuck",), "E", stuck_retro, "stuck_cleaned"),
            Rule(("lost",), "E", None, "monitoring_lost")]   # REG-10: no retrospective action


#: CALL-1 CallDialing.
DIALING = [
    Rule(("dialing",), "S", started="CallDialingStarted"),
    Rule(("established",), "E", "CallDialed", "answered"),
    Rule(RELEASE, "E", "CallDialTransferred", "transferred", rel="transferred"),
    Rule(RELEASE, "E", "CallDialConferenced", "conferenced", rel="conferenced"),
    Rule(RELEASE, "E", "CallAbandonedFromDialing", "abandoned"),
    *_stuck_lost(),
]

#: CALL-2 CallRinging (a party change re-keys it: CALL-2 (d), handled in code).
RINGING = [
    Rule(("ringing",), "S", started="CallRingingStarted"),
    Rule(("calls_query",), "S", when="q_alerting"),                       # REG-9c
    Rule(("established",), "E", "CallAnswered", "answered", when="not_observer"),
    Rule(("abandoned",), "E", "CallAbandonedFromRinging", "abandoned"),
    Rule(("released",), "E", "CallAbandonedFromRinging", "abandoned", by="remote"),
    Rule(("released",), "E", "CallForwarded", "rejected", by="local"),
    Rule(("released",), "E", "CallForwarded", "diverted", rel="redirected"),
    Rule(("released",), "E", "CallAbandonedFromRinging", "abandoned"),
    Rule(("diverted",), "E", "CallForwarded", "diverted"),
    Rule(("party_changed",), "N"),
    *_stuck_lost("StuckCallCleanedWhileRinging"),
]

#: CALL-5 CallOnHold (a party change moves it to the new ConnID: same leg).
HOLD = [
    Rule(("held",), "S", started="CallHeld"),
    Rule(("calls_query",), "S", when="q_held"),                           # REG-9c
    Rule(("retrieved",), "E", "CallRetrievedFromHold", "retrieved"),
    Rule(RELEASE, "E", "TransferredFromHold", "transferred", rel="transferred"),
    Rule(("abandoned",), "E", "CallAbandonedFromHold", "abandoned"),
    Rule(("released",), "E", "CallAbandonedFromHold", "abandoned", by="remote"),
    Rule(RELEASE, "E", None, "released"),
    *_stuck_lost(),
]

#: CALL-3 / CALL-9 / REG-8 call-type actions.
CALL_TYPE = [
    Rule(("established",), "S", started="Call{type}Started", when="not_observer"),
    Rule(("calls_query",), "S", started="Call{type}Started"),             # REG-8
    Rule(("party_changed",), "ES", "CallPartyChanged", "party_changed", when="not_alerting"),
    Rule(RELEASE, "E", "Call{type}Completed", "transferred", rel="transferred"),
    Rule(RELEASE, "E", "Call{type}Completed", "conferenced", rel="conferenced"),
    Rule(("abandoned",), "E", "Call{type}Completed", "abandoned"),
    Rule(RELEASE, "E", "Call{type}Completed", "released"),
    *_stuck_lost(),
]

#: CALL-6 CallObserved.
OBSERVED = [
    Rule(("established", "party_added"), "S", when="observer"),
    Rule(RELEASE, "E", None, "released"),
    Rule(("party_deleted",), "E", None, "party_deleted", when="self_deleted"),
    *_stuck_lost(),
]

#: CALL-7 / CALL-11 CallConferenceOriginated.
CONFERENCE = [
    Rule(("party_added",), "S", when="conf_made"),
    Rule(RELEASE, "E", None, "released"),
    Rule(("party_deleted",), "E", None, "party_deleted", when="self_deleted"),
    *_stuck_lost(),
]

#: Family name → (durable action, rule table). ``Call{type}`` is CALL_TYPE.
FAMILIES: dict[str, tuple[str, list[Rule]]] = {
    "dialing": ("CallDialing", DIALING),
    "ringing": ("CallRinging", RINGING),
    "hold": ("CallOnHold", HOLD),
    "call_type": ("Call{type}", CALL_TYPE),
    "observed": ("CallObserved", OBSERVED),
    "conference": ("CallConferenceOriginated", CONFERENCE),
}
