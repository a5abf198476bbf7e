"""The README keeps its promises: the two opening commands, the schema tables, the CI command."""

from __future__ import annotations

import re

from conftest import ROOT
from statcli.schema import SCHEMAS, markdown_table

README = (ROOT / "README.md").read_text()


def test_readme_opens_with_the_two_commands():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert first_block == ["pip install -e . && statcli report sample_logs/",
                           "pip install -e '.[test]' && python -m pytest -q"]
    assert README.index("```bash") < README.index("\n## ")


def test_ci_runs_the_readme_commands():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install --quiet -e '.[test]'" in ci
    assert "statcli report sample_logs/" in ci
    assert "python -m pytest -q" in ci


def test_schema_tables_in_the_readme_match_schema_py():
    for name, schema in SCHEMAS.items():
        assert markdown_table(schema) in README, f"README table of {name} is out of date with statcli/schema.py"


def test_every_command_is_documented():
    from statcli.cli import main

    for name in main.commands:
        assert f"statcli {name}" in README, name
