"""Stat type definitions: validation (reference §5.1–5.3, §5.9) and the built-in set (§6).

:func:`load_stat_types` reads ``statcli/catalog/stat_types.ini`` (the 50
built-in stat types of §6, as an options file) and, when given, a user's
options export that adds to and overrides them. Every problem is a
:class:`~statcli.errors.UserError` naming file, line, section and key.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from statcli.catalog.actions import action_catalog
from statcli.errors import UserError
from statcli.stats.categories import ALIASES, CATEGORIES, UNSUPPORTED
from statcli.stats.filters import compile_filter
from statcli.stats.masks import Mask, MaskError, parse_mask
from statcli.stats.options import OptionsFile, Section, read_options
from statcli.stats.profiles import TimeProfile, TimeRange, parse_profile_line, parse_time_range

BUILTIN_PATH = Path(__file__).resolve().parents[1] / "catalog" / "stat_types.ini"

OBJECT_TYPES = ("RegDN", "Agent", "Place", "GroupAgents", "GroupPlaces", "Queue", "RoutePoint",
                "GroupQueues", "Tenant", "Campaign", "CampaignGroup", "CallingList", "CampaignCallingList")

#: SUBJ-1 compatibility groups (Tenant may join the first two).
FAMILIES = {
    "agent": {"RegDN", "Agent", "Place", "GroupAgents", "GroupPlaces", "Tenant"},
    "queue": {"Queue", "RoutePoint", "GroupQueues", "Tenant"},
    "campaign": {"Campaign", "CampaignGroup", "CallingList", "CampaignCallingList"},
}

#: Subject -> admissible object types (reference §5.3).
SUBJECT_OBJECTS = {
    "DNAction": {"RegDN", "Agent", "Place", "Queue", "RoutePoint", "GroupAgents", "GroupPlaces",
                 "GroupQueues", "Tenant", "Campaign", "CampaignGroup"},
    "DNStatus": {"RegDN", "Agent", "Place", "GroupAgents", "GroupPlaces", "Queue", "RoutePoint"},
    "AgentStatus": {"Agent", "GroupAgents", "Tenant"},
    "PlaceStatus": {"Place", "GroupPlaces"},
    "GroupStatus": {"GroupAgents", "GroupPlaces"},
    "CampaignAction": {"CampaignGroup", "CallingList", "CampaignCallingList", "Campaign"},
}
SUBJECT_ALIASES = {"Action": "DNAction"}
STATUS_SUBJECTS = {"DNStatus", "AgentStatus", "PlaceStatus", "GroupStatus"}
#: ST-15: a status subject on the other kind of object is switched, not rejected.
AUTOCORRECT = {("Place", "AgentStatus"): "PlaceStatus", ("Agent", "PlaceStatus"): "AgentStatus",
               ("GroupPlaces", "AgentStatus"): "PlaceStatus", ("GroupAgents", "PlaceStatus"): "AgentStatus"}

#: Built-in time ranges and profiles (§6); a user file may redefine them.
BUILTIN_RANGES = {"Default": TimeRange("Default", 0, 20), "ShortAbandon": TimeRange("ShortAbandon", 0, 10)}


@dataclass(frozen=True)
class StatType:
    """One stat type: category, subject, objects and masks, plus statcli's defaults.

    Attributes
    ----------
    name, category, subject : str
        Canonical names (aliases resolved).
    objects : tuple of str
        Object types the stat type opens on.
    main_mask, rel_mask : Mask
        Resolved masks (``rel_mask`` empty when not given).
    description, origin : str
        Free text; origin is V, P, N or R for built-ins (§6), ``user`` otherwise.
    media_type, time_profile, time_range, time_range2, filter : str or None
        Optional keys; the last four name entries of [TimeProfiles], [TimeRanges], [Filters].
    source : str
        ``file:line`` of the section.
    """

    name: str
    category: str
    subject: str
    objects: tuple[str, ...]
    main_mask: Mask
    rel_mask: Mask
    description: str = ""
    origin: str = "user"
    media_type: str | None = None
    time_profile: str | None = None
    time_range: str | None = None
    time_range2: str | None = None
    filter: str | None = None
    source: str = ""

    @property
    def is_status(self) -> bool:
        """True when the subject reads statuses rather than actions."""
        return self.subject in STATUS_SUBJECTS

    def definition(self) -> str:
        """One line stating the definition (report footers, ``stat-types``)."""
        rel = f", RelMask={self.rel_mask.text}" if self.rel_mask.text else ""
        return (f"{self.name}: {self.category}({self.main_mask.text or '-'}{rel}) "
                f"Subject={self.subject} Objects={','.join(self.objects)} [origin {self.origin}]")


class StatTypeSet(dict):
    """``dict`` name → :class:`StatType`, plus the file's profiles, ranges, filters and warnings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_profiles: dict[str, TimeProfile] = {}
        self.time_ranges: dict[str, TimeRange] = dict(BUILTIN_RANGES)
        self.filters: dict[str, str] = {}
        self.server_options: dict[str, str] = {}
        self.warnings: list[str] = []
        #: stat types `statcli report` computes when none is named ([statcli.Report] Default).
        self.default_report: list[str] = []
        self._where: dict[str, tuple[OptionsFile, Section]] = {}

    def _copy(self, items) -> "StatTypeSet":
        out = StatTypeSet(items)
        out.time_profiles, out.time_ranges = self.time_profiles, self.time_ranges
        out.filters, out.server_options, out.warnings = self.filters, self.server_options, self.warnings
        out.default_report, out._where = self.default_report, self._where
        return out

    def for_mode(self, mode: str | None) -> "StatTypeSet":
        """The stat types as Stat Server opens them in ``mode`` (SSC-2).

        In ``cluster`` (alias ``ss_c``) mode, mask names of actions that do not
        exist in restricted cluster mode are removed with a warning; a stat type
        whose MainMask becomes empty is rejected.

        Examples
        --------
        >>> st = load_stat_types().pick(["Total_Calls_Abandoned_Ringing"])
        >>> st.for_mode("cluster")
        Traceback (most recent call last):
        ...
        statcli.errors.UserError: [Total_Calls_Abandoned_Ringing] MainMask: no action of the mask exists in cluster mode (SSC-2)
        """
        if mode in (None, "regular"):
            return self
        if mode not in ("cluster", "ss_c"):
            raise UserError(f"unknown mode {mode!r} (expected regular or cluster)")
        cat = action_catalog()
        avail = set(cat.filter(cat["ss_c"].is_in(["yes", "n/a"]))["action"].to_list())
        out = {}
        for name, st in self.items():
            masks = {}
            for attr, key in (("main_mask", "MainMask"), ("rel_mask", "RelMask")):
                mask = getattr(st, attr)
                gone = sorted(mask.names - avail)
                if gone:
                    self.warnings.append(f"[{name}] {key}: {', '.join(gone)} not available in cluster mode; "
                                         "removed (SSC-2)")
                masks[attr] = replace(mask, names=mask.names & avail)
            if st.main_mask.names and not masks["main_mask"].names:
                raise UserError(f"[{name}] MainMask: no action of the mask exists in cluster mode (SSC-2)")
            out[name] = replace(st, **masks)
        return self._copy(out)

    def pick(self, names) -> "StatTypeSet":
        """A subset by name (case-insensitive); an unknown name is a UserError.

        Examples
        --------
        >>> st = load_stat_types()
        >>> list(st.pick(["total_calls_entered"]))
        ['Total_Calls_Entered']
        """
        lower = {k.lower(): k for k in self}
        out = {}
        for n in names:
            key = lower.get(n.lower())
            if key is None:
                raise UserError(f"unknown stat type {n!r} (see `statcli stat-types`)")
            out[key] = self[key]
        return self._copy(out)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _stat_type(opts: OptionsFile, sec: Section, origin_default: str) -> StatType:
    def fail(key: str | None, msg: str) -> UserError:
        return UserError(f"{opts.where(sec, key)}: {msg}")

    cat = sec.get("Category", "").strip()
    cat = ALIASES.get(cat, cat)
    if cat in UNSUPPORTED:
        raise fail("Category", f"category {cat} is not supported by statcli")
    canon_cat = {c.lower(): c for c in CATEGORIES}.get(cat.lower())
    if canon_cat is None:
        raise fail("Category", f"unknown category {cat!r}")
    category = CATEGORIES[canon_cat]

    subj_raw = sec.get("Subject", "DNAction").strip()
    subj_raw = SUBJECT_ALIASES.get(subj_raw, subj_raw)
    subject = {s.lower(): s for s in SUBJECT_OBJECTS}.get(subj_raw.lower())
    if subject is None:
        raise fail("Subject", f"unknown subject {subj_raw!r} (use {', '.join(SUBJECT_OBJECTS)})")
    if category.subjects == "action" and subject != "DNAction":
        raise fail("Subject", f"category {canon_cat} needs Subject DNAction")
    if category.subjects == "status" and subject not in STATUS_SUBJECTS:
        raise fail("Subject", f"category {canon_cat} needs a status subject (SUBJ-3)")

    objects = _split(sec.get("Objects"))
    if not objects:
        raise fail("Objects", "Objects is required (e.g. Objects = Agent, GroupAgents)")
    canon_obj = {o.lower(): o for o in OBJECT_TYPES}
    objs = []
    for o in objects:
        c = canon_obj.get(o.lower())
        if c is None:
            raise fail("Objects", f"unknown object type {o!r}")
        objs.append(c)
    if not any(set(objs) <= fam for fam in FAMILIES.values()):
        raise fail("Objects", f"object types {', '.join(objs)} do not form one compatibility group (SUBJ-1)")
    if canon_cat == "CurrentContinuousTime" and not set(objs) <= {"Agent", "Place"}:
        raise fail("Objects", "CurrentContinuousTime accepts only Agent and Place objects (SUBJ-3)")
    for o in objs:
        s = AUTOCORRECT.get((o, subject), subject)
        if o not in SUBJECT_OBJECTS[s]:
            raise fail("Subject", f"subject {subject} is not admissible for object type {o} (SUBJ-2)")

    masks = {}
    for key in ("MainMask", "RelMask"):
        try:
            masks[key] = parse_mask(sec.get(key), subject)
        except MaskError as exc:
            raise fail(key, str(exc)) from None
        if masks[key].dropped:
            opts.warnings.append(f"{opts.where(sec, key)}: {', '.join(masks[key].dropped)} "
                                 f"outside the universe of {subject}: dropped (MASK-4)")
    if category.fixed_masks:
        if masks["MainMask"].text and canon_cat == "ServiceFactor1" and \
                masks["MainMask"].names != {"CallAnswered"}:
            opts.warnings.append(f"{opts.where(sec, 'MainMask')}: ServiceFactor1 uses CallAnswered "
                                 "whatever the MainMask says")
    elif not masks["MainMask"] and canon_cat != "CurrentState":
        raise fail("MainMask", "MainMask is empty or missing")
    if category.rel == "required" and not masks["RelMask"]:
        raise fail("RelMask", f"category {canon_cat} needs a RelMask (CAT-R2)")
    if category.rel == "none" and masks["RelMask"].text and not category.fixed_masks:
        opts.warnings.append(f"{opts.where(sec, 'RelMask')}: ignored by {canon_cat} (CAT-R1)")
    if sec.get("Formula") or sec.get("JavaSubCategory"):
        raise fail("Formula", "custom formulas and Java categories are not supported")
    if not masks["MainMask"] and canon_cat == "CurrentState":
        masks["MainMask"] = parse_mask("*", subject)

    def opt(*keys: str) -> str | None:
        for k in keys:
            v = sec.get(k)
            if v:
                return v
        return None

    return StatType(
        name=sec.name, category=canon_cat, subject=subject, objects=tuple(objs),
        main_mask=masks["MainMask"], rel_mask=masks["RelMask"],
        description=sec.get("Description", "") or "",
        origin=sec.get("statcli.Origin", origin_default) or origin_default,
        media_type=opt("MediaType"),
        time_profile=opt("statcli.TimeProfile", "TimeProfile"),
        time_range=opt("statcli.TimeRange", "TimeRange"),
        time_range2=opt("statcli.TimeRange2", "TimeRange2"),
        filter=opt("statcli.Filter", "Filter"),
        source=f"{opts.path}:{sec.line}",
    )


