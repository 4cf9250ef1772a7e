"""Counting a column of a CSV, TSV or Parquet file, in streamed batches, and wording
the errors of files that are damaged, not UTF-8 or not tables at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ._frames import _count_arrow_batches
from .counting import ValueCounts, no_column

_PARQUET = (".parquet", ".pq", ".parq")
_CSV = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".csv.bz2")


def _count_file(
    path: Path,
    column: str | None,
    chunk_rows: int,
    as_text: bool,
    progress: bool,
    na_values: frozenset[str] = frozenset(),
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
        return _count_csv(path, column, chunk_rows, as_text, progress, na_values)
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
        raise ValueError(no_column(column, names, path.name))
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
    path: Path,
    column: str,
    chunk_rows: int,
    as_text: bool,
    progress: bool,
    na_values: frozenset[str] = frozenset(),
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
        raise ValueError(no_column(column, names, path.name))
    if names.count(column) > 1:
        raise ValueError(
            f"{path.name} has {names.count(column)} columns named {column!r}; rename them "
            "so that the one to count is unambiguous"
        )
    conv = pcsv.ConvertOptions(
        include_columns=[column],
        column_types={column: pa.string()},
        **_null_options(as_text, na_values),
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
    return vc if as_text else typed_labels(vc, f"column {column!r} of {path.name}")


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


def _null_options(as_text: bool, na_values: frozenset[str]) -> dict[str, Any]:
    """Which CSV fields are missing: the strings the user named and, unless every value
    is read as text, the empty field. Arrow's own list ("NA", "nan", "null", "N/A", ...)
    is never used: those are labels (Namibia is "NA") until the user says otherwise."""
    nulls = sorted(na_values) if as_text else sorted(na_values | {""})
    return {"null_values": nulls, "strings_can_be_null": bool(nulls)}


# ----------------------------------------------------------------------------- label types
#
# Every CSV column is read as text, then typed from the values it holds: a column of
# integers written the plain way ("-3", "2134") is counted as integers, one of plain
# decimals ("0.25", "1e-3") as floats, and anything else stays text, so that "02134" and
# "2134" stay two labels and "nan" stays a word.

_INT = re.compile(r"0|-?[1-9][0-9]*")
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_NUMBERISH = re.compile(r"\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*")


def _retyped(vc: ValueCounts, labels: np.ndarray) -> ValueCounts:
    uniq, inv = np.unique(labels, return_inverse=True)
    counts = np.zeros(uniq.size, dtype=np.int64)
    np.add.at(counts, inv.ravel(), vc.counts)
    return ValueCounts(uniq, counts, vc.missing, vc.source)


def typed_labels(vc: ValueCounts, where: str) -> ValueCounts:
    """Text labels of a CSV column as numbers where every one is written as a plain number.

    Raises a worded error for a column that mixes numbers and words, which is almost
    always a data error or a missing-value marker (then name it with ``na_values``).
    """
    if vc.labels.dtype.kind not in "OU" or vc.labels.size == 0:
        return vc
    text = [str(v) for v in vc.labels]
    if all(_INT.fullmatch(t) for t in text):
        ints = [int(t) for t in text]
        if -(2**63) <= min(ints) and max(ints) < 2**63:
            return _retyped(vc, np.array(ints, dtype=np.int64))
        return vc
    if all(_DECIMAL.fullmatch(t) for t in text):
        return _retyped(vc, np.array([float(t) for t in text]))
    numberish = [bool(_NUMBERISH.fullmatch(t)) for t in text]
    if all(numberish) or not any(numberish):
        return vc  # codes such as "02134", or words: labels as written
    num, word = text[numberish.index(True)], text[numberish.index(False)]
    raise ValueError(
        f"{where} mixes types: numbers (e.g. {num!r}) and text (e.g. {word!r}); if "
        f"{word!r} means a missing value, say so with na_values=[{word!r}] "
        f"(--na-values {word}); otherwise clean the column, or count every value as text "
        "with as_text=True (--as-text)"
    )


# ----------------------------------------------------------------------------- paired columns


def read_label_columns(
    path: Path, columns: list[str], na_values: frozenset[str] = frozenset()
) -> list[Any]:
    """Whole columns of a CSV (as text) or Parquet file, row-aligned, as Arrow arrays
    whose nulls are the missing values (the empty field and ``na_values`` in a CSV)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    if not path.exists():
        raise FileNotFoundError(f"no such file: {str(path)!r}")
    if path.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a directory; give a CSV or Parquet file")
    name = path.name.lower()
    if name.endswith(_PARQUET):
        try:
            names = pq.ParquetFile(path).schema_arrow.names
        except Exception as e:  # pyarrow raises ArrowInvalid and friends, all worded
            raise ValueError(f"cannot read {path.name} as Parquet: {e}") from None
        _check_columns(columns, names, path.name)
        try:
            table = pq.read_table(path, columns=columns)
        except (OSError, pa.ArrowInvalid) as e:
            raise ValueError(f"cannot read {path.name} as Parquet: {e}") from None
        out = [table.column(c) for c in columns]
        if na_values:
            import pyarrow.compute as pc

            out = [
                pc.if_else(pc.is_in(c, pa.array(sorted(na_values))), None, c)
                if pa.types.is_string(c.type) or pa.types.is_large_string(c.type)
                else c
                for c in out
            ]
        return out
    if not name.endswith(_CSV):
        raise ValueError(
            f"cannot tell the format of {path.name!r} from its name; use a .csv, .tsv or "
            ".parquet file"
        )
    if path.stat().st_size == 0:
        raise ValueError(f"{path.name} is empty; it has no header and no rows")
    _check_text(path)
    parse, read = _csv_options(path)
    try:
        with pcsv.open_csv(path, parse_options=parse, read_options=read) as head:
            names = head.schema.names
    except (pa.ArrowInvalid, OSError) as e:
        raise _csv_error(path, e) from None
    _check_columns(columns, names, path.name)
    conv = pcsv.ConvertOptions(
        include_columns=columns,
        column_types={c: pa.string() for c in columns},
        **_null_options(False, na_values),
    )
    try:
        table = pcsv.read_csv(path, parse_options=parse, read_options=read, convert_options=conv)
    except (pa.ArrowInvalid, OSError) as e:
        if "utf8" in str(e).lower() or "utf-8" in str(e).lower():
            raise _not_utf8(path, _find_bad_utf8(path)) from None
        raise _csv_error(path, e) from None
    _check_quotes(path)
    return [table.column(c) for c in columns]


def _check_columns(columns: list[str], names: list[str], fname: str) -> None:
    for c in columns:
        if c not in names:
            raise ValueError(no_column(c, names, fname))
        if names.count(c) > 1:
            raise ValueError(
                f"{fname} has {names.count(c)} columns named {c!r}; rename them so that the "
                "one to read is unambiguous"
            )
