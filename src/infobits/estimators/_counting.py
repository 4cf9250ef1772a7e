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
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["ValueCounts", "count_values"]

#: Rows read at a time from files, data frames and large arrays.
DEFAULT_CHUNK_ROWS = 1 << 20

_PARQUET = (".parquet", ".pq", ".parq")
_CSV = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".csv.bz2")


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
    if isinstance(data, ValueCounts):
        return data
    if isinstance(data, str | os.PathLike):
        return _count_file(Path(data), column, chunk_rows, as_text, progress)
    mod = type(data).__module__ or ""
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
            raise ValueError(_no_column(column, list(data), "the mapping"))
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


def _is_missing_object(a: np.ndarray) -> np.ndarray:
    out = np.fromiter(
        (v is None or (isinstance(v, float) and v != v) for v in a), dtype=bool, count=a.size
    )
    return out


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


# ----------------------------------------------------------------------------- data frames


def _no_column(column: str, names: list[Any], where: str) -> str:
    # a file that is not really a table can have one header "name" thousands of bytes long
    cut = [repr(n) if len(repr(n)) <= 60 else repr(n)[:57] + "..." for n in names[:20]]
    shown = ", ".join(cut) + (" ..." if len(names) > 20 else "")
    return f"column {column!r} is not in {where}; its columns are {shown}"


def _frame_column(frame: Any, column: str | None, kind: str) -> Any:
    """The column of a pandas or Dask DataFrame to count, or a worded error."""
    if column is None:
        raise ValueError(
            f"data is a {kind} with columns {list(frame.columns)[:20]}; say which to "
            "count with column=..."
        )
    if column not in frame.columns:
        raise ValueError(_no_column(column, list(frame.columns), f"the {kind}"))
    return frame[column]


def _count_pandas(data: Any, column: str | None, chunk_rows: int, progress: bool) -> ValueCounts:
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        data = _frame_column(data, column, "DataFrame")
    elif isinstance(data, pd.Index):
        data = data.to_series()
    if not isinstance(data, pd.Series):
        raise TypeError(f"cannot count a {type(data).__name__}; pass a Series or DataFrame")
    m = _Merger()
    n = len(data)
    with _progress(n, "column", progress) as prog:
        bar = _Bar(prog, n)
        for start in range(0, max(n, 1), chunk_rows):
            chunk = data.iloc[start : start + chunk_rows]
            m.missing += int(chunk.isna().sum())
            vc = chunk.value_counts(dropna=True, sort=False)
            vc = vc[vc > 0]  # a categorical lists its unused categories with count 0
            labels = vc.index.to_numpy()
            if labels.dtype.kind == "O":
                _check_types(labels, f"column {data.name!r}")
            m.add(labels, vc.to_numpy().astype(np.int64))
            bar.advance(len(chunk))
    return m.result(f"column {data.name!r}")


def _count_polars(data: Any, column: str | None, chunk_rows: int, progress: bool) -> ValueCounts:
    import polars as pl

    if isinstance(data, pl.LazyFrame):
        data = data.collect()
    if isinstance(data, pl.DataFrame):
        if column is None:
            raise ValueError(
                f"data is a DataFrame with columns {data.columns[:20]}; say which to count "
                "with column=..."
            )
        if column not in data.columns:
            raise ValueError(_no_column(column, data.columns, "the DataFrame"))
        data = data.get_column(column)
    if not isinstance(data, pl.Series):
        raise TypeError(f"cannot count a {type(data).__name__}; pass a Series or DataFrame")
    if data.dtype == pl.Object:
        return _count_numpy(data.to_numpy(), chunk_rows, progress)
    m = _Merger()
    n = len(data)
    with _progress(n, "column", progress) as prog:
        bar = _Bar(prog, n)
        for start in range(0, max(n, 1), chunk_rows):
            chunk = data.slice(start, chunk_rows)
            m.missing += int(chunk.null_count())
            if chunk.dtype.is_float():
                m.missing += int(chunk.is_nan().sum() or 0)
                chunk = chunk.fill_nan(None)
            vc = chunk.drop_nulls().value_counts(sort=False)
            labels = vc.get_column(vc.columns[0]).to_numpy()
            m.add(labels, vc.get_column(vc.columns[1]).to_numpy().astype(np.int64))
            bar.advance(len(chunk))
    return m.result(f"column {data.name!r}")