def _apply(opts: OptionsFile, out: StatTypeSet, origin_default: str) -> None:
    for name, sec in opts.sections.items():
        if name == "TimeProfiles":
            for e in sec.entries.values():
                try:
                    prof = parse_profile_line(e.key, e.value)
                except UserError as exc:
                    raise UserError(f"{opts.path}:{e.line}: [TimeProfiles] {e.key}: {exc}") from None
                out.time_profiles[prof.name] = prof
        elif name == "TimeRanges":
            for e in sec.entries.values():
                try:
                    out.time_ranges[e.key] = parse_time_range(e.value, e.key)
                except UserError as exc:
                    raise UserError(f"{opts.path}:{e.line}: [TimeRanges] {e.key}: {exc}") from None
        elif name == "Filters":
            for e in sec.entries.values():
                try:
                    compile_filter(e.value)
                except UserError as exc:
                    raise UserError(f"{opts.path}:{e.line}: [Filters] {e.key}: {exc}") from None
                out.filters[e.key] = e.value
        elif name == "statcli.Report":
            out.default_report = _split(sec.get("Default"))
        elif name.lower() == "statserver":
            out.server_options.update({k: e.value for k, e in sec.entries.items()})
        elif sec.get("Category") is not None:
            out[name] = _stat_type(opts, sec, origin_default)
            out._where[name] = (opts, sec)
    out.warnings.extend(opts.warnings)


