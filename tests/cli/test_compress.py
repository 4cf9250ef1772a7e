"""``infobits compress`` / ``decompress``: exact round trips, one-line errors, no partial
or overwritten files."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from infobits.cli import main

TEXT = b"In an adaptive compressor the model and the coder take turns, symbol by symbol. " * 60


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def src(tmp_path: Path) -> Path:
    p = tmp_path / "notes.txt"
    p.write_bytes(TEXT)
    return p


def test_compress_then_decompress_restores_the_file_bit_for_bit(capsys, src, tmp_path):
    code, out, err = run(capsys, "compress", str(src))
    assert code == 0, err
    packed = tmp_path / "notes.txt.ibz"
    assert packed.exists() and packed.stat().st_size < len(TEXT) // 4
    assert "bits/byte" in out and "order5" in out
    src.unlink()
    code, out, err = run(capsys, "decompress", str(packed))
    assert code == 0, err
    assert src.read_bytes() == TEXT
    assert "CRC-32 verified" in out


@pytest.mark.parametrize("model", ["order0", "order1", "order3", "order8"])
def test_every_model_round_trips(capsys, src, tmp_path, model):
    out = tmp_path / f"{model}.ibz"
    assert run(capsys, "compress", str(src), "-o", str(out), "--model", model)[0] == 0
    back = tmp_path / f"{model}.out"
    assert run(capsys, "decompress", str(out), "-o", str(back))[0] == 0
    assert back.read_bytes() == TEXT


def test_compress_writes_model_4_and_decompress_reads_every_model(capsys, src, tmp_path):
    from infobits.codes.container import pack, read_header

    packed = tmp_path / "notes.txt.ibz"
    assert run(capsys, "compress", str(src))[0] == 0
    h = read_header(packed.read_bytes())
    assert (h.version, h.model, h.params.version) == (4, 4, 4)
    for model in (1, 2, 3):  # files of earlier models, as pack(model=...) writes them
        old = tmp_path / f"m{model}.ibz"
        old.write_bytes(pack(TEXT, 5, model=model)[0])
        assert read_header(old.read_bytes()).model == model
        back = tmp_path / f"m{model}.out"
        assert run(capsys, "decompress", str(old), "-o", str(back))[0] == 0
        assert back.read_bytes() == TEXT


def test_json_report_has_sizes_and_the_ideal(capsys, src, tmp_path):
    code, out, _ = run(capsys, "compress", str(src), "-o", str(tmp_path / "x.ibz"), "--json")
    assert code == 0
    rep = json.loads(out)
    assert rep["original_bytes"] == len(TEXT)
    assert rep["compressed_bytes"] == (tmp_path / "x.ibz").stat().st_size
    assert abs(rep["payload_bits"] - rep["ideal_bits"]) <= 0.001 * rep["ideal_bits"] + 64


def test_empty_file_round_trips(capsys, tmp_path):
    e = tmp_path / "empty"
    e.write_bytes(b"")
    assert run(capsys, "compress", str(e))[0] == 0
    e.unlink()
    assert run(capsys, "decompress", str(tmp_path / "empty.ibz"))[0] == 0
    assert e.read_bytes() == b""


def test_existing_output_is_never_overwritten_without_force(capsys, src, tmp_path):
    target = tmp_path / "notes.txt.ibz"
    target.write_bytes(b"precious")
    code, _, err = run(capsys, "compress", str(src))
    assert code == 2
    assert err.count("\n") == 1 and "already exists; pass --force" in err
    assert target.read_bytes() == b"precious"
    assert run(capsys, "compress", str(src), "--force")[0] == 0
    assert target.read_bytes()[:4] == b"\x89IBZ"


def _no_new_files(tmp_path: Path, before: set[str]) -> None:
    assert {p.name for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize("damage", ["flip", "truncate", "magic", "junk"])
def test_damaged_files_fail_in_one_line_without_output(capsys, src, tmp_path, damage):
    packed = tmp_path / "n.ibz"
    assert run(capsys, "compress", str(src), "-o", str(packed))[0] == 0
    blob = bytearray(packed.read_bytes())
    if damage == "flip":
        blob[len(blob) // 2] ^= 0x04
    elif damage == "truncate":
        blob = blob[: len(blob) - 7]
    elif damage == "magic":
        blob[0:4] = b"GZIP"
    else:
        blob += b"\x00\x01"
    packed.write_bytes(bytes(blob))
    before = {p.name for p in tmp_path.iterdir()}
    code, out, err = run(capsys, "decompress", str(packed), "-o", str(tmp_path / "restored"))
    assert code == 2
    assert out == ""
    assert err.startswith("infobits: error: ") and err.count("\n") == 1
    want = {
        "flip": "corrupted",
        "truncate": "truncated",
        "magic": "not an infobits compressed file",
        "junk": "unexpected byte",
    }[damage]
    assert want in err
    _no_new_files(tmp_path, before)


def test_user_errors_are_one_line(capsys, src, tmp_path):
    cases = [
        (["compress", str(tmp_path / "missing")], "does not exist"),
        (["compress", str(tmp_path)], "is a directory"),
        (["compress", str(src), "--model", "order12"], "order0 .. order8"),
        (["compress", str(src), "--model", "lz77"], "is not a model"),
        (["decompress", str(src)], "does not end in .ibz"),
        (["compress", str(src), "-o", str(tmp_path / "no" / "dir.ibz")], "does not exist"),
        (["compress", str(src), "-o", str(src), "--force"], "is the input file"),
    ]
    for args, want in cases:
        code, _, err = run(capsys, *args)
        assert code == 2, args
        assert want in err and err.count("\n") == 1, (args, err)


def test_large_inputs_report_progress_and_still_round_trip(capsys, src, tmp_path, monkeypatch):
    import importlib

    import infobits.codes.adaptive as adaptive

    # the package re-exports the command function under the module's name
    cli_compress = importlib.import_module("infobits.cli.compress")

    params = adaptive.model_params(3, len(TEXT))
    whole, _ = adaptive.compress_bytes(TEXT, params)
    monkeypatch.setattr(cli_compress, "PROGRESS_ABOVE", 0)
    monkeypatch.setattr(adaptive, "_CHUNK", 1000)  # several resumptions of the loop
    seen: list[int] = []
    pieces, _ = adaptive.compress_bytes(TEXT, params, seen.append)
    assert pieces == whole  # stopping and resuming the loop changes nothing
    assert seen == sorted(seen) and seen[-1] == len(TEXT) and len(seen) > 3
    out = tmp_path / "p.ibz"
    assert run(capsys, "compress", str(src), "-o", str(out))[0] == 0
    back = tmp_path / "p.txt"
    assert run(capsys, "decompress", str(out), "-o", str(back))[0] == 0
    assert back.read_bytes() == TEXT


def test_the_progress_bar_is_drawn_on_a_terminal_only(capsys, src, tmp_path, monkeypatch):
    import importlib

    cli_compress = importlib.import_module("infobits.cli.compress")
    monkeypatch.setattr(cli_compress, "PROGRESS_ABOVE", 0)
    code, _, err = run(capsys, "compress", str(src), "-o", str(tmp_path / "a.ibz"))
    assert code == 0 and err == ""  # not a terminal: no bar, no blank line
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich then treats stderr as a terminal
    code, _, err = run(capsys, "compress", str(src), "-o", str(tmp_path / "b.ibz"))
    assert code == 0 and err != ""
    assert (tmp_path / "a.ibz").read_bytes() == (tmp_path / "b.ibz").read_bytes()


def test_outputs_get_the_usual_permissions_not_the_temporary_files_0600(capsys, src, tmp_path):
    old = os.umask(0o022)
    try:
        packed, back = tmp_path / "p.ibz", tmp_path / "back.txt"
        assert run(capsys, "compress", str(src), "-o", str(packed))[0] == 0
        assert run(capsys, "decompress", str(packed), "-o", str(back))[0] == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(packed.stat().st_mode) == 0o644
    assert stat.S_IMODE(back.stat().st_mode) == 0o644


@pytest.mark.parametrize("where", ["coding", "writing"])
def test_ctrl_c_says_so_and_leaves_no_output_or_temporary_file(
    capsys, src, tmp_path, monkeypatch, where
):
    import infobits.codes.container as container

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    if where == "coding":
        monkeypatch.setattr(container, "compress_bytes", interrupt)
    else:
        monkeypatch.setattr(os, "replace", interrupt)
        monkeypatch.setattr(os, "link", interrupt)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(capsys, "compress", str(src))
    assert code == 130 and out == ""
    assert err.strip().splitlines()[-1] == "infobits: interrupted"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_device_as_output_is_refused_even_with_force(capsys, src):
    # renaming into place would replace the device node itself
    code, out, err = run(capsys, "compress", str(src), "-o", os.devnull, "--force")
    assert code == 2 and out == ""
    assert "not a regular file" in err and err.count("\n") == 1
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.parametrize("device", [os.devnull, "/dev/zero"])
def test_a_device_as_input_is_refused_and_nothing_is_written_beside_it(capsys, tmp_path, device):
    code, out, err = run(capsys, "compress", device, "-o", str(tmp_path / "x.ibz"))
    assert out == "" and not (tmp_path / "x.ibz").exists()
    assert code == 2 and "not a regular file" in err and err.count("\n") == 1
    assert not os.path.lexists(device + ".ibz")


def test_a_fifo_as_input_is_refused_instead_of_waiting_for_it(capsys, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "compress", str(fifo))
    assert code == 2 and "not a regular file" in err


def test_a_dangling_symlink_output_is_not_replaced_without_force(capsys, src, tmp_path):
    link = tmp_path / "link.ibz"
    link.symlink_to(tmp_path / "nowhere")
    code, _, err = run(capsys, "compress", str(src), "-o", str(link))
    assert code == 2 and "already exists" in err
    assert link.is_symlink()


def test_an_output_under_a_file_fails_naming_the_output_not_a_temporary(capsys, src):
    code, _, err = run(capsys, "compress", str(src), "-o", str(src) + "/x.ibz")
    assert code == 2 and err.count("\n") == 1
    assert ".part" not in err and "is not a directory" in err


def test_decompress_of_a_file_named_only_the_suffix_asks_for_a_name(capsys, tmp_path):
    bare = tmp_path / ".ibz"
    bare.write_bytes(b"x")
    code, _, err = run(capsys, "decompress", str(bare))
    assert code == 2 and "give one with -o" in err


def test_a_one_byte_file_round_trips_and_is_reported_as_one_byte(capsys, tmp_path):
    one = tmp_path / "one"
    one.write_bytes(b"\xff")
    assert run(capsys, "compress", str(one))[0] == 0
    one.unlink()
    code, out, _ = run(capsys, "decompress", str(tmp_path / "one.ibz"))
    assert code == 0 and ": 1 byte restored" in out
    assert one.read_bytes() == b"\xff"


def test_an_output_that_appears_while_coding_is_left_alone(capsys, src, tmp_path, monkeypatch):
    import infobits.codes.container as container

    target = tmp_path / "notes.txt.ibz"
    real = container.compress_bytes

    def racing(*args, **kwargs):
        target.write_bytes(b"someone else's file")  # written after the up-front check
        return real(*args, **kwargs)

    monkeypatch.setattr(container, "compress_bytes", racing)
    code, out, err = run(capsys, "compress", str(src))
    assert code == 2 and out == "" and "appeared while coding" in err
    assert target.read_bytes() == b"someone else's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "notes.txt.ibz"]


def test_a_file_system_without_hard_links_still_gets_the_output(capsys, src, tmp_path, monkeypatch):
    def no_links(*args, **kwargs):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    assert run(capsys, "compress", str(src))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "notes.txt.ibz"]


def test_a_full_disk_names_the_output_and_leaves_no_partial_file(
    capsys, src, tmp_path, monkeypatch
):
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fd, mode):
            self.fh = real_fdopen(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            self.fh.write(data[:10])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    code, out, err = run(capsys, "compress", str(src))
    assert code == 2 and out == ""
    assert err == f"infobits: error: cannot write '{src}.ibz': No space left on device\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


# -- the conventions of gzip, xz and zstd (issue 12, item 4) ------------------------------

REPO = Path(__file__).resolve().parents[2]


def shell(args: list[str], stdin: bytes = b"", cwd: Path | None = None, stdout=None):
    """``infobits ARGS`` in a fresh process, with pipes; (status, stdout bytes, stderr)."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    p = subprocess.run(
        [sys.executable, "-m", "infobits", *args],
        input=stdin,
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    return p.returncode, p.stdout, p.stderr.decode()


