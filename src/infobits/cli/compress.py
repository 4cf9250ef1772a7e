"""``infobits compress`` and ``infobits decompress``: files coded with the adaptive
context-mixing byte model, in the ``.ibz`` container, with the conventions of gzip, xz
and zstd.

* ``-`` names standard input (as FILE) or standard output (as ``-o``); ``-c`` writes to
  standard output; with no FILE, standard input is read. Several FILEs are coded one by
  one; written to standard output, their containers follow one another, and
  ``decompress`` restores such a stream to the concatenation of the files.
* A file written from a file gets that file's permission bits and times: compressing
  gives them to the ``.ibz``, decompressing gives them back.
* Both commands check every input and output before coding anything. A file output is
  written to a temporary file beside the target and renamed into place only when
  everything succeeded, and never replaces an existing file unless ``--force`` is given.
  Standard output gets a file's bytes only once they are complete and checked, so a
  failure never leaves part of one file there; when it comes after earlier files were
  written, the one-line error says so.
* Coded data are not written to, nor read from, a terminal without ``--force``.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

from .._files import write_new
from ._common import CLIError, dump_json

__all__ = ["compress", "decompress", "parse_fast"]


class _LazyTyper:
    """``typer``, imported on first use: the options below are read by typer only when it
    builds the app, and :func:`parse_fast` runs these commands without it (typer and the
    pydantic it brings cost a large part of the start-up of a small ``compress``)."""

    def __getattr__(self, name: str) -> Any:
        import typer as module

        return getattr(module, name)


if TYPE_CHECKING:
    import typer
else:
    typer = _LazyTyper()

#: Inputs above this size show a progress bar (on stderr).
PROGRESS_ABOVE = 4 << 20
SUFFIX = ".ibz"
DEFAULT_MODEL = "order5"
STDIO = "-"


def _parse_model(text: str) -> int:
    from ..codes.adaptive import MAX_ORDER

    m = re.fullmatch(r"order([0-9]+)", text.strip().lower())
    if not m or int(m.group(1)) > MAX_ORDER:
        raise CLIError(
            f"--model {text!r} is not a model; use order0 .. order{MAX_ORDER} "
            f"(the highest context order blended; default {DEFAULT_MODEL})"
        )
    return int(m.group(1))


def _read(path: Path, what: str) -> bytes:
    """The bytes of a regular file, or a one-line error (shared with ``crosscode``)."""
    _check_source(path, what)
    return _read_file(path)[0]


def _read_file(path: Path) -> tuple[bytes, os.stat_result]:
    try:
        with open(path, "rb") as fh:
            return fh.read(), os.fstat(fh.fileno())
    except OSError as e:
        raise CLIError(f"cannot read {str(path)!r}: {e.strerror or e}") from None


def _check_source(path: Path, what: str, stdin_hint: str = "") -> None:
    if str(path) == STDIO:
        raise CLIError(f"{what}: reading standard input is not supported; give a file name")
    if not path.exists():
        raise CLIError(f"{what} {str(path)!r} does not exist")
    if path.is_dir():
        raise CLIError(f"{what} {str(path)!r} is a directory; give a file")
    if not path.is_file():  # a pipe may never end, /dev/zero never does
        raise CLIError(
            f"{what} {str(path)!r} is not a regular file (a device, pipe or socket); "
            f"give a file{stdin_hint}"
        )


def _check_target(out: Path, sources: set[Path], force: bool) -> None:
    if out.exists() and out.resolve() in sources:
        which = "the input file" if len(sources) == 1 else "one of the input FILEs"
        raise CLIError(f"the output {str(out)!r} is {which}; choose another -o")
    if out.is_dir():
        raise CLIError(f"the output {str(out)!r} is a directory; give a file name with -o")
    if out.exists() and not out.is_file():
        # the output is renamed into place, which would replace /dev/null itself
        raise CLIError(
            f"the output {str(out)!r} is not a regular file (a device, pipe or socket); "
            "give a file name with -o, or -c for standard output"
        )
    if os.path.lexists(out) and not force:  # lexists: a dangling link is a file too
        raise CLIError(f"{str(out)!r} already exists; pass --force to overwrite it")
    if not out.parent.exists():
        raise CLIError(f"the output directory {str(out.parent)!r} does not exist")
    if not out.parent.is_dir():
        raise CLIError(f"the output's folder {str(out.parent)!r} is not a directory")


def _is_stream(path: Path, stream: IO[str] | None) -> bool:
    """Whether ``path`` is ``-``, or names the file behind ``stream`` (``/dev/stdout``)."""
    if str(path) == STDIO:
        return True
    try:
        here = os.stat(path)
        there = os.fstat(stream.fileno())  # type: ignore[union-attr]
    except (OSError, AttributeError, ValueError):  # io.UnsupportedOperation is both
        return False
    # a regular file counts only through a link such as /dev/stdout, never by its name
    return os.path.samestat(here, there) and (
        not stat.S_ISREG(here.st_mode) or os.path.islink(path)
    )


def _is_terminal(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


def _write_atomic(out: Path, data: bytes, force: bool, like: os.stat_result | None) -> None:
    keep = {}
    if like is not None:  # as gzip does: the permission bits and times of the source
        keep = {
            "mode": stat.S_IMODE(like.st_mode) & 0o777,
            "times_ns": (like.st_atime_ns, like.st_mtime_ns),
        }
    try:
        write_new(out, lambda fh: fh.write(data), overwrite=force, **keep)  # type: ignore[arg-type]
    except FileExistsError:
        raise CLIError(
            f"{str(out)!r} appeared while coding; it was left alone (pass --force to overwrite it)"
        ) from None
    except OSError as e:  # a full disk, say: name the output, not the temporary
        raise CLIError(f"cannot write {str(out)!r}: {e.strerror or e}") from None


@contextmanager
def _progress(total: int, label: str, show: bool) -> Iterator[Callable[[int], None] | None]:
    if not show or total <= PROGRESS_ABOVE:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:
        # a bar is drawn only on a terminal; elsewhere it would leave a blank line on
        # stderr, before the one line an error is allowed
        yield None
        return
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


@dataclass
class _Job:
    """One input and where its result goes (``out`` None: standard output)."""

    source: Path | None  # None: standard input
    out: Path | None

    @property
    def label(self) -> str:
        return "<stdin>" if self.source is None else str(self.source)

    @property
    def name(self) -> str:
        return "standard input" if self.source is None else repr(str(self.source))

    @property
    def target(self) -> str:
        return "<stdout>" if self.out is None else str(self.out)


def _plan(
    files: list[Path] | None,
    output: Path | None,
    to_stdout: bool,
    force: bool,
    decompressing: bool,
) -> list[_Job]:
    """Check every input and output, before anything is read or coded."""
    if not files:
        if _is_terminal(sys.stdin):
            raise CLIError(
                "no FILE given and standard input is a terminal; give a FILE, or pipe "
                "data in (- names standard input)"
            )
        files = [Path(STDIO)]
    sources = [None if _is_stream(f, sys.stdin) else f for f in files]
    if sources.count(None) > 1:
        raise CLIError("standard input (-) is given more than once; it can be read only once")
    if None in sources and decompressing and _is_terminal(sys.stdin) and not force:
        raise CLIError(
            "compressed data are not read from a terminal; pipe a file in, or pass --force"
        )
    if output is not None and _is_stream(output, sys.stdout):
        to_stdout, output = True, None
    if output is not None and len(files) > 1:
        raise CLIError(
            f"-o names one output, but {len(files)} FILEs were given; leave -o out "
            f"(each FILE gets its own output) or pass -c to write them all to standard output"
        )
    if to_stdout and output is not None:
        raise CLIError("-c writes to standard output; leave out -o, or -c")
    jobs: list[_Job] = []
    for f, src in zip(files, sources, strict=True):
        if src is not None:
            _check_source(f, "FILE", ", or - for standard input")
        if to_stdout or (src is None and output is None):
            jobs.append(_Job(src, None))
        elif output is not None:
            jobs.append(_Job(src, output))
        elif decompressing:
            if f.suffix != SUFFIX or f.name == SUFFIX:
                raise CLIError(
                    f"FILE {str(f)!r} does not end in {SUFFIX}, so the output name is unclear; "
                    "give one with -o, or pass -c for standard output"
                )
            jobs.append(_Job(src, f.with_name(f.name[: -len(SUFFIX)])))
        else:
            jobs.append(_Job(src, f.with_name(f.name + SUFFIX)))
    resolved = {j.source.resolve() for j in jobs if j.source is not None}
    seen: set[Path] = set()
    for j in jobs:
        if j.out is None:
            continue
        _check_target(j.out, resolved, force)
        key = j.out.parent.resolve() / j.out.name
        if key in seen:
            raise CLIError(f"two FILEs would both be written to {str(j.out)!r}; give each once")
        seen.add(key)
    if (
        not decompressing
        and any(j.out is None for j in jobs)
        and _is_terminal(sys.stdout)
        and not force
    ):
        raise CLIError(
            "compressed data are not written to a terminal; redirect standard output, "
            "or pass --force"
        )
    return jobs


def _stdout_bytes() -> IO[bytes]:
    out = getattr(sys.stdout, "buffer", None)
    if out is None:
        raise CLIError("standard output does not take bytes here; write to a file with -o")
    return out


class _Run:
    """Runs the jobs in order; a failure after some output says what was written."""

    def __init__(self, jobs: list[_Job]) -> None:
        self.jobs = jobs
        self.files_done = 0
        self.stdout_files = 0
        self.stdout_bytes = 0

    def read(self, job: _Job) -> tuple[bytes, os.stat_result | None]:
        if job.source is not None:
            return _read_file(job.source)
        stdin = getattr(sys.stdin, "buffer", None)
        if stdin is None:
            raise CLIError("standard input cannot be read here; give a file name")
        try:
            return stdin.read(), None
        except OSError as e:
            raise CLIError(f"cannot read standard input: {e.strerror or e}") from None

    def emit(self, job: _Job, data: bytes, force: bool, like: os.stat_result | None) -> None:
        if job.out is not None:
            _write_atomic(job.out, data, force, like)
            self.files_done += 1
            return
        out = _stdout_bytes()
        done = 0
        try:
            view = memoryview(data)
            while done < len(view):
                # a pipe whose reader left may take part of a write and report no error
                n = out.write(view[done:])
                if not n:
                    raise OSError(errno.EIO, "it took no more bytes")
                done += n
            out.flush()
        except OSError as e:
            if isinstance(e, BrokenPipeError):
                _silence_stdout(out)
            raise CLIError(
                f"writing {job.name} to standard output failed ({e.strerror or e}) after "
                f"{done} of its {len(data)} bytes, so the output there is incomplete"
            ) from None
        self.stdout_bytes += len(data)
        self.stdout_files += 1

    def failed(self, i: int, e: CLIError) -> CLIError:
        later = len(self.jobs) - i - 1
        notes = []
        if self.stdout_bytes:
            notes.append(
                "standard output already holds the complete output of the "
                f"{self.stdout_files} FILE(s) before it ({self.stdout_bytes} bytes)"
            )
        if self.files_done:
            notes.append(f"the {self.files_done} output file(s) before it were written")
        if notes and later:
            notes.append(f"the {later} FILE(s) after it were not processed")
        return CLIError("; ".join([str(e), *notes])) if notes else e


def _silence_stdout(out: IO[bytes]) -> None:
    """After a broken pipe, point standard output at /dev/null, so that the flush at exit
    does not fail again with a second message (its reader is gone: nothing is lost)."""
    try:
        fd = out.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):
        return
    os.dup2(null, fd)
    os.close(null)


def _report(
    reports: list[dict[str, object]],
    lines: list[str],
    as_json: bool,
    quiet: bool,
    to_stderr: bool,
    verbose: bool,
) -> None:
    if as_json:
        text = dump_json(reports[0] if len(reports) == 1 else reports)
    elif quiet or (to_stderr and not verbose):  # zstd's convention: a pipe stays quiet
        return
    else:
        text = "\n".join(lines)
    stream = sys.stderr if to_stderr else sys.stdout
    stream.write(text + "\n")
    stream.flush()


_FILES_HELP = "files to compress; - (or none) for standard input"


def compress(
    files: Annotated[
        list[Path] | None, typer.Argument(help=_FILES_HELP, show_default=False, metavar="FILE")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="output file (default: FILE.ibz); - for stdout"),
    ] = None,
    stdout: Annotated[
        bool, typer.Option("-c", "--stdout", help="write to standard output")
    ] = False,
    model: Annotated[
        str,
        typer.Option("--model", help="order0 .. order8: the highest context order blended"),
    ] = DEFAULT_MODEL,
    force: Annotated[
        bool,
        typer.Option("--force", "-f", help="overwrite an existing output; write to a terminal"),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print nothing on success")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="report on stderr when writing to stdout")
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="print the report as JSON (on stderr if data go to stdout)"),
    ] = False,
) -> None:
    """Compress FILEs with an adaptive context-mixing model; report bits per byte.

    Input that the model would not shrink (an already-compressed file, say) is stored as
    it is, so no output is more than the 36-byte header longer than its input.
    """
    from ..codes.container import HEADER_SIZE, pack, read_header

    order = _parse_model(model)
    jobs = _plan(files, output, stdout, force, decompressing=False)
    run = _Run(jobs)
    reports: list[dict[str, object]] = []
    lines: list[str] = []
    for i, job in enumerate(jobs):
        try:
            raw, like = run.read(job)
            t0 = time.perf_counter()
            with _progress(len(raw), "compressing", not quiet) as cb:
                blob, ideal = pack(raw, order, cb)
            secs = time.perf_counter() - t0
            run.emit(job, blob, force, like)
        except CLIError as e:
            raise run.failed(i, e) from None
        stored = read_header(blob).stored
        n = len(raw)
        payload_bits = 8 * (len(blob) - HEADER_SIZE)
        excess = (payload_bits - ideal) / ideal if ideal > 0 else 0.0
        rate = n / secs / 1e6 if secs > 0 else 0.0
        reports.append(
            {
                "input": STDIO if job.source is None else str(job.source),
                "output": STDIO if job.out is None else str(job.out),
                "model": f"order{order}",
                "stored": stored,
                "original_bytes": n,
                "compressed_bytes": len(blob),
                "bits_per_byte": 8 * len(blob) / n if n else None,
                "ideal_bits": ideal,
                "payload_bits": payload_bits,
                "excess_over_ideal": excess,
                "seconds": secs,
                "mb_per_s": rate,
            }
        )
        head = f"{job.label} -> {job.target}:"
        if n == 0:
            lines.append(f"{head} empty; the output is the {len(blob)}-byte header alone")
        elif stored:
            lines.append(
                f"{head} {n} -> {len(blob)} bytes, stored as they are: order{order} would "
                f"not make them smaller (its ideal is {ideal / n:.3f} bits/byte), so only "
                f"the {HEADER_SIZE}-byte header is added"
            )
        else:
            lines.append(
                f"{head} {n} -> {len(blob)} bytes, {8 * len(blob) / n:.3f} bits/byte "
                f"(order{order}; the model's ideal is {ideal / n:.3f} bits/byte, the "
                f"coder is {100 * excess:+.3f}% off it; {rate:.2f} MB/s)"
            )
    _report(
        reports,
        lines,
        as_json,
        quiet,
        run.stdout_bytes > 0 or any(j.out is None for j in jobs),
        verbose,
    )


def decompress(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help=".ibz files to restore; - (or none) for standard input",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="output file (default: FILE without .ibz); - for stdout"
        ),
    ] = None,
    stdout: Annotated[
        bool, typer.Option("-c", "--stdout", help="write to standard output")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", "-f", help="overwrite an existing output; read a terminal"),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print nothing on success")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="report on stderr when writing to stdout")
    ] = False,
) -> None:
    """Restore files made by `infobits compress`, bit for bit (checked by CRC-32), with
    the .ibz file's permission bits and times."""
    from ..codes.container import ContainerError, read_members, unpack_all

    jobs = _plan(files, output, stdout, force, decompressing=True)
    run = _Run(jobs)
    lines: list[str] = []
    for i, job in enumerate(jobs):
        try:
            blob, like = run.read(job)
            try:
                total = sum(h.original_size for h in read_members(blob, job.name))
                with _progress(total, "decompressing", not quiet) as cb:
                    raw = unpack_all(blob, job.name, cb)
            except ContainerError as e:
                raise CLIError(str(e)) from None
            run.emit(job, raw, force, like)
        except CLIError as e:
            raise run.failed(i, e) from None
        n = len(raw)
        what = "an empty file" if n == 0 else f"{n} byte{'' if n == 1 else 's'}"
        lines.append(f"{job.label} -> {job.target}: {what} restored, CRC-32 verified")
    _report([], lines, False, quiet, any(j.out is None for j in jobs), verbose)


