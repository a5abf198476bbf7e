"""T-Library vocabulary as data (log-formats §5.9 and §8).

The parser reads these tables instead of spelling attribute or enum names in
code: which ``Attribute…`` line fills which events column and how its value is
typed, which key-value attributes are lists, and the numeric enumerations
(kept raw in the tables; decoded names are for display).
"""

from __future__ import annotations

#: ``Attribute…`` name → (events column, value type). Types: ``str`` (quotes
#: stripped), ``int`` (leading integer of ``N (label)``), ``connid`` (16 hex
#: digits, lower-cased), ``hex`` (hexadecimal unsigned integer).
ATTRIBUTE_COLUMNS: dict[str, tuple[str, str]] = {
    "AttributeEventSequenceNumber": ("seq", "hex"),
    "AttributeThisDN": ("this_dn", "str"),
    "AttributeThisQueue": ("this_queue", "str"),
    "AttributeOtherDN": ("other_dn", "str"),
    "AttributeOtherQueue": ("other_queue", "str"),
    "AttributeThirdPartyDN": ("third_party_dn", "str"),
    "AttributeThisDNRole": ("this_dn_role", "int"),
    "AttributeOtherDNRole": ("other_dn_role", "int"),
    "AttributeThirdPartyDNRole": ("third_party_dn_role", "int"),
    "AttributeConnID": ("conn_id", "connid"),
    "AttributePreviousConnID": ("previous_conn_id", "connid"),
    "AttributeTransferConnID": ("transfer_conn_id", "connid"),
    "AttributeCallUUID": ("call_uuid", "str"),
    "AttributeCallID": ("call_id", "int"),
    "AttributeCallType": ("call_type", "int"),
    "AttributeCallState": ("call_state", "int"),
    "AttributeAgentID": ("agent_id", "str"),
    "AttributePlace": ("place", "str"),
    "AttributeAgentWorkMode": ("work_mode", "int"),
    "AttributeANI": ("ani", "str"),
    "AttributeDNIS": ("dnis", "str"),
    "AttributeCtrlParty": ("ctrl_party", "str"),
    "AttributeReferenceID": ("reference_id", "int"),
    "AttributeUserEvent": ("user_event", "str"),
    "AttributeAddressInfoType": ("address_info_type", "int"),
    "AttributeAddressInfoStatus": ("address_info_status", "int"),
    "AttributeErrorCode": ("error_code", "int"),
    "AttributeMediaType": ("media_type", "int"),
    "AttributeCustomerID": ("customer_id", "str"),
    "AttributeTimeinSecs": ("_timein_secs", "int"),
    "AttributeTimeinuSecs": ("_timein_usecs", "int"),
}

#: Key-value list attributes → events column (log-formats §5.4).
KV_ATTRIBUTES: dict[str, str] = {
    "AttributeUserData": "user_data",
    "AttributeExtensions": "extensions",
    "AttributeReason": "reasons",
    "AttributeReasons": "reasons",
}

#: Leading digit of Extensions ``ReleasingParty`` → ``releasing_party`` (seed 003, §8.9).
RELEASING_PARTY = {"1": "local", "2": "remote", "3": "unknown"}

#: Events whose Extensions ``AgentStatus`` is the seed 001 snapshot code (§8.8).
AGENT_STATUS_EVENTS = ("EventRegistered", "EventAddressInfo")

CALL_TYPES = {0: "Unknown", 1: "Internal", 2: "Inbound", 3: "Outbound", 4: "Consult"}

DN_ROLES = {0: "Unknown", 1: "Origination", 2: "Destination", 3: "ConferenceMember", 4: "NewParty",
            5: "AddedBy", 6: "DeletedBy", 7: "TransferredBy", 8: "DeletedParty", 9: "ConferencedBy",
            10: "Observer"}

AGENT_WORK_MODES = {0: "Unknown", 1: "ManualIn", 2: "AutoIn", 3: "AfterCallWork", 4: "AuxWork",
                    5: "NoCallDisconnect", 6: "WalkAway", 7: "ReturnBack"}

CALL_STATES = {0: "Ok", 1: "Transferred", 2: "Conferenced", 3: "GeneralError", 4: "SystemError",
               5: "RemoteRelease", 6: "Busy", 7: "NoAnswer", 8: "SitDetected",
               9: "AnsweringMachineDetected", 10: "AllTrunksBusy", 11: "SitInvalidnum", 12: "SitVacant",
               13: "SitIntercept", 14: "SitUnknown", 15: "SitNocircuit", 16: "SitReorder",
               17: "FaxDetected", 18: "QueueFull", 19: "Cleared", 20: "Overflowed", 21: "Abandoned",
               22: "Redirected", 23: "Forwarded", 24: "Consult", 25: "Pickedup", 26: "Dropped",
               27: "Droppednoanswer", 28: "Unknown", 29: "Covered", 30: "ConverseOn", 31: "Bridged",
               49: "Deafened", 50: "Held"}

ADDRESS_INFO_TYPES = {0: "AddressStatus", 1: "MessageWaitingStatus", 2: "AssociationStatus",
                      3: "CallForwardingStatus", 4: "AgentStatus", 5: "NumberOfAgentsInQueue",
                      6: "NumberOfAvailableAgentsInQueue", 7: "NumberOfCallsInQueue", 8: "AddressType",
                      9: "CallsQuery", 10: "SendAllCallsStatus", 11: "QueueLoginAudit",
                      12: "NumberOfIdleClassifiers", 13: "NumberOfClassifiersInUse", 14: "NumberOfIdleTrunks",
                      15: "NumberOfTrunksInUse", 16: "DatabaseValue", 17: "DNStatus", 18: "QueueStatus"}

#: Seed 001 AgentStatus snapshot codes (not AgentWorkMode!).
SNAPSHOT_AGENT_STATUS = {2: "READY", 3: "NOT_READY", 4: "ACW", 5: "Walk_Away"}


def decode(table: dict[int, str], value: int | None) -> str | None:
    """Name of an enumeration value; ``Unknown(<n>)`` for values not in the table.

    Examples
    --------
    >>> decode(CALL_TYPES, 2), decode(CALL_TYPES, 9)
    ('Inbound', 'Unknown(9)')
    """
    if value is None:
        return None
    return table.get(value, f"Unknown({value})")