def _check_references(out: StatTypeSet) -> None:
    """Referenced profiles, ranges and filters exist (§5.9), once every file is read."""
    for st in out.values():
        for attr, table, what in (("time_range", out.time_ranges, "TimeRanges"),
                                  ("time_range2", out.time_ranges, "TimeRanges"),
                                  ("filter", out.filters, "Filters"),
                                  ("time_profile", out.time_profiles, "TimeProfiles")):
            ref = getattr(st, attr)
            if not ref or ref in table:
                continue
            if attr.startswith("time_range") and ref[:1].isdigit():
                parse_time_range(ref)
                continue
            opts, sec = out._where.get(st.name, (None, None))
            key = next((k for k in (f"statcli.{_KEYS[attr]}", _KEYS[attr]) if sec and sec.get(k)), _KEYS[attr])
            where = opts.where(sec, key) if opts else f"{st.source}: [{st.name}] {key}"
            raise UserError(f"{where}: {ref!r} is not defined in [{what}]")


_KEYS = {"time_range": "TimeRange", "time_range2": "TimeRange2", "filter": "Filter", "time_profile": "TimeProfile"}


def _generated_campaign_types(out: StatTypeSet) -> None:
    """One TotalNumber stat type ``Campaign_<Action>`` per Dial/Lead result action (§6.3)."""
    cat = action_catalog()
    rows = cat.filter(cat["scope"] == "campaign").select("action", "objects").unique("action").sort("action")
    for action, objects in rows.iter_rows():
        if not action.startswith(("Dial", "Lead")) or action in ("DialMade", "LeadProcessed"):
            continue
        name = f"Campaign_{action}"
        if name in out:
            continue
        objs = tuple(o for o in (objects or "Campaign").split(";") if o)
        out[name] = StatType(
            name=name, category="TotalNumber", subject="CampaignAction", objects=objs,
            main_mask=parse_mask(action, "CampaignAction"), rel_mask=parse_mask(None, "CampaignAction"),
            description=f"{action} occurrences (generated, §6.3)", origin="R",
            source=f"{BUILTIN_PATH}:generated")


