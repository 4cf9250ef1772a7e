"""User output files are written whole or not at all, with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from infobits._files import write_new


def test_new_file_gets_the_permissions_open_would_give(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_new(tmp_path / "out", lambda f: f.write(b"x"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o644


def test_failure_while_writing_leaves_nothing(tmp_path: Path) -> None:
    def boom(_f: object) -> None:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_new(tmp_path / "out", boom)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_left_alone_unless_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_bytes(b"user data")
    with pytest.raises(FileExistsError):
        write_new(target, lambda f: f.write(b"new"))
    assert target.read_bytes() == b"user data"
    assert list(tmp_path.iterdir()) == [target]
    write_new(target, lambda f: f.write(b"new"), overwrite=True)
    assert target.read_bytes() == b"new"


def test_the_process_umask_is_never_changed(tmp_path: Path, monkeypatch) -> None:
    # os.umask sets the umask of the whole process (every thread) while it reads it
    def no_umask(_mask: int) -> int:
        raise AssertionError("os.umask was called")

    old = os.umask(0o027)
    try:
        monkeypatch.setattr(os, "umask", no_umask)
        write_new(tmp_path / "out", lambda f: f.write(b"x"))
    finally:
        monkeypatch.undo()
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o640


def test_mode_and_times_are_set_before_the_file_appears(tmp_path: Path) -> None:
    target = tmp_path / "out"
    seen: list[bool] = []

    def write(f) -> None:
        f.write(b"data")
        seen.append(os.path.lexists(target))

    write_new(target, write, mode=0o751, times_ns=(1_000_000_001, 2_000_000_002))
    st = target.stat()
    assert seen == [False] and target.read_bytes() == b"data"
    assert stat.S_IMODE(st.st_mode) == 0o751
    assert (st.st_atime_ns, st.st_mtime_ns) == (1_000_000_001, 2_000_000_002)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary left
