"""Word-frequency populations built from text that every Linux machine with Python has.

Heavy-tailed populations with a known entropy, for the calibration study of
``bench_estimators.py --coverage`` (and its smoke test): the population is the word
histogram of a body of text, its entropy the plug-in entropy of that histogram, and a
sample of N words is Multinomial(N, word frequencies), N draws with replacement.

How the counts are made, exactly (deterministic for a given machine):

- ``stdlib``: every regular file ending in ``.py`` under the running Python's standard
  library (``sysconfig.get_paths()["stdlib"]``), ``site-packages`` and ``dist-packages``
  excluded.
- ``licences``: every regular file in ``/usr/share/common-licenses`` and every regular
  file ``/usr/share/doc/*/copyright``.
- ``man``: every regular file ending in ``.gz`` in ``/usr/share/man/man1`` ...
  ``man9`` (English pages; symbolic links, which are aliases, are skipped), gunzipped.

Files are read in sorted path order as UTF-8 (undecodable bytes replaced). For man pages,
roff comment lines (starting ``.\\"`` or ``'\\"``) are dropped and the escapes ``\\fX``,
``\\f(XX``, ``\\f[...]``, ``\\(XX``, ``\\*(XX``, ``\\*X``, ``\\[...]`` and ``\\s±N`` are
removed. A word is then a maximal run of ASCII letters ``[A-Za-z]+``, lowercased.
"""

from __future__ import annotations

import gzip
import os
import re
import sysconfig
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

WORD = re.compile(r"[A-Za-z]+")
ROFF_COMMENT = re.compile(r"^['.]\\\".*$", re.MULTILINE)
ROFF_ESCAPE = re.compile(
    r"\\(?:f(?:\(..|\[[^\]]*\]|.)|\*(?:\(..|\[[^\]]*\]|.)|\(..|\[[^\]]*\]|s[+-]?\d+)"
)

SOURCES = ("stdlib", "licences", "man")


def _regular(paths: Iterator[Path]) -> list[Path]:
    return sorted(p for p in paths if p.is_file() and not p.is_symlink())


def source_files(name: str) -> list[Path]:
    """The files of one population, in the order they are read."""
    if name == "stdlib":
        root = Path(sysconfig.get_paths()["stdlib"])
        return [
            p
            for p in _regular(root.rglob("*.py"))
            if not {"site-packages", "dist-packages"} & set(p.relative_to(root).parts)
        ]
    if name == "licences":
        lic = _regular(Path("/usr/share/common-licenses").glob("*"))
        return lic + _regular(Path("/usr/share/doc").glob("*/copyright"))
    if name == "man":
        return _regular(Path("/usr/share/man").glob("man[1-9]/*.gz"))
    raise ValueError(f"unknown word population {name!r}; choose from {SOURCES}")


def _text(path: Path, roff: bool) -> str:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    if roff:
        text = ROFF_ESCAPE.sub(" ", ROFF_COMMENT.sub("", text))
    return text


def word_counts(name: str) -> tuple[np.ndarray, int]:
    """(word counts sorted in decreasing order, number of files read) for one population."""
    files = source_files(name)
    tally: Counter[str] = Counter()
    for path in files:
        try:
            text = _text(path, roff=name == "man")
        except (OSError, EOFError, gzip.BadGzipFile):
            continue  # unreadable or broken file: skipped, as if absent
        tally.update(w.lower() for w in WORD.findall(text))
    counts = np.array(sorted(tally.values(), reverse=True), dtype=np.int64)
    return counts, len(files)


def population(name: str, cache: Path | None = None) -> tuple[np.ndarray, int]:
    """Word counts of ``name``, cached as ``<cache>/words-<name>.npz`` when ``cache`` is set."""
    path = None if cache is None else cache / f"words-{name}.npz"
    if path is not None and path.exists():
        z = np.load(path)
        return z["counts"], int(z["files"])
    counts, files = word_counts(name)
    if path is not None:
        os.makedirs(path.parent, exist_ok=True)
        np.savez_compressed(path, counts=counts, files=files)
    return counts, files