# The options of each command: long and short names of the flags, and of the options
# that take a value, as the signatures above declare them (a test checks they agree).
_FLAGS = {
    "compress": {
        "--stdout": "stdout",
        "-c": "stdout",
        "--force": "force",
        "-f": "force",
        "--quiet": "quiet",
        "-q": "quiet",
        "--verbose": "verbose",
        "-v": "verbose",
        "--json": "as_json",
    },
    "decompress": {
        "--stdout": "stdout",
        "-c": "stdout",
        "--force": "force",
        "-f": "force",
        "--quiet": "quiet",
        "-q": "quiet",
        "--verbose": "verbose",
        "-v": "verbose",
    },
}
_VALUED = {
    "compress": {"--output": "output", "-o": "output", "--model": "model"},
    "decompress": {"--output": "output", "-o": "output"},
}


def parse_fast(args: list[str]) -> Callable[[], None] | None:
    """``compress`` or ``decompress`` with plain arguments, parsed without typer: the
    call to run, or None when anything is unusual (help, an unknown or repeated-value
    option, a missing value), which typer then parses and reports as usual.

    Accepted: ``--long``, ``--long=VALUE``, ``--long VALUE``, ``-x VALUE``, bundled flags
    such as ``-fq``, ``--`` (the rest are FILEs) and ``-`` (standard input).

    >>> parse_fast(["compress", "-fq", "--model=order3", "a.txt"]) is not None
    True
    >>> parse_fast(["compress", "--help"]) is None
    True
    """
    if not args or args[0] not in _FLAGS:
        return None
    command, rest = args[0], args[1:]
    flags, valued = _FLAGS[command], _VALUED[command]
    kwargs: dict[str, Any] = {}
    files: list[Path] = []
    k = 0
    only_files = False
    while k < len(rest):
        a = rest[k]
        k += 1
        if only_files or a == STDIO or not a.startswith("-"):
            files.append(Path(a))
        elif a == "--":
            only_files = True
        elif a.startswith("--"):
            name, eq, value = a.partition("=")
            if name in flags and not eq:
                kwargs[flags[name]] = True
            elif name in valued and eq:
                kwargs[valued[name]] = value
            elif name in valued and k < len(rest):
                kwargs[valued[name]] = rest[k]
                k += 1
            else:
                return None
        elif a in valued and k < len(rest):
            kwargs[valued[a]] = rest[k]
            k += 1
        elif all(f"-{c}" in flags for c in a[1:]):
            for c in a[1:]:
                kwargs[flags[f"-{c}"]] = True
        else:
            return None
    if "output" in kwargs:
        kwargs["output"] = Path(kwargs["output"])
    run = compress if command == "compress" else decompress
    return lambda: run(files or None, **kwargs)