def binary_run(capsysbinary, monkeypatch, *args: str, stdin: bytes | None = None):
    import io
    import sys

    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(list(args))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


def test_standard_input_to_standard_output_and_back_through_pipes(tmp_path):
    code, packed, err = shell(["compress", "-"], stdin=TEXT, cwd=tmp_path)
    assert code == 0 and err == "" and packed[:4] == b"\x89IBZ"  # quiet on a pipe, as zstd
    code, back, err = shell(["decompress", "-o", "/dev/stdout", "-", "-v"], stdin=packed)
    assert code == 0 and back == TEXT and "<stdin> -> <stdout>" in err
    assert list(tmp_path.iterdir()) == []  # no file named "-", nothing else either


def test_dash_o_dash_writes_standard_output_not_a_file_named_dash(
    capsysbinary, monkeypatch, src, tmp_path
):
    monkeypatch.chdir(tmp_path)
    code, out, err = binary_run(capsysbinary, monkeypatch, "compress", str(src), "-o", "-")
    assert code == 0 and err == ""
    assert not os.path.lexists(tmp_path / "-")
    code, back, _ = binary_run(capsysbinary, monkeypatch, "decompress", "-c", stdin=out)
    assert code == 0 and back == TEXT
    code, back, _ = binary_run(capsysbinary, monkeypatch, "decompress", "-", "-c", stdin=out)
    assert code == 0 and back == TEXT
    # from standard input to a named file
    code, report, _ = binary_run(
        capsysbinary, monkeypatch, "decompress", "-", "-o", "named", stdin=out
    )
    assert code == 0 and (tmp_path / "named").read_bytes() == TEXT
    assert b"<stdin> -> named" in report


