"""The fuzz harness: run one generated case, classify what happened, count it.

Every generated case ends in one of six outcomes. The first two are what infobits
promises; the other four are failures, and a test that meets one fails (hypothesis then
shrinks the input to a small example, which belongs in ``tests/fuzz/regressions/``).

* ``correct``: a valid input gave a value that agrees with an independent reference;
* ``documented error``: an invalid input raised the documented exception, naming the
  argument (or, for the command line, exit status 2 with one line on stderr);
* ``silent wrong``: a value that disagrees with the reference, or a value for an invalid
  input;
* ``uncaught``: any other exception (or a traceback, or another exit status);
* ``hang``: a call still running after :data:`HANG_SECONDS`;
* ``partial output``: a failed command left output behind or replaced an existing file.

Two profiles set how many cases each test draws: the fast one runs inside ``make test``
(derandomised, so CI is repeatable); ``INFOBITS_FUZZ=long`` (``make fuzz``) draws many
more from a printed seed. The per-surface table is printed at the end of the run.
"""

from __future__ import annotations

import contextlib
import enum
import io
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings

T = TypeVar("T")

#: A call that runs longer than this is a hang.
HANG_SECONDS = 10

#: ``long`` under ``make fuzz``; anything else is the fast profile of ``make test``.
LONG = os.environ.get("INFOBITS_FUZZ", "") == "long"


class Outcome(enum.Enum):
    CORRECT = "correct"
    DOCUMENTED = "documented error"
    WRONG = "silent wrong"
    UNCAUGHT = "uncaught"
    HANG = "hang"
    PARTIAL = "partial output"


FAILURES = (Outcome.WRONG, Outcome.UNCAUGHT, Outcome.HANG, Outcome.PARTIAL)

#: (surface, outcome) -> number of cases, for the table printed at the end of the run.
TALLY: Counter[tuple[str, Outcome]] = Counter()


class FuzzFailure(AssertionError):
    """A case whose outcome infobits does not promise."""


def fuzz(fast: int = 25, long: int = 1500) -> settings:
    """Hypothesis settings for one fuzz test: ``fast`` cases in ``make test``, ``long``
    under ``make fuzz``. Slow surfaces (a subprocess a case) pass smaller numbers."""
    return settings(
        max_examples=long if LONG else fast,
        deadline=None,
        derandomize=not LONG,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
        ],
    )


def record(surface: str, outcome: Outcome, detail: str = "") -> None:
    """Count one case; raise :class:`FuzzFailure` if its outcome is a failure."""
    TALLY[surface, outcome] += 1
    if outcome in FAILURES:
        raise FuzzFailure(f"{surface}: {outcome.value}: {detail}")


class Hang(BaseException):
    """Raised inside a call that ran past :data:`HANG_SECONDS` (a BaseException, so
    that the code under test cannot swallow it as an ordinary error)."""


@contextlib.contextmanager
def time_limit(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Interrupt the block with :class:`Hang` after ``seconds`` (main thread only)."""

    def _alarm(signum: int, frame: Any) -> None:
        raise Hang

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def check_valid(surface: str, call: Callable[[], T], accept: Callable[[T], object]) -> T:
    """A valid input: ``call()`` must return, and ``accept(result)`` must be true.

    ``accept`` compares with an independent reference; it may return a string, which is
    then the reason it rejected the value (an empty string or False rejects, True
    accepts).
    """
    try:
        with time_limit():
            result = call()
    except Hang:
        record(surface, Outcome.HANG, "valid input")
        raise AssertionError("unreachable") from None
    except Exception as exc:
        record(surface, Outcome.UNCAUGHT, f"valid input raised {type(exc).__name__}: {exc}")
        raise AssertionError("unreachable") from None
    verdict = accept(result)
    if verdict is True:
        record(surface, Outcome.CORRECT)
        return result
    record(surface, Outcome.WRONG, f"got {result!r}" + (f": {verdict}" if verdict else ""))
    raise AssertionError("unreachable")


def check_invalid(
    surface: str,
    call: Callable[[], object],
    errors: tuple[type[BaseException], ...] = (ValueError, TypeError),
    mentions: Sequence[str] = (),
) -> BaseException:
    """An invalid input: ``call()`` must raise one of ``errors``, whose message names
    every string in ``mentions`` (the argument, usually). Returns the exception."""
    try:
        with time_limit():
            result = call()
    except Hang:
        record(surface, Outcome.HANG, "invalid input")
        raise AssertionError("unreachable") from None
    except errors as exc:
        msg = str(exc)
        missing = [m for m in mentions if m not in msg]
        if missing:
            record(surface, Outcome.UNCAUGHT, f"message {msg!r} does not name {missing}")
        record(surface, Outcome.DOCUMENTED)
        return exc
    except Exception as exc:
        record(surface, Outcome.UNCAUGHT, f"invalid input raised {type(exc).__name__}: {exc}")
        raise AssertionError("unreachable") from None
    record(surface, Outcome.WRONG, f"invalid input returned {result!r}")
    raise AssertionError("unreachable")


def run_cli(argv: Sequence[str], stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run ``infobits ARGV`` in this process; return (status, stdout, stderr)."""
    import sys

    from infobits.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_in = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            with time_limit():
                code = main(list(argv))
    finally:
        sys.stdin = old_in
    return code, out.getvalue(), err.getvalue()


def check_cli(
    surface: str,
    argv: Sequence[str],
    *,
    valid: bool,
    accept: Callable[[str], object] = lambda out: True,
    stdin: bytes | None = None,
) -> tuple[int, str, str]:
    """A command line: a valid one exits 0 and ``accept(stdout)`` holds; an invalid one
    exits 2 with exactly one line on stderr, starting ``infobits: error:``."""
    try:
        code, out, err = run_cli(argv, stdin)
    except Hang:
        record(surface, Outcome.HANG, f"infobits {' '.join(argv)}")
        raise AssertionError("unreachable") from None
    except BaseException as exc:  # SystemExit or a traceback escaping main()
        record(surface, Outcome.UNCAUGHT, f"infobits {' '.join(argv)}: {exc!r}")
        raise AssertionError("unreachable") from None
    one_line = err.startswith("infobits: error: ") and err.count("\n") == 1
    if valid:
        if code != 0:
            record(surface, Outcome.UNCAUGHT, f"valid {argv}: exit {code}: {err!r}")
        verdict = accept(out)
        if verdict is not True:
            record(surface, Outcome.WRONG, f"{argv}: {verdict or out!r}")
        record(surface, Outcome.CORRECT)
    elif code == 0:
        record(surface, Outcome.WRONG, f"invalid {argv} exited 0: {out!r}")
    elif code != 2 or not one_line or "internal error" in err:
        record(surface, Outcome.UNCAUGHT, f"invalid {argv}: exit {code}: {err!r}")
    else:
        record(surface, Outcome.DOCUMENTED)
    return code, out, err


def table() -> str:
    """The per-surface table of outcomes, as text."""
    surfaces = sorted({s for s, _ in TALLY})
    cols = list(Outcome)
    head = ["surface", "cases", *(o.value for o in cols)]
    rows = [
        [s, str(sum(TALLY[s, o] for o in cols)), *(str(TALLY[s, o]) for o in cols)]
        for s in surfaces
    ]
    by_outcome = (str(sum(TALLY[s, o] for s in surfaces)) for o in cols)
    rows.append(["total", str(sum(TALLY.values())), *by_outcome])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def fmt(row: list[str]) -> str:
        cells = (
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        return "  ".join(cells)

    return "\n".join([fmt(head), *(fmt(r) for r in rows)])
