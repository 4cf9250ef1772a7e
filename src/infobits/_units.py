"""Units of information: a logarithm base, or its name.

All measures compute in nats (natural logarithms) and divide by ``ln(base)`` once at
the end, so the unit never changes what is computed, only how it is reported.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = ["UNIT_NAMES", "Base", "log_of_base", "to_base", "unit_name"]

Base = float | int | str

#: Accepted unit names and the logarithm base each stands for.
UNIT_NAMES: dict[str, float] = {
    "bits": 2.0,
    "bit": 2.0,
    "shannons": 2.0,
    "nats": math.e,
    "nat": math.e,
    "e": math.e,
    "bans": 10.0,
    "ban": 10.0,
    "hartleys": 10.0,
    "dits": 10.0,
}


#: ln of each unit name exactly as written above (the common spellings, looked up once).
_LN_OF_NAME: dict[str, float] = {
    name: 1.0 if name in ("nats", "nat", "e") else math.log(b) for name, b in UNIT_NAMES.items()
}


def log_of_base(base: Base) -> float:
    """Return ``ln(base)`` for a base given as a number or a unit name.

    >>> log_of_base("bits") == log_of_base(2) == math.log(2)
    True
    >>> log_of_base("nats"), log_of_base("e")
    (1.0, 1.0)
    """
    if type(base) is int and base > 1:
        return math.log(base)
    if type(base) is str:
        ln = _LN_OF_NAME.get(base)
        if ln is not None:
            return ln
    if isinstance(base, str):
        key = base.strip().lower()
        if key not in UNIT_NAMES:
            names = ", ".join(repr(n) for n in ("bits", "nats", "e", "bans"))
            raise ValueError(
                f"base={base!r} is not a known unit; use one of {names} "
                "or a number > 0 other than 1"
            )
        return 1.0 if key in ("nats", "nat", "e") else math.log(UNIT_NAMES[key])
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(
            f"base must be a number or a unit name such as 'bits', got {type(base).__name__}"
        )
    b = float(base)
    if not math.isfinite(b) or b <= 0 or b == 1:
        raise ValueError(f"base={base!r} is not a valid logarithm base; use a number > 0, not 1")
    return 1.0 if b == math.e else math.log(b)


def to_base(nats: Any, base: Base) -> Any:
    """Convert a value in nats (an array of any library, or a number) to units of ``base``.

    The one place a result changes unit; nats pass through untouched, so a result in
    nats is never divided by a rounded 1.

    >>> to_base(math.log(8), "bits")
    3.0
    """
    ln = log_of_base(base)
    return nats / ln if ln != 1.0 else nats


def unit_name(base: Base) -> str:
    """Name the unit of ``base``: 'bits', 'nats', 'bans' or 'log-base-b units'.

    >>> unit_name(2), unit_name("nats"), unit_name(10), unit_name(3)
    ('bits', 'nats', 'bans', 'base-3 units')
    >>> unit_name(1.0000000000000002)  # never rounded into a base it is not
    'base-1.0000000000000002 units'
    """
    ln = log_of_base(base)
    for name, b in (("bits", 2.0), ("nats", math.e), ("bans", 10.0)):
        if math.isclose(ln, math.log(b), rel_tol=1e-15):
            return name
    b = math.exp(ln) if not isinstance(base, int | float) else float(base)
    short = f"{b:g}"
    return f"base-{short if float(short) == b else repr(b)} units"