def test_several_files_each_get_their_own_output(capsys, tmp_path):
    names = {"a": TEXT, "b": b"", "c": bytes(range(256)) * 3}
    for k, v in names.items():
        (tmp_path / k).write_bytes(v)
    code, out, err = run(capsys, "compress", *(str(tmp_path / k) for k in names))
    assert code == 0 and err == "" and out.count("\n") == 3
    for k in names:
        (tmp_path / k).unlink()
    code, out, _ = run(capsys, "decompress", *(str(tmp_path / f"{k}.ibz") for k in names))
    assert code == 0 and out.count("restored") == 3
    assert {k: (tmp_path / k).read_bytes() for k in names} == names


def test_several_files_to_standard_output_decompress_to_their_concatenation(
    capsysbinary, monkeypatch, tmp_path
):
    parts = [TEXT, b"", b"\x00" * 100, TEXT[::-1]]
    paths = []
    for i, p in enumerate(parts):
        paths.append(str(tmp_path / f"p{i}"))
        (tmp_path / f"p{i}").write_bytes(p)
    code, stream, err = binary_run(capsysbinary, monkeypatch, "compress", "-c", *paths)
    assert code == 0 and err == ""
    code, back, _ = binary_run(capsysbinary, monkeypatch, "decompress", "-c", stdin=stream)
    assert code == 0 and back == b"".join(parts)
    (tmp_path / "all.ibz").write_bytes(stream)
    code, _, _ = binary_run(capsysbinary, monkeypatch, "decompress", str(tmp_path / "all.ibz"))
    assert code == 0 and (tmp_path / "all").read_bytes() == b"".join(parts)


