"""Property test: every attribute and key-value pair of a generated block comes back."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statcli.catalog.tlib import ATTRIBUTE_COLUMNS, KV_ATTRIBUTES
from statcli.read.tserver import parse_tserver_log

# Free text as logs carry it: no TAB, newline or quote inside a value (never seen, §5.3).
TEXT = st.text(alphabet=string.ascii_letters + string.digits + " -_:?>@+*/.", max_size=20)
KEY = st.text(alphabet=string.ascii_letters + string.digits + " -_:?>@", min_size=1, max_size=15).filter(
    lambda k: k.strip() == k)
NAME = st.text(alphabet=string.ascii_letters, min_size=1, max_size=12).map(lambda s: "AttributeX" + s).filter(
    lambda n: n not in ATTRIBUTE_COLUMNS and n not in KV_ATTRIBUTES)
VALUE = st.one_of(TEXT.map(lambda t: ("'" + t + "'", t)), st.integers(-10**9, 10**12).map(lambda i: (str(i), str(i))))
PAIRS = st.lists(st.tuples(KEY, VALUE), max_size=6)
NESTED = st.lists(st.tuples(KEY, VALUE), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(other=st.dictionaries(NAME, VALUE, max_size=5), user_data=PAIRS, nested_key=KEY, nested=NESTED,
       this_dn=TEXT, conn=st.integers(0, 2**64 - 1), seq=st.integers(0, 2**63))
def test_generated_block_round_trips(tmp_path, other, user_data, nested_key, nested, this_dn, conn, seq):
    lines = ["@10:15:32.1230 [0] 8.1.101.25 distribute_event: message EventEstablished",
             f"\tAttributeEventSequenceNumber\t{seq:016x}",
             f"\tAttributeConnID\t{conn:016x}",
             f"\tAttributeThisDN\t'{this_dn}'"]
    lines += [f"\t{name}\t{raw}" for name, (raw, _) in other.items()]
    lines.append(f"\tAttributeUserData\t[99] 00 {len(user_data) + 1:02x} 00 00..")
    lines += [f"\t\t'{k}'\t{raw}" for k, (raw, _) in user_data]
    first, *rest = nested
    lines.append(f"\t\t'{nested_key}'(list) '{first[0]}'\t{first[1][0]}")
    lines += [f"\t\t\t'{k}'\t{raw}" for k, (raw, _) in rest]
    path = tmp_path / "gen.log"
    path.write_text("\n".join(lines) + "\n")

    result = parse_tserver_log(path, date="2026-01-16")
    assert result.skipped == {} and result.warnings == {}
    row = result.events.row(0, named=True)
    assert row["seq"] == seq
    assert row["conn_id"] == f"{conn:016x}"
    assert row["this_dn"] == this_dn
    assert {a["name"]: a["value"] for a in row["attributes"]} == {n: raw for n, (raw, _) in other.items()}
    expected = [(k, v) for k, (_, v) in user_data] + [(nested_key, None)] + [
        (f"{nested_key}.{k}", v) for k, (_, v) in nested]
    assert [(p["key"], p["value"]) for p in row["user_data"]] == expected
