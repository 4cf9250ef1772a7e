"""Counting data frames and arrays of other libraries: pandas, Polars, Arrow and Dask.

Each library counts its own chunks (``value_counts``), so its nulls and types are read
the library's way; the per-chunk counts are merged as in :mod:`.counting`. Dask
collections are counted on the Dask scheduler, which merges partial counts in a tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .counting import (
    ValueCounts,
    _Bar,
    _check_types,
    _count_chunk,
    _count_numpy,
    _is_missing_object,
    _merge,
    _Merger,
    _progress,
    na_mask,
    no_column,
)

# ----------------------------------------------------------------------------- data frames


def _frame_column(frame: Any, column: str | None, kind: str) -> Any:
    """The column of a pandas or Dask DataFrame to count, or a worded error."""
    if column is None:
        raise ValueError(
            f"data is a {kind} with columns {list(frame.columns)[:20]}; say which to "
            "count with column=..."
        )
    if column not in frame.columns:
        raise ValueError(no_column(column, list(frame.columns), f"the {kind}"))
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
            raise ValueError(no_column(column, data.columns, "the DataFrame"))
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


# ----------------------------------------------------------------------------- arrow


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
            raise ValueError(no_column(column, data.schema.names, "the table"))
        data = data.column(column)
    if isinstance(data, pa.ChunkedArray):
        chunks: list[Any] = list(data.chunks)
    else:
        chunks = [data]
    pieces = (c.slice(s, chunk_rows) for c in chunks for s in range(0, len(c), chunk_rows))
    return _count_arrow_batches(pieces, len(data), "arrow array", progress)


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


# ----------------------------------------------------------------------------- paired


def library_labels(v: Any, name: str, na: frozenset[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """One side of paired samples held by a data library, as integer codes of its labels
    (equal labels, equal codes) and the mask of its missing entries: real nulls (pandas
    NA, NaN, Arrow and Polars nulls) and the strings in ``na``. ``None`` when ``v`` is no
    such object. The library encodes the labels itself, so only the distinct values
    pass through Python. Dask collections are computed first: pairs need both sides row
    by row."""
    mod = type(v).__module__ or ""
    if mod.startswith("dask"):
        v = v.compute()
        mod = type(v).__module__ or ""
    if mod.startswith("polars"):
        import polars as pl

        if not isinstance(v, pl.Series):
            raise TypeError(
                f"{name} is a Polars {type(v).__name__}; pass one column (a Series), e.g. df['a']"
            )
        try:
            v = v.to_arrow()
        except ImportError:  # Polars without PyArrow: its own NumPy view, nulls masked
            miss = v.is_null().to_numpy()
            if v.dtype.is_float():
                miss = miss | v.is_nan().fill_null(False).to_numpy()
            a = v.to_numpy()
            return a, np.asarray(miss, dtype=bool) | na_mask(a, na)
        mod = "pyarrow"
    if mod.startswith("pandas"):
        import pandas as pd

        if isinstance(v, pd.Index):
            v = v.to_series()
        if not isinstance(v, pd.Series):
            raise TypeError(
                f"{name} is a pandas {type(v).__name__}; pass one column (a Series), e.g. df['a']"
            )
        codes, uniques = pd.factorize(v, use_na_sentinel=True)
        return _coded(np.asarray(codes), np.asarray(uniques, dtype=object), name, na)
    if mod.startswith("pyarrow"):
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(v, pa.ChunkedArray):
            v = v.combine_chunks()
        if not isinstance(v, pa.Array):
            raise TypeError(
                f"{name} is a pyarrow {type(v).__name__}; pass one column (an Array), "
                f"e.g. table['a']"
            )
        if pa.types.is_dictionary(v.type):
            v = v.dictionary_decode()
        if pa.types.is_floating(v.type):  # NaN is missing too, not a label
            v = pc.if_else(pc.is_nan(v), None, v)
        enc = v.dictionary_encode()
        codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        uniques = np.asarray(enc.dictionary.to_pylist(), dtype=object)
        return _coded(np.asarray(codes, dtype=np.int64), uniques, name, na)
    return None


def _coded(
    codes: np.ndarray, uniques: np.ndarray, name: str, na: frozenset[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 for a null) and the distinct labels they index, checked for mixed types,
    as (codes, missing mask) with the labels named in ``na`` missing too."""
    bad = _is_missing_object(uniques) | na_mask(uniques, na)
    _check_types(uniques[~bad], name)
    miss = codes < 0
    if bad.any():
        miss |= np.isin(codes, np.flatnonzero(bad))
    return codes, miss
