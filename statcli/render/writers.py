"""Atomic writers for statcli's tables (Parquet, CSV, JSON).

Every output goes to a temporary file in the target directory first and is
renamed into place, so a crash or Ctrl-C never leaves a half-written file.
Parquet files carry the contract name and the statcli version in their
key-value metadata (``statcli.schema``, ``statcli.version``).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

import polars as pl
import pyarrow.parquet as pq

from statcli.errors import UserError

FORMATS = ("table", "csv", "json", "parquet")


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` on success.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "x.txt") as tmp:
    ...     _ = tmp.write_text("ok")
    >>> (d / "x.txt").read_text()
    'ok'
    """
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"output directory does not exist: {parent}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def parquet_metadata(schema_name: str, extra: dict[str, str] | None = None) -> dict[bytes, bytes]:
    """The key-value metadata statcli writes into every Parquet file."""
    from statcli import __version__

    meta = {"statcli.schema": schema_name, "statcli.version": __version__}
    meta.update(extra or {})
    return {k.encode(): str(v).encode() for k, v in meta.items()}


def write_parquet(df: pl.DataFrame, path: str | os.PathLike, schema_name: str,
                  extra: dict[str, str] | None = None) -> Path:
    """Write ``df`` to ``path`` atomically as Parquet with statcli metadata.

    Parameters
    ----------
    df : polars.DataFrame
        The table.
    path : path-like
        Destination file.
    schema_name : str
        Contract name (``events``, ``actions``, …) stored as ``statcli.schema``.
    extra : dict, optional
        More metadata pairs (e.g. the time-zone basis of a parse).

    Examples
    --------
    >>> import tempfile, pathlib, polars as pl, pyarrow.parquet as pq
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
    >>> _ = write_parquet(pl.DataFrame({"a": [1]}), p, "events")
    >>> pq.read_schema(p).metadata[b"statcli.schema"]
    b'events'
    """
    table = df.to_arrow()
    meta = dict(table.schema.metadata or {})
    meta.update(parquet_metadata(schema_name, extra))
    table = table.replace_schema_metadata(meta)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return Path(path)


def _flatten_for_text(df: pl.DataFrame) -> pl.DataFrame:
    """CSV cannot hold nested values or durations.

    Nested values (the key-value lists) become JSON text and durations ISO
    8601 text (``PT2M0.5S``), with Polars expressions — no per-row Python.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"kv": [[{"key": "a", "value": "1"}], []]})
    >>> _flatten_for_text(df)["kv"].to_list()
    ['[{"key":"a","value":"1"}]', '[]']
    """
    exprs = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if isinstance(dtype, (pl.List, pl.Struct, pl.Array)):
            # Wrap in a one-field struct so Polars' JSON encoder serialises any nesting.
            encoded = pl.struct(col.alias("v")).struct.json_encode().str.strip_prefix('{"v":').str.strip_suffix("}")
            exprs.append(pl.when(col.is_null()).then(None).otherwise(encoded).alias(name))
        elif isinstance(dtype, pl.Duration):
            exprs.append(col.dt.to_string("iso"))
        else:
            exprs.append(col)
    return df.select(exprs)


def write_table(df: pl.DataFrame, fmt: str, path: str | os.PathLike | None, schema_name: str,
                stream: IO[str] | None = None) -> None:
    """Write ``df`` as ``csv``, ``json`` or ``parquet`` to ``path`` (atomically) or a stream.

    Parquet needs a path (it is binary); CSV and JSON go to ``stream`` (stdout
    by default) when ``path`` is None.

    Examples
    --------
    >>> import io, polars as pl
    >>> buf = io.StringIO()
    >>> write_table(pl.DataFrame({"a": [1, 2]}), "csv", None, "statistics", stream=buf)
    >>> buf.getvalue().splitlines()
    ['a', '1', '2']
    """
    if fmt == "parquet":
        if path is None:
            raise UserError("--format parquet needs -o FILE")
        write_parquet(df, path, schema_name)
        return
    if fmt not in ("csv", "json"):
        raise UserError(f"unknown output format: {fmt} (use csv, json or parquet)")
    text_df = _flatten_for_text(df) if fmt == "csv" else df
    text = text_df.write_csv() if fmt == "csv" else json.dumps(
        df.to_dicts(), default=str, ensure_ascii=False, indent=1)
    if fmt == "json":
        text += "\n"
    if path is None:
        (stream or sys.stdout).write(text)
        return
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def format_from_path(path: str | os.PathLike | None, default: str = "parquet") -> str:
    """Guess an output format from a file suffix (``.csv``, ``.json``, ``.parquet``)."""
    if path is None:
        return default
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"csv": "csv", "json": "json", "parquet": "parquet", "pq": "parquet"}.get(suffix, default)