def test_several_file_mistakes_are_caught_before_anything_is_written(capsys, src, tmp_path):
    other = tmp_path / "other.txt"
    other.write_bytes(b"x")
    (tmp_path / "x.ibz").write_bytes(b"x")
    before = sorted(p.name for p in tmp_path.iterdir())
    cases = [
        (["compress", str(src), str(other), "-o", str(tmp_path / "x.ibz")], "-o names one"),
        (["compress", "-", "-", "-c"], "more than once"),
        (["compress", str(src), str(src)], "both be written to"),
        (["compress", str(src), str(tmp_path / "missing")], "does not exist"),
        (["compress", str(src), "-c", "-o", str(tmp_path / "x.ibz")], "leave out -o"),
        (["decompress", str(tmp_path / "x.ibz"), str(other)], "does not end in .ibz"),
    ]
    for args, want in cases:
        code, out, err = run(capsys, *args)
        assert code == 2 and out == "", args
        assert want in err and err.count("\n") == 1, (args, err)
        assert sorted(p.name for p in tmp_path.iterdir()) == before, args


def test_mode_bits_and_times_travel_through_compress_and_decompress(capsys, src, tmp_path):
    os.chmod(src, 0o750)
    os.utime(src, ns=(1_500_000_000_123_456_789, 1_400_000_000_987_654_321))
    assert run(capsys, "compress", str(src))[0] == 0
    packed = tmp_path / "notes.txt.ibz"
    st = packed.stat()
    assert stat.S_IMODE(st.st_mode) == 0o750 and st.st_mtime_ns == 1_400_000_000_987_654_321
    src.unlink()
    assert run(capsys, "decompress", str(packed))[0] == 0
    st = src.stat()
    assert stat.S_IMODE(st.st_mode) == 0o750  # the executable bit survives
    assert st.st_mtime_ns == 1_400_000_000_987_654_321  # (reading sets the access time)
    assert src.read_bytes() == TEXT


