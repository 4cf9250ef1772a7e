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
