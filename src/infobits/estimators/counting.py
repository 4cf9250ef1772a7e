"""Streaming counts: the one step of estimation that touches raw data.

Every discrete estimator needs only the histogram of the samples, and histograms merge by
addition. So this module reads data in bounded chunks (NumPy arrays, pandas or Polars
columns, Arrow arrays, CSV and Parquet files) and adds up per-chunk counts, or, for Dask
collections, lets the Dask scheduler (and so a cluster) do the counting. The data-frame
and file libraries are imported only when such an input arrives, so ``import infobits``
stays light.
"""

from __future__ import annotations

import os
import sys
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["ValueCounts", "count_values", "read_columns"]

#: Rows read at a time from files, data frames and large arrays.
DEFAULT_CHUNK_ROWS = 1 << 20


@dataclass(frozen=True)
class ValueCounts:
    """How often each distinct value occurred: ``labels[i]`` was seen ``counts[i]`` times.

    ``labels`` are sorted when they can be; ``counts`` are int64 and positive. Missing
    values (NaN, None, nulls) are not labels: they are tallied in ``missing``. Two
    ``ValueCounts`` add up to the counts of the pooled data.

    >>> import infobits as ib
    >>> vc = ib.count_values(["b", "a", "b", None])
    >>> vc.labels.tolist(), vc.counts.tolist(), vc.missing
    (['a', 'b'], [1, 2], 1)
    >>> (vc + vc).counts.tolist()  # counts merge by addition
    [2, 4]
    """

    labels: np.ndarray
    counts: np.ndarray
    missing: int = 0
    source: str = field(default="", compare=False)

    @property
    def total(self) -> int:
        """The number of (non-missing) samples."""
        return int(self.counts.sum())

    @property
    def support(self) -> int:
        """The number of distinct values seen."""
        return int(self.counts.size)

    def __len__(self) -> int:
        return int(self.counts.size)

    def __add__(self, other: ValueCounts) -> ValueCounts:
        if not isinstance(other, ValueCounts):
            return NotImplemented
        labels, counts = _merge([(self.labels, self.counts), (other.labels, other.counts)])
        return ValueCounts(labels, counts, self.missing + other.missing, self.source)

    def to_dict(self) -> dict[Any, int]:
        """``{label: count}`` with plain Python labels and counts."""
        return {
            (k.item() if isinstance(k, np.generic) else k): int(c)
            for k, c in zip(self.labels, self.counts, strict=True)
        }

    def __repr__(self) -> str:
        return (
            f"ValueCounts({self.support} distinct values, {self.total} samples"
            + (f", {self.missing} missing" if self.missing else "")
            + ")"
        )


def count_values(
    data: Any,
    *,
    column: str | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    as_text: bool = False,
    na_values: Any = None,
    progress: bool = False,
) -> ValueCounts:
    """Count how often each distinct value occurs, reading the data in bounded chunks.

    ``count_values(x).counts`` is the histogram n_i = #{j : x_j = label_i}; entropy and
    the other discrete estimators need nothing else, and histograms of parts add up to
    the histogram of the whole, which is what lets the count stream and parallelise.

    Args:
        data: the samples. A sequence or 1-D NumPy array of hashable labels (numbers,
            strings, booleans); a pandas or Polars Series, or a DataFrame with
            ``column``; a PyArrow array or table; a path to a CSV/TSV or Parquet file
            (with ``column``); or a Dask array, Series or DataFrame, counted on the Dask
            scheduler (so on a ``dask.distributed`` cluster if a client is active).
        column: the column to count, for data frames, tables and files.
        chunk_rows: rows per chunk; memory use is bounded by a few times this.
        as_text: read file columns as text, so a column that mixes numbers and words is
            counted as labels instead of rejected.
        na_values: strings that mean "missing" (e.g. ``["NA", "null"]``). Text is a
            label unless named here: "NA" may be Namibia. Real nulls (None, NaN,
            ``pd.NA``, Arrow and Polars nulls, an empty CSV field) are always missing.
            A CSV column is read as text and counted as numbers only when every value is
            written as a plain number, so "02134" and "2134" stay two labels.
        progress: show a progress bar (on stderr) while reading.

    Returns:
        a :class:`ValueCounts`. Missing values are not counted as a label; their number
        is in ``.missing``.

    Raises:
        ValueError: for a missing column, a file that is not CSV or Parquet, values of
            mixed types (numbers and text), or a 2-D array.

    >>> import infobits as ib
    >>> vc = ib.count_values(["a", "b", "a", "c", "a", None])
    >>> vc.to_dict(), vc.missing
    ({'a': 3, 'b': 1, 'c': 1}, 1)
    >>> (ib.count_values([1, 2, 2]) + ib.count_values([2, 3])).to_dict()
    {1: 1, 2: 3, 3: 1}

    Reference: the merge-by-addition of histograms is the combiner of MapReduce
    (Dean & Ghemawat 2004); Dask's ``value_counts`` is its tree reduction.
    """
    from ._checks import whole_number

    chunk_rows = whole_number(chunk_rows, "chunk_rows", 1)
    na = check_na_values(na_values)
    if isinstance(data, ValueCounts):
        return _drop_na(data, na)
    if isinstance(data, str | os.PathLike):
        from ._files import _count_file

        return _count_file(Path(data), column, chunk_rows, as_text, progress, na)
    return _drop_na(_count_data(data, column, chunk_rows, progress), na)