def test_an_already_compressed_file_grows_by_the_header_alone(capsys, tmp_path):
    import gzip
    import random

    from infobits.codes.container import HEADER_SIZE

    words = [f"w{random.Random(i).getrandbits(40):x}" for i in range(3000)]
    gz = tmp_path / "words.gz"
    gz.write_bytes(gzip.compress(" ".join(words).encode(), 9))
    code, out, _ = run(capsys, "compress", str(gz), "--json")
    assert code == 0
    rep = json.loads(out)
    packed = tmp_path / "words.gz.ibz"
    assert rep["stored"] is True
    assert packed.stat().st_size == gz.stat().st_size + HEADER_SIZE == rep["compressed_bytes"]
    code, out, _ = run(capsys, "compress", str(gz), "-o", str(tmp_path / "t.ibz"))
    assert "stored as they are" in out and "36-byte header" in out
    gz.rename(tmp_path / "original.gz")
    assert run(capsys, "decompress", str(packed))[0] == 0
    assert gz.read_bytes() == (tmp_path / "original.gz").read_bytes()


def test_an_empty_file_is_reported_plainly(capsys, tmp_path):
    from infobits.codes.container import HEADER_SIZE

    e = tmp_path / "empty"
    e.write_bytes(b"")
    code, out, _ = run(capsys, "compress", str(e))
    assert code == 0 and "bits/byte" not in out
    assert "empty" in out and f"{HEADER_SIZE}-byte header alone" in out
    assert (tmp_path / "empty.ibz").stat().st_size == HEADER_SIZE
    code, out, _ = run(capsys, "compress", str(e), "-o", str(tmp_path / "j.ibz"), "--json")
    assert json.loads(out)["bits_per_byte"] is None
    e.unlink()
    code, out, _ = run(capsys, "decompress", str(tmp_path / "empty.ibz"))
    assert code == 0 and "an empty file restored" in out and e.read_bytes() == b""


