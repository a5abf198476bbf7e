"""Two (or more) threads for the reader's heavy steps.

NumPy and Polars release the GIL in their array work, so independent parts of
a chunk — halves of its column-0 lines, halves of its blocks — run on every
core with plain threads, and no data is copied between processes.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Parts a chunk is cut into: one per core (``STATCLI_THREADS`` overrides).
WORKERS = max(1, int(os.environ.get("STATCLI_THREADS") or os.cpu_count() or 1))
_pool: ThreadPoolExecutor | None = None


def in_parallel(fn: Callable[[T], R], parts: list[T]) -> list[R]:
    """``[fn(p) for p in parts]``, run on the worker threads when there is more than one part.

    Examples
    --------
    >>> in_parallel(lambda x: x * x, [1, 2, 3])
    [1, 4, 9]
    """
    global _pool
    if len(parts) < 2 or WORKERS < 2:
        return [fn(p) for p in parts]
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="statcli")
    return list(_pool.map(fn, parts))