# ----------------------------------------------------------------------------- arrow / files


def _arrow_chunk(arr: Any) -> tuple[np.ndarray, np.ndarray, int]:
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_nested(arr.type):  # Arrow cannot count these: say so, not NotImplemented
        raise ValueError(
            f"the column holds {arr.type} values (lists, structs or maps), which are not "
            "symbols; count a column of numbers or text, or flatten this one first"
        )
    missing = arr.null_count
    if pa.types.is_floating(arr.type):
        nan = pc.is_nan(arr)
        missing += int(pc.sum(nan).as_py() or 0)
        arr = pc.filter(arr, pc.invert(nan), null_selection_behavior="drop")
    arr = pc.drop_null(arr)
    if len(arr) == 0:
        return np.array([]), np.zeros(0, dtype=np.int64), missing
    if pa.types.is_integer(arr.type):
        labels, c, _ = _count_chunk(arr.to_numpy())
        return labels, c, missing
    vc = pc.value_counts(arr)
    labels = vc.field("values").to_numpy(zero_copy_only=False)
    return labels, vc.field("counts").to_numpy().astype(np.int64), missing


def _count_arrow_batches(
    batches: Iterator[Any], total: int | None, source: str, progress: bool
) -> ValueCounts:
    m = _Merger()
    with _progress(total, source, progress) as prog:
        bar = _Bar(prog, total)
        for arr in batches:
            labels, c, miss = _arrow_chunk(arr)
            m.add(labels, c)
            m.missing += miss
            bar.advance(len(arr))
    return m.result(source)


def _count_arrow_object(
    data: Any, column: str | None, chunk_rows: int, progress: bool
) -> ValueCounts:
    import pyarrow as pa

    if isinstance(data, pa.Table | pa.RecordBatch):
        if column is None:
            raise ValueError(
                f"data is a table with columns {data.schema.names[:20]}; say which to count "
                "with column=..."
            )
        if column not in data.schema.names:
            raise ValueError(_no_column(column, data.schema.names, "the table"))
        data = data.column(column)
    if isinstance(data, pa.ChunkedArray):
        chunks: list[Any] = list(data.chunks)
    else:
        chunks = [data]
    pieces = (c.slice(s, chunk_rows) for c in chunks for s in range(0, len(c), chunk_rows))
    return _count_arrow_batches(pieces, len(data), "arrow array", progress)


def _count_file(
    path: Path, column: str | None, chunk_rows: int, as_text: bool, progress: bool
) -> ValueCounts:
    if not path.exists():
        raise FileNotFoundError(f"no such file: {str(path)!r}")
    if path.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a directory; give a CSV or Parquet file")
    name = path.name.lower()
    if column is None:
        raise ValueError(f"say which column of {path.name} to count, with column=... (--column)")
    if name.endswith(_PARQUET):
        return _count_parquet(path, column, chunk_rows, progress)
    if name.endswith(_CSV):
        return _count_csv(path, column, chunk_rows, as_text, progress)
    raise ValueError(
        f"cannot tell the format of {path.name!r} from its name; use a .csv, .tsv or .parquet file"
    )


def _count_parquet(path: Path, column: str, chunk_rows: int, progress: bool) -> ValueCounts:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as e:  # pyarrow raises ArrowInvalid and friends, all worded for us
        raise ValueError(f"cannot read {path.name} as Parquet: {e}") from None
    names = pf.schema_arrow.names
    if column not in names:
        raise ValueError(_no_column(column, names, path.name))
    total = pf.metadata.num_rows

    def batches() -> Iterator[Any]:
        try:
            for b in pf.iter_batches(batch_size=chunk_rows, columns=[column]):
                yield b.column(0)
        except (OSError, pa.ArrowInvalid) as e:  # a damaged row group, found only now
            raise ValueError(f"cannot read {path.name} as Parquet: {e}") from None

    return _count_arrow_batches(batches(), total, path.name, progress)


