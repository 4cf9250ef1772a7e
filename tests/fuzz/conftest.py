"""Print the fuzz suite's table of outcomes per surface at the end of the run."""

from __future__ import annotations

from typing import Any

import pytest

from .harness import LONG, TALLY, table


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not TALLY:
        return
    seed = config.getoption("hypothesis_seed", None)
    profile = "long" if LONG else "fast (derandomised)"
    terminalreporter.section("fuzz outcomes")
    terminalreporter.write_line(f"profile: {profile}; hypothesis seed: {seed}")
    for line in table().splitlines():
        terminalreporter.write_line(line)
