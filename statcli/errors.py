"""Exceptions that carry statcli's error contract (DESIGN.md §6).

A :class:`UserError` is the user's mistake (missing file, bad option value,
unreadable archive): the CLI prints its message as one line on stderr and exits
with code 2, never with a traceback. Anything else is an internal error (exit 1).
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; rendered as one line, exit code 2.

    Examples
    --------
    >>> str(UserError("no such file: x.log"))
    'no such file: x.log'
    """

    exit_code = 2


class StrictError(UserError):
    """``--strict`` was given and input lines were skipped."""