def _csv_options(path: Path) -> tuple[Any, Any]:
    import pyarrow.csv as pcsv

    # by the suffix only: "a.tsv.backup.csv" is comma-separated
    delim = "\t" if path.name.lower().endswith((".tsv", ".tsv.gz")) else ","
    return pcsv.ParseOptions(delimiter=delim), pcsv.ReadOptions(block_size=1 << 22)


def _count_csv(
    path: Path, column: str, chunk_rows: int, as_text: bool, progress: bool
) -> ValueCounts:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    if path.stat().st_size == 0:
        raise ValueError(f"{path.name} is empty; it has no header and no rows")
    _check_text(path)
    parse, read = _csv_options(path)
    try:
        with pcsv.open_csv(path, parse_options=parse, read_options=read) as head:
            names = head.schema.names
            first_type = head.schema.field(names.index(column)).type if column in names else None
    except (pa.ArrowInvalid, OSError) as e:  # OSError: a damaged .gz or .bz2
        raise _csv_error(path, e) from None
    if first_type is not None and pa.types.is_binary(first_type) and not as_text:
        raise _not_utf8(path, _find_bad_utf8(path))
    if column not in names:
        raise ValueError(_no_column(column, names, path.name))
    if names.count(column) > 1:
        raise ValueError(
            f"{path.name} has {names.count(column)} columns named {column!r}; rename them "
            "so that the one to count is unambiguous"
        )
    conv = pcsv.ConvertOptions(
        include_columns=[column],
        column_types={column: pa.string()} if as_text else None,
        strings_can_be_null=not as_text,
    )

    def batches() -> Iterator[Any]:
        try:
            yield from read_batches()
        except OSError as e:  # damage in a .gz or .bz2 past its first block (Arrow reads ahead)
            raise ValueError(f"cannot read {path.name} as CSV: {_one_line(str(e))}") from None

    def read_batches() -> Iterator[Any]:
        with pcsv.open_csv(
            path, parse_options=parse, read_options=read, convert_options=conv
        ) as reader:
            first_type = reader.schema.field(column).type
            while True:
                try:
                    b = reader.read_next_batch()
                except StopIteration:
                    return
                except pa.ArrowInvalid as e:
                    if "utf8" in str(e).lower() or "utf-8" in str(e).lower():
                        raise _not_utf8(path, _find_bad_utf8(path)) from None
                    if "conversion error" in str(e).lower():
                        raise ValueError(
                            f"column {column!r} of {path.name} mixes types: it starts as "
                            f"{first_type} but later holds a value that is not "
                            f"({_one_line(str(e))}); "
                            "clean the column, or count every value as text with "
                            "as_text=True (--as-text)"
                        ) from None
                    raise _csv_error(path, e) from None
                arr = b.column(0)
                for s in range(0, len(arr), chunk_rows):
                    yield arr.slice(s, chunk_rows)

    vc = _count_arrow_batches(batches(), None, path.name, progress)
    if vc.labels.dtype.kind == "O" and any(isinstance(v, bytes) for v in vc.labels[:1]):
        raise _not_utf8(path, _find_bad_utf8(path))
    _check_quotes(path)
    if not as_text and vc.labels.dtype.kind == "O":
        _check_text_numbers(vc.labels, column, path.name)
    return vc


# ----------------------------------------------------------------------------- csv errors
#
# Arrow's CSV errors quote the offending row verbatim: raw bytes, newlines and all. A
# command line must say what is wrong in one line, naming the file and the line, so
# every problem is located again here (only once reading has failed) and quoted with
# its odd characters escaped and its length cut.

_TEXT_BLOCK = 1 << 16
_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _one_line(text: str, limit: int = 120) -> str:
    """``text`` on one line: control and other unprintable characters escaped, cut to
    ``limit`` characters."""
    out = "".join(ch if ch.isprintable() and ch != "\ufffd" else ascii(ch)[1:-1] for ch in text)
    return out if len(out) <= limit else out[: limit - 3] + "..."


