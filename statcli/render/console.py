"""Terminal helpers: TTY detection, rich consoles and a byte progress bar.

Rich output (tables, progress) appears only when stdout/stderr is a terminal;
in pipes and CI statcli stays quiet and machine-readable.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

from rich.console import Console


def is_tty(stream=None) -> bool:
    """True when ``stream`` (stdout by default) is an interactive terminal."""
    stream = stream or sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def stdout_console() -> Console:
    """A rich console on stdout (plain text when not a TTY)."""
    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    """A rich console on stderr, for warnings and summaries next to machine output."""
    return Console(file=sys.stderr, highlight=False, soft_wrap=False)


@contextmanager
def byte_progress(total: int, description: str = "reading", enabled: bool | None = None
                  ) -> Iterator[Callable[[int], None]]:
    """Yield an ``advance(nbytes)`` callback driving a rich progress bar on stderr.

    The bar is shown only when stderr is a TTY (or ``enabled`` is true); otherwise
    the callback does nothing, so library code can always call it.

    Examples
    --------
    >>> with byte_progress(10, enabled=False) as advance:
    ...     advance(10)
    """
    if enabled is None:
        enabled = is_tty(sys.stderr)
    if not enabled or total <= 0:
        yield lambda n: None
        return
    from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                               TimeRemainingColumn, TransferSpeedColumn)

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), TimeRemainingColumn(),
                  console=stderr_console(), transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


def hms(seconds: float | None) -> str:
    """Format seconds as ``h:mm:ss`` (``-`` for None).

    Examples
    --------
    >>> hms(3725)
    '1:02:05'
    """
    if seconds is None:
        return "-"
    s = int(seconds)
    sign = "-" if s < 0 else ""
    s = abs(s)
    return f"{sign}{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
