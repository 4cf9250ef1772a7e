"""``infobits compress`` and ``infobits decompress``: files coded with the adaptive
context-mixing byte model, in the ``.ibz`` container.

Both commands write to a temporary file beside the target and rename it into place only
when everything succeeded, so a failure never leaves a partial output; neither replaces an
existing file unless ``--force`` is given.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from .._files import write_new
from ._common import CLIError, dump_json

__all__ = ["compress", "decompress"]

#: Inputs above this size show a progress bar (on stderr).
PROGRESS_ABOVE = 4 << 20
SUFFIX = ".ibz"
DEFAULT_MODEL = "order5"


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
    _check_source(path, what)
    try:
        return path.read_bytes()
    except OSError as e:
        raise CLIError(f"cannot read {str(path)!r}: {e.strerror or e}") from None


def _check_source(path: Path, what: str) -> None:
    if str(path) == "-":
        raise CLIError(f"{what}: reading standard input is not supported; give a file name")
    if not path.exists():
        raise CLIError(f"{what} {str(path)!r} does not exist")
    if path.is_dir():
        raise CLIError(f"{what} {str(path)!r} is a directory; give a file")
    if not path.is_file():  # a pipe may never end, /dev/zero never does
        raise CLIError(f"{what} {str(path)!r} is not a regular file (a device, pipe or socket)")


def _check_target(out: Path, source: Path, force: bool) -> None:
    if out.exists() and source.exists() and out.resolve() == source.resolve():
        raise CLIError(f"the output {str(out)!r} is the input file; choose another -o")
    if out.is_dir():
        raise CLIError(f"the output {str(out)!r} is a directory; give a file name with -o")
    if out.exists() and not out.is_file():
        # the output is renamed into place, which would replace /dev/null itself
        raise CLIError(
            f"the output {str(out)!r} is not a regular file (a device, pipe or socket); "
            "give a file name with -o"
        )
    if os.path.lexists(out) and not force:  # lexists: a dangling link is a file too
        raise CLIError(f"{str(out)!r} already exists; pass --force to overwrite it")
    if not out.parent.exists():
        raise CLIError(f"the output directory {str(out.parent)!r} does not exist")
    if not out.parent.is_dir():
        raise CLIError(f"the output's folder {str(out.parent)!r} is not a directory")


def _write_atomic(out: Path, data: bytes, force: bool) -> None:
    try:
        write_new(out, lambda fh: fh.write(data), overwrite=force)
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


def compress(
    file: Annotated[Path, typer.Argument(help="the file to compress", show_default=False)],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="output file (default: FILE.ibz)")
    ] = None,
    model: Annotated[
        str,
        typer.Option("--model", help="order0 .. order8: the highest context order blended"),
    ] = DEFAULT_MODEL,
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing output")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print nothing on success")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Compress FILE with an adaptive context-mixing model; report bits per byte."""
    from ..codes.container import HEADER_SIZE, pack

    order = _parse_model(model)
    _check_source(file, "FILE")
    out = output if output is not None else file.with_name(file.name + SUFFIX)
    _check_target(out, file, force)
    raw = _read(file, "FILE")
    t0 = time.perf_counter()
    with _progress(len(raw), "compressing", not quiet) as cb:
        blob, ideal = pack(raw, order, cb)
    secs = time.perf_counter() - t0
    _write_atomic(out, blob, force)
    n = len(raw)
    payload_bits = 8 * (len(blob) - HEADER_SIZE)
    excess = (payload_bits - ideal) / ideal if ideal > 0 else 0.0
    rate = n / secs / 1e6 if secs > 0 else 0.0
    report: dict[str, object] = {
        "input": str(file),
        "output": str(out),
        "model": f"order{order}",
        "original_bytes": n,
        "compressed_bytes": len(blob),
        "bits_per_byte": 8 * len(blob) / n if n else 0.0,
        "ideal_bits": ideal,
        "payload_bits": payload_bits,
        "excess_over_ideal": excess,
        "seconds": secs,
        "mb_per_s": rate,
    }
    if as_json:
        typer.echo(dump_json(report))
    elif not quiet:
        typer.echo(
            f"{file} -> {out}: {n} -> {len(blob)} bytes, {8 * len(blob) / max(n, 1):.3f} "
            f"bits/byte (order{order}; the model's ideal is {ideal / max(n, 1):.3f} "
            f"bits/byte, the coder is {100 * excess:+.3f}% off it; {rate:.2f} MB/s)"
        )


def decompress(
    file: Annotated[Path, typer.Argument(help="the .ibz file to restore", show_default=False)],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="output file (default: FILE without .ibz)"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing output")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print nothing on success")] = False,
) -> None:
    """Restore a file made by `infobits compress`, bit for bit (checked by CRC-32)."""
    from ..codes.container import ContainerError, read_header, unpack

    _check_source(file, "FILE")
    if output is None:
        if file.suffix != SUFFIX or file.name == SUFFIX:
            raise CLIError(
                f"FILE {str(file)!r} does not end in {SUFFIX}, so the output name is unclear; "
                "give one with -o"
            )
        output = file.with_name(file.name[: -len(SUFFIX)])
    _check_target(output, file, force)
    blob = _read(file, "FILE")
    name = repr(str(file))
    try:
        head = read_header(blob, name)
        with _progress(head.original_size, "decompressing", not quiet) as cb:
            raw = unpack(blob, name, cb)
    except ContainerError as e:
        raise CLIError(str(e)) from None
    _write_atomic(output, raw, force)
    if not quiet:
        n = len(raw)
        typer.echo(f"{file} -> {output}: {n} byte{'' if n == 1 else 's'} restored, CRC-32 verified")
