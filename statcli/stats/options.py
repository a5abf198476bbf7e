"""Reader of the Genesys options format (a Stat Server application's INI export).

Reference §5.9: ``[name]`` opens a section (text after ``]`` is ignored);
``key = value`` splits at the first ``=``; lines starting with ``;`` or ``#``
are comments; keys are case-insensitive and spaces inside keys are ignored;
section names are case-sensitive; a repeated key keeps the last value with a
warning. Every entry remembers its line so that errors can name file, line
and key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from statcli.errors import UserError


def norm_key(key: str) -> str:
    """Canonical form of an option key: lower case, inner spaces removed.

    Examples
    --------
    >>> norm_key(" Main Mask ")
    'mainmask'
    """
    return "".join(key.split()).lower()


@dataclass
class Entry:
    """One ``key = value`` line."""

    key: str
    value: str
    line: int


@dataclass
class Section:
    """One ``[name]`` section with its entries by normalised key (in file order)."""

    name: str
    line: int
    entries: dict[str, Entry] = field(default_factory=dict)

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value of ``key`` (any spelling), or ``default``."""
        entry = self.entries.get(norm_key(key))
        return entry.value if entry is not None else default

    def line_of(self, key: str) -> int:
        """The line of ``key``, else the section's own line."""
        entry = self.entries.get(norm_key(key))
        return entry.line if entry is not None else self.line


@dataclass
class OptionsFile:
    """A parsed options file: sections in file order, plus warnings."""

    path: str
    sections: dict[str, Section] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def where(self, section: Section, key: str | None = None) -> str:
        """``file:line [section] key`` for messages."""
        line = section.line_of(key) if key else section.line
        return f"{self.path}:{line}: [{section.name}]" + (f" {key}" if key else "")


def parse_options(text: str, path: str = "<options>") -> OptionsFile:
    """Parse options text into sections.

    Parameters
    ----------
    text : str
        The file content (BOM and CRLF accepted).
    path : str
        Name used in messages.

    Returns
    -------
    OptionsFile

    Raises
    ------
    UserError
        A ``key = value`` line before any section, or a line that is neither
        a section, an option, a comment nor blank.

    Examples
    --------
    >>> opts = parse_options("[TimeRanges]\\nDefault = 0-20\\n; comment\\n[X]\\nMain Mask = A=B\\n")
    >>> opts.sections["X"].get("MainMask")
    'A=B'
    >>> opts.sections["X"].line_of("mainmask")
    5
    """
    text = text.lstrip("\ufeff")
    opts = OptionsFile(path=path)
    current: Section | None = None
    lower_names: dict[str, str] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("["):
            close = line.find("]")
            if close < 0:
                raise UserError(f"{path}:{lineno}: section header without ']': {line}")
            name = line[1:close].strip()
            if name in opts.sections:
                current = opts.sections[name]
                continue
            other = lower_names.get(name.lower())
            if other is not None:
                opts.warnings.append(f"{path}:{lineno}: section [{name}] differs from [{other}] only in case")
            lower_names[name.lower()] = name
            current = opts.sections[name] = Section(name=name, line=lineno)
            continue
        if "=" not in line:
            raise UserError(f"{path}:{lineno}: expected 'key = value', got: {line}")
        if current is None:
            raise UserError(f"{path}:{lineno}: option outside any [section]: {line}")
        key, value = line.split("=", 1)
        key, value = key.strip(), value.strip()
        nk = norm_key(key)
        if nk in current.entries:
            opts.warnings.append(f"{path}:{lineno}: [{current.name}] {key} repeated; the last value wins")
        current.entries[nk] = Entry(key=key, value=value, line=lineno)
    return opts


def read_options(path: str | Path) -> OptionsFile:
    """Read and parse an options file (UTF-8, with or without BOM).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "o.ini"
    >>> _ = p.write_bytes(b"\\xef\\xbb\\xbf[A]\\r\\nCategory = TotalNumber\\r\\n")
    >>> read_options(p).sections["A"].get("category")
    'TotalNumber'
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise UserError(f"stat types file not found: {p}") from None
    except OSError as exc:
        raise UserError(f"cannot read {p}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{p}: not UTF-8 text (byte {exc.start})") from None
    return parse_options(text, str(p))
