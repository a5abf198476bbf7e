"""The shape of a category definition, shared by every category family."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import polars as pl


@dataclass(frozen=True)
class Category:
    """One Stat Server category as data: the measures it needs and its formula.

    Attributes
    ----------
    name : str
        Category name as in the options file.
    unit : str
        ``count``, ``seconds``, ``percent``, ``ratio`` or ``state``.
    formula : callable
        ``formula(ctx) -> pl.Expr`` over the measure columns (``N_M``, ``T_R``,
        ``CN_M``, ``ELAPSED``, …, see :mod:`statcli.stats.measures`); ``ctx``
        holds ``range_given`` (a time range was chosen explicitly).
    needs : frozenset of str
        Measure families: ``point``, ``adjusted``, ``current``, ``step``, ``state``,
        ``current_integral``, ``continuous``.
    rel : str
        ``none`` (RelMask ignored, CAT-R1), ``same`` (missing RelMask = MainMask,
        CAT-R2) or ``required``.
    uses_range, uses_range2 : bool
        The category reads the time range (and the second one, ServiceFactor1).
    fixed_masks : dict
        Mask key → fixed action names (compound categories ignore the stat type's masks).
    subjects : str
        ``any``, ``action`` (compound categories need Subject DNAction, SUBJ-3) or
        ``status`` (continuous categories read statuses).
    historical : bool
        Historical (interval) versus current (instant τ) category.
    """

    name: str
    unit: str
    formula: Callable[[dict], pl.Expr]
    needs: frozenset[str]
    rel: str = "none"
    uses_range: bool = False
    uses_range2: bool = False
    fixed_masks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    subjects: str = "any"
    historical: bool = True


def col(name: str) -> pl.Expr:
    """A measure column as float64."""
    return pl.col(name).cast(pl.Float64)


def div(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """``num / den``, 0 when the denominator is 0 (CAT-0).

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"a": [3.0, 1.0], "b": [2.0, 0.0]}).select(v=div(pl.col("a"), pl.col("b")))["v"].to_list()
    [1.5, 0.0]
    """
    return pl.when(den != 0).then(num / den).otherwise(pl.lit(0.0))


def pct(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """``100 · num / den`` with CAT-0."""
    return div(num * 100.0, den)


def family(*cats: Category) -> dict[str, Category]:
    """Index a family's categories by name."""
    return {c.name: c for c in cats}
