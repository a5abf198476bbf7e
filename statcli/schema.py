"""The data contracts between statcli's stages, in one place.

Every table statcli produces has one schema here (DESIGN.md §1–4). Stages build
their output with :func:`conform` and tests check it with :func:`validate`, so a
column can never silently change name or type between the parser, the
derivation stage, the report and a user's notebook.

Each schema is an ordered mapping of column name to Polars dtype. ``REQUIRED``
names the binding columns of each contract; the other columns are statcli's
documented additions.

Examples
--------
>>> import polars as pl
>>> from statcli.schema import EVENTS, conform, validate
>>> df = conform(pl.DataFrame({"event": ["EventRinging"]}), EVENTS)
>>> validate(df, EVENTS).width == len(EVENTS)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

UTC_US = pl.Datetime("us", "UTC")
NAIVE_US = pl.Datetime("us")
#: A T-Library key-value list (UserData, Extensions, Reasons) in log order.
KV_LIST = pl.List(pl.Struct({"key": pl.String, "value": pl.String}))
#: Any other attribute line of a block: name and raw value text.
ATTR_LIST = pl.List(pl.Struct({"name": pl.String, "value": pl.String}))


@dataclass(frozen=True)
class TableSchema:
    """A named table contract: ordered columns and the binding subset.

    Parameters
    ----------
    name : str
        Contract name, written into Parquet metadata (``statcli.schema``).
    columns : dict
        Column name → Polars dtype, in output order.
    required : tuple of str
        Columns fixed by DESIGN.md; the rest are statcli additions.
    doc : dict
        Column name → one-line meaning, rendered into the README.
    """

    name: str
    columns: dict[str, pl.DataType]
    required: tuple[str, ...]
    doc: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.columns)

    def __iter__(self):
        return iter(self.columns)

    @property
    def polars(self) -> pl.Schema:
        """The schema as a :class:`polars.Schema`."""
        return pl.Schema(self.columns)

    def empty(self) -> pl.DataFrame:
        """An empty DataFrame with exactly these columns."""
        return pl.DataFrame(schema=self.polars)


def _table(name: str, rows: list[tuple[str, pl.DataType, bool, str]]) -> TableSchema:
    return TableSchema(
        name=name,
        columns={c: t for c, t, _, _ in rows},
        required=tuple(c for c, _, req, _ in rows if req),
        doc={c: d for c, _, _, d in rows},
    )


# --- §1 events -------------------------------------------------------------------------
EVENTS = _table(
    "events",
    [
        ("ts", UTC_US, True, "when the server distributed the event (log time, date resolved, in UTC)"),
        ("log_time", NAIVE_US, True, "the same instant as printed in the log (local wall clock)"),
        ("source_ts", UTC_US, True, "AttributeTimeinSecs + AttributeTimeinuSecs, when present"),
        ("source", pl.String, True, "the log file (path as given; `archive.zip:member` for zip members)"),
        ("line", pl.Int64, True, "1-based line number of the block's first line in `source`"),
        ("server", pl.String, True, "application name from the log header (file stem when absent)"),
        ("event", pl.String, True, "the TEvent name, e.g. EventRinging"),
        ("seq", pl.UInt64, True, "AttributeEventSequenceNumber (hex in the log)"),
        ("this_dn", pl.String, True, "AttributeThisDN, quotes removed"),
        ("this_queue", pl.String, True, "AttributeThisQueue"),
        ("other_dn", pl.String, True, "AttributeOtherDN"),
        ("other_queue", pl.String, True, "AttributeOtherQueue"),
        ("third_party_dn", pl.String, True, "AttributeThirdPartyDN"),
        ("this_dn_role", pl.Int8, True, "T-Library DN role code of ThisDN"),
        ("other_dn_role", pl.Int8, True, "DN role code of OtherDN"),
        ("third_party_dn_role", pl.Int8, True, "DN role code of ThirdPartyDN"),
        ("conn_id", pl.String, True, "AttributeConnID, 16 lowercase hex digits"),
        ("previous_conn_id", pl.String, True, "AttributePreviousConnID"),
        ("transfer_conn_id", pl.String, True, "AttributeTransferConnID"),
        ("call_uuid", pl.String, True, "AttributeCallUUID"),
        ("call_id", pl.Int64, True, "AttributeCallID"),
        ("call_type", pl.Int8, True, "0 Unknown, 1 Internal, 2 Inbound, 3 Outbound, 4 Consult"),
        ("call_state", pl.Int16, True, "AttributeCallState"),
        ("agent_id", pl.String, True, "AttributeAgentID"),
        ("place", pl.String, True, "AttributePlace"),
        ("work_mode", pl.Int8, True, "AttributeAgentWorkMode (3 = AfterCallWork)"),
        ("ani", pl.String, True, "AttributeANI"),
        ("dnis", pl.String, True, "AttributeDNIS"),
        ("releasing_party", pl.String, True, "local / remote / unknown, from Extensions ReleasingParty (seed 003)"),
        ("ctrl_party", pl.String, True, "AttributeCtrlParty, raw (seed 003)"),
        ("agent_status", pl.Int8, True, "AgentStatus of EventRegistered / EventAddressInfo Extensions (seed 001)"),
        ("user_data", KV_LIST, True, "AttributeUserData pairs in log order; nested pairs as parent.child"),
        ("extensions", KV_LIST, True, "AttributeExtensions pairs"),
        ("reasons", KV_LIST, True, "AttributeReason pairs"),
        ("attributes", ATTR_LIST, True, "every other attribute line: name and raw value"),
        ("context", pl.String, False, "header context: distribute_event, send_to_client, … or `client` for received dumps"),
        ("tag", pl.String, False, "the bracket tag of the event header ([0])"),
        ("server_version", pl.String, False, "server version printed in the event header"),
        ("reference_id", pl.Int64, False, "AttributeReferenceID"),
        ("user_event", pl.String, False, "AttributeUserEvent (the event a RequestDistributeEvent names)"),
        ("address_info_type", pl.Int16, False, "AttributeAddressInfoType (9 CallsQuery, 17 DNStatus)"),
        ("address_info_status", pl.Int32, False, "AttributeAddressInfoStatus"),
        ("error_code", pl.Int32, False, "AttributeErrorCode"),
        ("media_type", pl.Int16, False, "AttributeMediaType"),
        ("customer_id", pl.String, False, "AttributeCustomerID (tenant)"),
        ("note", pl.String, False, "free `(text)` line inside the block, e.g. an EventError reason"),
        ("tz_source", pl.String, False, "how `ts` got its UTC offset: tz-option, header, timeinsecs, utc"),
    ],
)

# --- §2 campaign_events ---------------------------------------------------------------
CAMPAIGN_EVENTS = _table(
    "campaign_events",
    [
        ("ts", UTC_US, True, "when OCS logged the occurrence, in UTC"),
        ("log_time", NAIVE_US, True, "the same instant as printed in the log"),
        ("source", pl.String, True, "the log file"),
        ("line", pl.Int64, True, "1-based line number"),
        ("server", pl.String, True, "OCS application name"),
        ("kind", pl.String, True, "what happened: group_loaded / group_started / group_stopped / group_unloaded, "
                                  "dial_mode_changed, waiting_{agents,ports,records}_{start,over}, "
                                  "system_error_{start,over}, dial_completed, record_finalized, chain_finalized, "
                                  "callback_{scheduled,completed,missed}, agent_error, records_scheduled, records_ready"),
        ("campaign", pl.String, True, "campaign name"),
        ("group", pl.String, True, "agent/place group name of the campaign group"),
        ("calling_list", pl.String, True, "calling list name"),
        ("dial_mode", pl.String, True, "dial mode as its Stat Server action name (Predict, Progress, Preview, …)"),
        ("call_result", pl.Int16, True, "OCS call_result code"),
        ("record_handle", pl.Int64, True, "OCS record handle"),
        ("chain_id", pl.Int64, True, "chain id of the record"),
        ("agent_id", pl.String, True, "agent involved"),
        ("this_dn", pl.String, True, "DN involved"),
        ("user_data", KV_LIST, True, "key-value data of the occurrence"),
        ("attributes", ATTR_LIST, True, "every other field: name and raw value"),
        ("source_ts", UTC_US, False, "AttributeTimeinSecs + uSecs of a client-side TEvent dump"),
        ("evidence", pl.String, False, "what reported it: lifecycle, cm:<message>, user_event:<name>, "
                                       "agent_request:<name>, stat_event:<code>, db_update, db_count"),
        ("chain_n", pl.Int32, False, "position of the record in its chain"),
        ("attempt", pl.Int32, False, "attempt number of the record"),
        ("record_status", pl.Int16, False, "record_status written or reported (3 Updated, 6 Agent Error, …)"),
        ("record_type", pl.Int16, False, "record_type (2 General, 5 Personal CallBack, 6 Campaign CallBack, …)"),
        ("callback_type", pl.String, False, "personal / campaign for callback kinds"),
        ("count", pl.Int64, False, "records_ready: the ready (unprocessed) record count of the list"),
        ("campaign_dbid", pl.Int64, False, "campaign DBID when the log names it by DBID"),
        ("group_dbid", pl.Int64, False, "group DBID when the log names it by DBID"),
        ("list_dbid", pl.Int64, False, "calling-list DBID when the log names it by DBID"),
        ("tz_source", pl.String, False, "how `ts` got its UTC offset: tz-option, header, timeinsecs, utc"),
    ],
)

# --- §3 actions -----------------------------------------------------------------------
ACTIONS = _table(
    "actions",
    [
        ("object_type", pl.String, True, "RegDN, Queue, RoutePoint, Agent, Place, GroupAgents, GroupPlaces, GroupQueues, Campaign, …"),
        ("object_id", pl.String, True, "DN number, agent ID, place, group, campaign; `Campaign@Group`, `Campaign@List`"),
        ("action", pl.String, True, "a name from the action catalog, e.g. CallRinging"),
        ("kind", pl.String, True, "durable, momentary, retrospective"),
        ("start", UTC_US, True, "durable: start; momentary: when it occurred; retrospective: start of the reported period"),
        ("end", UTC_US, True, "durable: end, null while open at the end of the logs; momentary: = start; retrospective: when it occurred"),
        ("duration", pl.Duration("us"), True, "end − start, exact; null when open; 0 for momentary"),
        ("duration_s", pl.Int64, True, "whole seconds: floor(end) − floor(start) (TIME-2)"),
        ("dn", pl.String, True, "the DN where it happened (kept on propagated rows)"),
        ("dn_type", pl.String, True, "Extension, ACDPosition, ACDQueue, RoutingPoint, VirtualQueue, …"),
        ("conn_id", pl.String, True, "ConnID for interaction-related actions"),
        ("call_type", pl.Int8, True, "call type of the interaction"),
        ("agent_id", pl.String, True, "agent logged in on the DN at the time"),
        ("released_by", pl.String, True, "local / remote / unknown for actions ended by a release (seed 003)"),
        ("user_data", KV_LIST, True, "the call's attached data when the action ended"),
        ("source", pl.String, True, "log file of the event that emitted this row"),
        ("line", pl.Int64, True, "log line of that event"),
        ("action_id", pl.Int64, True, "unique per row"),
        ("origin_id", pl.Int64, True, "on propagated copies: the original row's action_id"),
        ("end_reason", pl.String, True, "why a durable action ended: answered, released, abandoned, diverted, …"),
        ("start_known", pl.Boolean, False, "false when the real start precedes the observed data"),
        ("released_by_dn", pl.String, False, "releasing party from AttributeCtrlParty, when known"),
        ("this_queue", pl.String, False, "the mediation DN the call came from"),
        ("weight", pl.Int64, False, "multiplicity for TotalNumber (1 except campaign record counts)"),
    ],
)

# --- statuses (issue 5) ---------------------------------------------------------------
STATUSES = _table(
    "statuses",
    [
        ("object_type", pl.String, True, "RegDN, Queue, RoutePoint, Agent, Place, GroupAgents, GroupPlaces, …"),
        ("object_id", pl.String, True, "object identifier as in actions"),
        ("status", pl.String, True, "the highest-priority durable action going on (status priority table)"),
        ("start", UTC_US, True, "segment start"),
        ("end", UTC_US, True, "segment end; null while still going on at the end of the logs"),
        ("duration", pl.Duration("us"), True, "end − start; null when open"),
        ("duration_s", pl.Int64, False, "whole seconds: floor(end) − floor(start)"),
    ],
)

# --- §4 statistics --------------------------------------------------------------------
STATISTICS = _table(
    "statistics",
    [
        ("stat_type", pl.String, True, "stat type name"),
        ("category", pl.String, True, "Stat Server category, e.g. TotalNumber"),
        ("subject", pl.String, True, "DNAction, DNStatus, AgentStatus, PlaceStatus, GroupStatus, CampaignAction"),
        ("object_type", pl.String, True, "object type the value is for"),
        ("object_id", pl.String, True, "object the value is for"),
        ("interval_start", UTC_US, True, "interval start"),
        ("interval_end", UTC_US, True, "interval end"),
        ("value", pl.Float64, True, "the statistic's value"),
        ("unit", pl.String, True, "count, seconds, percent, ratio, state"),
        ("state", pl.String, False, "CurrentState: the name of the state at the interval's end"),
        ("partial", pl.Boolean, False, "the interval is not fully covered by the data (OBS-4)"),
        ("valid", pl.Boolean, False, "false where the object was not monitored during the interval (VAL-1)"),
    ],
)

SCHEMAS: dict[str, TableSchema] = {
    s.name: s for s in (EVENTS, CAMPAIGN_EVENTS, ACTIONS, STATUSES, STATISTICS)
}


class SchemaError(ValueError):
    """A table does not match its contract."""


def conform(df: pl.DataFrame, schema: TableSchema, *, keep_extra: bool = False) -> pl.DataFrame:
    """Return ``df`` with exactly the schema's columns, in order and cast.

    Missing columns are added as nulls; columns not in the schema are dropped
    unless ``keep_extra`` is true (they then follow the schema's columns).

    Parameters
    ----------
    df : polars.DataFrame
        A stage's raw output.
    schema : TableSchema
        The contract to conform to.
    keep_extra : bool, default False
        Keep columns the schema does not name.

    Returns
    -------
    polars.DataFrame

    Examples
    --------
    >>> import polars as pl
    >>> conform(pl.DataFrame({"line": [3]}), EVENTS)["line"].dtype
    Int64
    """
    exprs = []
    for name, dtype in schema.columns.items():
        if name in df.columns:
            col = pl.col(name)
            exprs.append(col if df.schema[name] == dtype else col.cast(dtype, strict=False))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    if keep_extra:
        exprs += [pl.col(c) for c in df.columns if c not in schema.columns]
    return df.select(exprs)


def validate(df: pl.DataFrame | pl.LazyFrame, schema: TableSchema) -> pl.DataFrame | pl.LazyFrame:
    """Check that ``df`` holds every schema column with its exact dtype.

    Extra columns are allowed (a stage may add columns); missing or retyped
    ones raise :class:`SchemaError` naming each problem.

    Examples
    --------
    >>> import polars as pl
    >>> bad = EVENTS.empty().with_columns(pl.col("line").cast(pl.Int32))
    >>> validate(bad, EVENTS)
    Traceback (most recent call last):
    ...
    statcli.schema.SchemaError: events: column 'line' is Int32, expected Int64
    """
    actual = df.collect_schema() if isinstance(df, pl.LazyFrame) else df.schema
    problems = []
    for name, dtype in schema.columns.items():
        if name not in actual:
            problems.append(f"missing column {name!r}")
        elif actual[name] != dtype:
            problems.append(f"column {name!r} is {actual[name]}, expected {dtype}")
    if problems:
        raise SchemaError(f"{schema.name}: " + "; ".join(problems))
    return df


def type_name(dtype: pl.DataType) -> str:
    """A short, Arrow-style name of a column type for documentation.

    Examples
    --------
    >>> type_name(UTC_US), type_name(KV_LIST), type_name(pl.Int8)
    ('timestamp[us, UTC]', 'list<struct<key, value>>', 'int8')
    """
    if isinstance(dtype, pl.Datetime):
        return f"timestamp[{dtype.time_unit}{', ' + dtype.time_zone if dtype.time_zone else ''}]"
    if isinstance(dtype, pl.Duration):
        return f"duration[{dtype.time_unit}]"
    if isinstance(dtype, pl.List):
        return f"list<{type_name(dtype.inner)}>"
    if isinstance(dtype, pl.Struct):
        return "struct<" + ", ".join(f.name for f in dtype.fields) + ">"
    return {pl.String: "string", pl.Boolean: "bool"}.get(dtype, str(dtype).lower())


def markdown_table(schema: TableSchema) -> str:
    """Render a schema as a Markdown table (used to keep the README in sync).

    Examples
    --------
    >>> markdown_table(STATISTICS).splitlines()[0]
    '| column | type | meaning |'
    """
    rows = ["| column | type | meaning |", "|---|---|---|"]
    for name, dtype in schema.columns.items():
        mark = "" if name in schema.required else " *(statcli)*"
        rows.append(f"| `{name}` | {type_name(dtype)} | {schema.doc.get(name, '')}{mark} |")
    return "\n".join(rows)