def load_stat_types(path: str | Path | None = None) -> StatTypeSet:
    """The built-in stat types, plus those of a user's options file.

    Parameters
    ----------
    path : str or Path, optional
        A Stat Server options export (reference §5.9). Its stat types add to
        and replace the built-in ones by name; its ``[TimeProfiles]``,
        ``[TimeRanges]`` and ``[Filters]`` add to the built-in ones.

    Returns
    -------
    StatTypeSet
        A ``dict`` name → :class:`StatType` with ``time_profiles``,
        ``time_ranges``, ``filters`` and ``warnings`` attributes.

    Raises
    ------
    UserError
        Unreadable file or an invalid definition, naming file, line and key.

    Examples
    --------
    >>> st = load_stat_types()
    >>> st["Total_Ready_Time"].definition()
    'Total_Ready_Time: TotalTime(WaitForNextCall) Subject=AgentStatus Objects=Agent,GroupAgents [origin R]'
    >>> st.time_ranges["ShortAbandon"]
    TimeRange(name='ShortAbandon', lo=0, hi=10)
    """
    out = StatTypeSet()
    builtin = read_options(BUILTIN_PATH)
    _apply(builtin, out, "R")
    _generated_campaign_types(out)
    if path is not None:
        _apply(read_options(path), out, "user")
    _check_references(out)
    missing = [n for n in out.default_report if n not in out]
    if missing:
        raise UserError(f"[statcli.Report] Default names unknown stat types: {', '.join(missing)}")
    return out