def _drop_na(vc: ValueCounts, na: frozenset[str]) -> ValueCounts:
    """Move the labels the user named as missing into ``missing``."""
    drop = na_mask(vc.labels, na)
    if not drop.any():
        return vc
    return ValueCounts(
        vc.labels[~drop], vc.counts[~drop], vc.missing + int(vc.counts[drop].sum()), vc.source
    )


def _count_data(data: Any, column: str | None, chunk_rows: int, progress: bool) -> ValueCounts:
    mod = type(data).__module__ or ""
    from ._frames import _count_arrow_object, _count_dask, _count_pandas, _count_polars

    if mod.startswith("dask"):
        return _count_dask(data, column)
    if mod.startswith("pandas"):
        return _count_pandas(data, column, chunk_rows, progress)
    if mod.startswith("polars"):
        return _count_polars(data, column, chunk_rows, progress)
    if mod.startswith("pyarrow"):
        return _count_arrow_object(data, column, chunk_rows, progress)
    if column is not None and isinstance(data, dict):
        if column not in data:
            raise ValueError(no_column(column, list(data), "the mapping"))
        data = data[column]
    elif column is not None:
        raise ValueError(
            f"column={column!r} was given, but the data is a {type(data).__name__}, which has "
            "no columns; drop column=, or pass a data frame, a mapping or a file"
        )
    if not isinstance(data, np.ndarray):
        if isinstance(data, list | tuple):
            # np.asarray(["a", 1]) silently turns 1 into "1"; check the Python objects first
            if any(isinstance(v, list | tuple | np.ndarray) for v in data):
                raise ValueError(
                    "samples must be a flat sequence of labels, but it holds sequences; "
                    "flatten it, or give a table of counts as ib.counts(table)"
                )
            obj = np.empty(len(data), dtype=object)
            obj[:] = data
            _check_types(obj[~_is_missing_object(obj)], "the samples")
        data = np.asarray(data)
    return _count_numpy(data, chunk_rows, progress)


# ----------------------------------------------------------------------------- merging