def _open_bytes(path: Path) -> Any:
    name = path.name.lower()
    if name.endswith(".gz"):
        import gzip

        return gzip.open(path, "rb")
    if name.endswith(".bz2"):
        import bz2

        return bz2.open(path, "rb")
    return open(path, "rb")


def _read_blocks(path: Path, size: int) -> Iterator[bytes]:
    """The (decompressed) bytes of ``path`` in blocks; a damaged .gz or .bz2 becomes a
    ValueError naming the file (gzip alone raises OSError, EOFError or zlib.error)."""
    import zlib

    try:
        with _open_bytes(path) as fh:
            while block := fh.read(size):
                yield bytes(block)
    except (OSError, EOFError, zlib.error) as e:
        raise ValueError(f"cannot read {path.name} as CSV: {_one_line(str(e))}") from None


def _head(path: Path) -> bytes:
    return next(_read_blocks(path, _TEXT_BLOCK), b"")


def _check_text(path: Path) -> None:
    """Refuse a file that is not UTF-8 text before Arrow reads it (its errors quote the
    raw bytes): a UTF-16 or UTF-32 byte-order mark, NUL bytes, or bytes that are not
    UTF-8 in the first block."""
    head = _head(path)
    for bom, enc in _BOMS:
        if head.startswith(bom):
            raise ValueError(
                f"{path.name} is {enc} text (it starts with a {enc} byte-order mark), but "
                "CSV files are read as UTF-8; save it as UTF-8 (for example "
                f"iconv -f {enc} -t UTF-8) and try again"
            )
    if b"\x00" in head:
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        utf16 = head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4
        what = (
            "it looks like UTF-16 text without a byte-order mark"
            if utf16
            else "it looks like a binary file, not text"
        )
        raise ValueError(
            f"{path.name} has a NUL byte on line {line}: {what}; CSV files are read as UTF-8 text"
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4 or len(head) < _TEXT_BLOCK:  # not a character cut short
            raise _not_utf8(path, (head[: e.start].count(b"\n") + 1, head[e.start])) from None


def _find_bad_utf8(path: Path) -> tuple[int, int] | None:
    """(line, byte) of the first byte that is not UTF-8, or None."""
    import codecs

    dec = codecs.getincrementaldecoder("utf-8")()
    line = 1
    for block in _read_blocks(path, 1 << 20):
        try:
            dec.decode(block)
        except UnicodeDecodeError as e:
            at = min(max(e.start, 0), len(block) - 1)
            return line + block[:at].count(b"\n"), block[at]
        line += block.count(b"\n")
    return None


def _not_utf8(path: Path, where: tuple[int, int] | None) -> ValueError:
    at = f" (line {where[0]} has the byte 0x{where[1]:02x})" if where else ""
    return ValueError(
        f"{path.name} is not UTF-8 text{at}; CSV files are read as UTF-8: save it as UTF-8 "
        "(for example iconv -f LATIN1 -t UTF-8 if it came from a Latin-1 system)"
    )


def _check_quotes(path: Path) -> None:
    """Refuse a quote left open: Arrow reads everything after it, to the end of the file,
    as one value, and so silently drops the rows it swallowed. An odd number of quote
    characters is the cheap sign; the csv module then finds the line."""
    n = sum(block.count(b'"') for block in _read_blocks(path, 1 << 22))
    if n % 2:
        problem = _locate(path)
        if problem is not None:
            raise ValueError(f"cannot read {path.name} as CSV: {problem}")


def _locate(path: Path) -> str | None:
    """The first line of a CSV file that Python's strict csv reader rejects, described
    in one line (None when it finds none)."""
    import csv
    import io

    delim = "\t" if path.name.lower().endswith((".tsv", ".tsv.gz")) else ","
    with _open_bytes(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        reader = csv.reader(text, delimiter=delim, strict=True)
        width = None
        start = 1
        try:
            for row in reader:
                if width is None:
                    width = len(row)
                elif row and len(row) != width:
                    shown = _one_line(delim.join(row), 60)
                    return (
                        f"line {start} has {len(row)} fields but the header has {width} ({shown!r})"
                    )
                start = reader.line_num + 1
        except UnicodeDecodeError:
            where = _find_bad_utf8(path)
            return str(_not_utf8(path, where)).split("; ")[0]
        except csv.Error as e:
            msg = str(e)
            if "end of data" in msg or "field larger" in msg:
                return (
                    f"a quote opened on line {start} is never closed (not within 131,072 "
                    "characters), so the rest of the file would be one value; close it, "
                    'or double a literal quote ("")'
                )
            return f"line {start}: {_one_line(msg)}"
    return None


def _csv_error(path: Path, e: BaseException) -> ValueError:
    """A one-line error for a CSV file Arrow could not parse, naming the line."""
    import zlib

    try:
        problem = _locate(path)
    except (OSError, EOFError, ValueError, zlib.error):
        problem = None
    if problem is None:
        problem = _one_line(str(e))
    return ValueError(f"cannot read {path.name} as CSV: {problem}")


def _check_text_numbers(labels: np.ndarray, column: str, fname: str) -> None:
    """A text column whose values are partly numbers is almost always a data error."""
    num = text = None
    for v in labels:
        try:
            float(v)
            num = num if num is not None else v
        except (TypeError, ValueError):
            text = text if text is not None else v
        if num is not None and text is not None:
            raise ValueError(
                f"column {column!r} of {fname} mixes types: numbers (e.g. {num!r}) and "
                f"text (e.g. {text!r}); clean the column, or count every value as text "
                "with as_text=True (--as-text)"
            )


# ----------------------------------------------------------------------------- dask


def _count_block(block: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    return _count_chunk(np.asarray(block).ravel())


def _add_blocks(
    a: tuple[np.ndarray, np.ndarray, int], b: tuple[np.ndarray, np.ndarray, int]
) -> tuple[np.ndarray, np.ndarray, int]:
    labels, counts = _merge([(a[0], a[1]), (b[0], b[1])])
    return labels, counts, a[2] + b[2]


def _count_dask(data: Any, column: str | None) -> ValueCounts:
    import dask

    frame_type: Any = ()
    if hasattr(data, "npartitions"):
        import dask.dataframe as dd

        frame_type = dd.DataFrame
    if isinstance(data, frame_type):
        data = _frame_column(data, column, "Dask DataFrame")
    if hasattr(data, "value_counts") and hasattr(data, "npartitions"):  # Series
        vc, missing = dask.compute(data.value_counts(dropna=True), data.isna().sum())
        vc = vc[vc > 0]
        labels = vc.index.to_numpy()
        if labels.dtype.kind == "O":
            _check_types(labels, f"column {data.name!r}")
        order = np.argsort(labels, kind="stable") if labels.dtype.kind != "O" else None
        counts = vc.to_numpy().astype(np.int64)
        if order is not None:
            labels, counts = labels[order], counts[order]
        else:
            labels, counts = _merge([(labels, counts)])
        return ValueCounts(labels, counts, int(missing), f"column {data.name!r}")
    if hasattr(data, "to_delayed") and hasattr(data, "chunks"):  # Array
        parts = [dask.delayed(_count_block)(b) for b in data.ravel().to_delayed().ravel()]
        # pairwise tree: the cluster merges partial counts, the client gets one histogram
        while len(parts) > 1:
            nxt = [
                dask.delayed(_add_blocks)(parts[i], parts[i + 1])
                for i in range(0, len(parts) - 1, 2)
            ]
            if len(parts) % 2:
                nxt.append(parts[-1])
            parts = nxt
        labels, counts, missing = dask.compute(parts[0])[0]
        return ValueCounts(labels, counts, int(missing), "dask array")
    raise TypeError(f"cannot count a {type(data).__name__}; pass a Dask array, Series or DataFrame")