def test_a_failure_after_standard_output_began_says_so_and_exits_2(
    capsysbinary, monkeypatch, src, tmp_path
):
    good, bad = tmp_path / "good.ibz", tmp_path / "bad.ibz"
    assert main(["compress", str(src), "-o", str(good), "-q"]) == 0
    blob = bytearray(good.read_bytes())
    blob[len(blob) // 2] ^= 0x20
    bad.write_bytes(bytes(blob))
    capsysbinary.readouterr()
    code, out, err = binary_run(
        capsysbinary, monkeypatch, "decompress", "-c", str(good), str(bad), str(good)
    )
    assert code == 2 and out == TEXT  # the first file whole, nothing of the damaged one
    assert err.startswith("infobits: error: ") and err.count("\n") == 1
    assert "corrupted" in err and "already holds the complete output of the 1 FILE" in err
    assert "the 1 FILE(s) after it were not processed" in err
    # a damaged first file: nothing at all reaches standard output
    code, out, err = binary_run(capsysbinary, monkeypatch, "decompress", "-c", str(bad))
    assert code == 2 and out == b"" and "already" not in err


def test_a_reader_that_leaves_early_is_reported_not_ignored(tmp_path):
    import struct
    import subprocess
    import sys
    import zlib

    # a stored container, built from docs/container-format.md: far more than a pipe holds
    raw = os.urandom(1 << 20)
    crc = zlib.crc32(raw)
    head = struct.pack("<4sBBBBQQII", b"\x89IBZ", 2, 0, 0, 0, len(raw), len(raw), crc, crc)
    big = tmp_path / "big.ibz"
    big.write_bytes(head + struct.pack("<I", zlib.crc32(head)) + raw)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    p = subprocess.Popen(
        [sys.executable, "-m", "infobits", "decompress", "-c", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert p.stdout is not None and p.stderr is not None
    assert p.stdout.read(10) == raw[:10]
    p.stdout.close()  # as `| head -c 10` does
    err = p.stderr.read().decode()
    p.stderr.close()
    assert p.wait(timeout=120) == 2
    assert err.startswith("infobits: error: writing") and err.count("\n") == 1, err
    assert "Broken pipe" in err and "incomplete" in err


def test_coded_data_are_not_written_to_a_terminal_without_force(tmp_path):
    import pty

    main_fd, child_fd = pty.openpty()
    try:
        code, _, err = shell(["compress", "-c"], stdin=TEXT, stdout=child_fd)
    finally:
        os.close(child_fd)
        os.close(main_fd)
    assert code == 2 and "not written to a terminal" in err and err.count("\n") == 1


def test_a_pipe_as_output_that_is_not_standard_output_is_still_refused(capsys, src, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "compress", str(src), "-o", str(fifo), "--force")
    assert code == 2 and "not a regular file" in err and err.count("\n") == 1


# -- start-up: plain compress/decompress calls parse without typer -----------------------


@pytest.mark.parametrize("command", ["compress", "decompress"])
def test_the_fast_parser_knows_exactly_the_declared_options(command):
    import typer

    from infobits.cli import compress as mod
    from infobits.cli._app import make_app

    group = typer.main.get_command(make_app(command))
    cmd = group.commands[command] if hasattr(group, "commands") else group
    flags, valued = {}, {}
    for p in cmd.params:
        if p.param_type_name != "option":
            continue
        for name in p.opts:
            (flags if p.is_flag else valued)[name] = p.name
    assert flags == mod._FLAGS[command]
    assert valued == mod._VALUED[command]


FAST_CASES = [
    ["compress", "{src}"],
    ["compress", "-fq", "{src}"],
    ["compress", "--model", "order2", "-o", "{tmp}/a.ibz", "{src}"],
    ["compress", "--model=order9", "{src}"],
    ["compress", "--json", "-o", "{tmp}/j.ibz", "{src}"],
    ["compress", "--output={tmp}/b.ibz", "--force", "--", "{src}"],
    ["compress", "{src}", "{tmp}/missing.txt"],
    ["compress", "-o", "{tmp}/c.ibz", "{src}", "{src}"],
    ["decompress", "{tmp}/a.ibz", "-o", "{tmp}/a.out"],
    ["decompress", "-v", "-o", "{tmp}/v.out", "{tmp}/a.ibz"],
    ["decompress", "-c", "-o", "{tmp}/w.out", "{tmp}/a.ibz"],
    ["decompress", "{src}"],
]


def _files(tmp: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(tmp.iterdir()) if p.is_file()}


def test_the_fast_parser_runs_what_typer_runs(capsys, tmp_path, monkeypatch):
    """Every case gives the same status, output, messages and files with the fast
    parser as through typer (forced by making the fast parser decline)."""
    from infobits.cli import compress as mod

    results = {}
    for how in ("fast", "typer"):
        tmp = tmp_path / how
        tmp.mkdir()
        src = tmp / "notes.txt"
        src.write_bytes(TEXT)
        if how == "typer":
            monkeypatch.setattr(mod, "parse_fast", lambda args: None)
        got = []
        for case in FAST_CASES:
            args = [a.format(src=src, tmp=tmp) for a in case]
            code, out, err = run(capsys, *args)
            got.append((code, out.replace(str(tmp), "T"), err.replace(str(tmp), "T")))
            got.append(_files(tmp))
        results[how] = got
    # the reports say how fast the coder ran: drop those numbers
    import re

    def strip(x):
        return re.sub(r"[0-9.]+ MB/s|\"(seconds|mb_per_s)\": [0-9.e-]+", "", str(x))

    assert [strip(x) for x in results["fast"]] == [strip(x) for x in results["typer"]]


@pytest.mark.parametrize(
    "args",
    [
        ["compress", "--help"],
        ["compress", "-x", "f"],
        ["compress", "-o"],
        ["compress", "--force=1", "f"],
        ["compress", "-fo", "out", "f"],
        ["decompress", "--model", "order3", "f"],
    ],
)
def test_the_fast_parser_leaves_anything_unusual_to_typer(args):
    from infobits.cli.compress import parse_fast

    assert parse_fast(args) is None


def test_compress_starts_without_numba_typer_pydantic_or_rich(tmp_path):
    """The command-line path imports none of the heavy modules it does not need (numba,
    and NumPy, only when the C loop is not built)."""
    import subprocess
    import sys

    from infobits.codes.adaptive import c_loop_available

    src = tmp_path / "in.txt"
    src.write_bytes(TEXT)
    for argv in (
        ["compress", "-q", str(src)],
        ["decompress", "-q", "-o", str(tmp_path / "back"), str(src) + ".ibz"],
    ):
        r = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "infobits", *argv],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        assert r.returncode == 0, r.stderr
        mods = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if "|" in line}
        heavy = {"typer", "pydantic", "rich"}
        if c_loop_available():  # numba (and the scipy it may bring) only as the fallback
            heavy |= {"numba", "scipy", "numpy"}
        assert not heavy & {m.split(".")[0] for m in mods}
    assert (tmp_path / "back").read_bytes() == TEXT