def _merge(pieces: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Add up several (labels, counts) pairs into one, labels sorted and distinct."""
    pieces = [p for p in pieces if p[0].size]
    if not pieces:
        return np.array([]), np.zeros(0, dtype=np.int64)
    if len(pieces) == 1:
        return pieces[0][0], pieces[0][1].astype(np.int64, copy=False)
    labels = _concat([p[0] for p in pieces])
    counts = np.concatenate([p[1] for p in pieces]).astype(np.int64, copy=False)
    uniq, inv = _unique(labels, return_inverse=True)
    total = np.zeros(uniq.size, dtype=np.int64)
    np.add.at(total, inv.ravel(), counts)
    return uniq, total


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    kinds = {a.dtype.kind for a in arrays}
    if len(kinds) > 1 and ("O" in kinds or "U" in kinds or "S" in kinds):
        _check_types(np.concatenate([a.astype(object) for a in arrays]), "the data")
        return np.concatenate([a.astype(object) for a in arrays])
    return np.concatenate(arrays)


def _unique(a: np.ndarray, return_inverse: bool = False) -> Any:
    try:
        return np.unique(a, return_inverse=return_inverse)  # type: ignore[call-overload]
    except TypeError:
        _check_types(a, "the data")
        raise


class _Merger:
    """Accumulates per-chunk counts, merging every few chunks to bound memory."""

    def __init__(self) -> None:
        self.pieces: list[tuple[np.ndarray, np.ndarray]] = []
        self.missing = 0
        self._pending = 0

    def add(self, labels: np.ndarray, counts: np.ndarray) -> None:
        self.pieces.append((labels, counts))
        self._pending += labels.size
        if len(self.pieces) >= 16 or self._pending > 4 * DEFAULT_CHUNK_ROWS:
            self.pieces = [_merge(self.pieces)]
            self._pending = self.pieces[0][0].size

    def result(self, source: str) -> ValueCounts:
        labels, counts = _merge(self.pieces)
        return ValueCounts(labels, counts, self.missing, source)


# ----------------------------------------------------------------------------- numpy


def _type_family(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "boolean"
    if isinstance(v, int | float | np.integer | np.floating):
        return "number"
    if isinstance(v, str | np.str_):
        return "text"
    if isinstance(v, bytes):
        return "bytes"
    return type(v).__name__


def _check_types(a: np.ndarray, name: str) -> None:
    """Raise a worded error if an object array mixes numbers, text and other types."""
    families: dict[str, Any] = {}
    for v in a.ravel():
        families.setdefault(_type_family(v), v)
        if len(families) > 1:
            shown = ", ".join(f"{f} (e.g. {x!r})" for f, x in families.items())
            raise ValueError(
                f"{name} mixes types: {shown}; labels must all be numbers or all text. "
                "Convert the column to one type first (or read a file with as_text=True / "
                "--as-text)"
            )


def is_missing(v: Any) -> bool:
    """Whether one value is a real null: None, a float NaN, pandas' NA or NaT, a NumPy NaT.

    Strings never are ("NA" is Namibia); the user names the strings that mean missing
    with ``na_values``.
    """
    if v is None:
        return True
    if isinstance(v, float | np.floating):
        return bool(v != v)
    if isinstance(v, np.datetime64 | np.timedelta64):
        return bool(np.isnat(v))
    return type(v).__name__ in ("NAType", "NaTType")


def _is_missing_object(a: np.ndarray) -> np.ndarray:
    """:func:`is_missing` of every entry of a 1-D object array."""
    pd = sys.modules.get("pandas")
    if pd is not None:  # vectorised; and without pandas loaded there is no pd.NA to find
        return np.asarray(pd.isna(a), dtype=bool)
    return np.fromiter((is_missing(v) for v in a), dtype=bool, count=a.size)


def na_mask(a: np.ndarray, na_values: frozenset[str]) -> np.ndarray:
    """Entries of ``a`` that are one of the strings the user named as missing."""
    if not na_values or a.dtype.kind not in "OUS":
        return np.zeros(a.shape, dtype=bool)
    if a.dtype.kind == "U":
        return np.isin(a, list(na_values))
    return np.fromiter((isinstance(v, str) and v in na_values for v in a), dtype=bool, count=a.size)


def check_na_values(na_values: Any) -> frozenset[str]:
    """``na_values`` as a set of strings: None, one string, or a sequence of strings."""
    if na_values is None:
        return frozenset()
    if isinstance(na_values, str):
        return frozenset([na_values])
    try:
        vals = list(na_values)
    except TypeError:
        vals = [na_values]
    bad = [v for v in vals if not isinstance(v, str)]
    if bad:
        raise TypeError(
            f"na_values must be strings (the text that means missing, e.g. ['NA', 'null']), "
            f"got {bad[0]!r}; numbers and None are already read as numbers and nulls"
        )
    return frozenset(vals)


def _count_chunk(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """(labels, counts, missing) of one 1-D chunk."""
    kind = a.dtype.kind
    missing = 0
    if kind == "f" or kind == "c":
        bad = np.isnan(a)
        missing = int(np.count_nonzero(bad))
        if missing:
            a = a[~bad]
    elif kind == "O":
        bad = _is_missing_object(a)
        missing = int(np.count_nonzero(bad))
        if missing:
            a = a[~bad]
        _check_types(a, "the data")
    elif kind == "M" or kind == "m":
        bad = np.isnat(a)
        missing = int(np.count_nonzero(bad))
        if missing:
            a = a[~bad]
    if a.size == 0:
        return a, np.zeros(0, dtype=np.int64), missing
    if kind in "iub":
        lo, hi = int(a.min()), int(a.max())
        # a dense tally is 10-50x faster than sorting when the values span a small range
        if hi - lo <= max(4 * a.size, 1 << 16):
            shifted = a.astype(np.int64, copy=False) - lo if lo else a
            c = np.bincount(shifted.astype(np.intp, copy=False), minlength=hi - lo + 1)
            nz = np.flatnonzero(c)
            labels = (nz + lo).astype(a.dtype if kind != "b" else np.int64)
            if kind == "b":
                labels = labels.astype(bool)
            return labels, c[nz].astype(np.int64), missing
    uniq, c = np.unique(a, return_counts=True)
    return uniq, c.astype(np.int64), missing


def _progress(total: float | None, what: str, enabled: bool) -> AbstractContextManager[Any]:
    if not enabled:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn(f"counting {what}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


class _Bar:
    def __init__(self, prog: Any, total: float | None) -> None:
        self.prog = prog
        self.task = prog.add_task("count", total=total) if prog is not None else None

    def advance(self, rows: int) -> None:
        if self.prog is not None:
            self.prog.update(self.task, advance=rows)


def _count_numpy(a: np.ndarray, chunk_rows: int, progress: bool) -> ValueCounts:
    if a.ndim != 1:
        if a.ndim == 0:
            item = a.item() if a.dtype.kind == "O" else None
            if item is not None and _type_family(item) not in (
                "boolean",
                "number",
                "text",
                "bytes",
            ):
                # np.asarray of a dict, set or generator is one opaque object, not samples
                raise TypeError(
                    f"cannot count a {type(item).__name__}: samples must be a sequence or "
                    "1-D array of labels (for a mapping of columns, say which with column=...)"
                )
            a = a.reshape(1)
        else:
            raise ValueError(
                f"samples must be a 1-D array, got shape {a.shape}; flatten it with "
                "x.ravel() if every entry is one sample, or pass a table of counts as "
                "ib.counts(table)"
            )
    m = _Merger()
    with _progress(a.size, "array", progress and a.size > chunk_rows) as prog:
        bar = _Bar(prog, a.size)
        for start in range(0, a.size, chunk_rows):
            labels, c, miss = _count_chunk(a[start : start + chunk_rows])
            m.add(labels, c)
            m.missing += miss
            bar.advance(min(chunk_rows, a.size - start))
    return m.result("array")


def no_column(column: str, names: list[Any], where: str) -> str:
    """The message for a column that is not there, listing (a cut of) the ones that are."""
    # a file that is not really a table can have one header "name" thousands of bytes long
    cut = [repr(n) if len(repr(n)) <= 60 else repr(n)[:57] + "..." for n in names[:20]]
    shown = ", ".join(cut) + (" ..." if len(names) > 20 else "")
    return f"column {column!r} is not in {where}; its columns are {shown}"


def read_columns(
    path: str | os.PathLike[str], columns: list[str], na_values: Any = None
) -> list[Any]:
    """Columns of a CSV or Parquet file, whole and row-aligned, for paired estimators.

    CSV columns are read as text (labels as written: "02134" is not 2134, "NA" is not
    missing); the empty field and the strings in ``na_values`` are nulls. Returns one
    PyArrow array per column, which :func:`estimate_mutual_information` and
    :func:`estimate_conditional_entropy` take as they are. Memory grows with the rows
    (pairs cannot be counted one column at a time).

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = pathlib.Path(d) / "z.csv"
    ...     _ = f.write_text("zip,city\\n02134,Boston\\n2134,Elsewhere\\nNA,Windhoek\\n")
    ...     x, y = read_columns(f, ["zip", "city"])
    >>> x.to_pylist()
    ['02134', '2134', 'NA']
    """
    from ._files import read_label_columns

    return read_label_columns(Path(path), list(columns), check_na_values(na_values))
