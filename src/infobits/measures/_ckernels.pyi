"""Types of the optional C kernels (src/infobits/measures/_ckernels.c)."""

import numpy as np

AVAILABLE: int
CHUNK: int

def probs(kind: int, stats: int, p: np.ndarray, q: np.ndarray, out: np.ndarray) -> None: ...
def logits(
    kl: bool, p_logits: bool, low: bool, zp: np.ndarray, zq: np.ndarray, out: np.ndarray
) -> None: ...
def measure(
    kind: int,
    p: object,
    q: object,
    axis: int,
    check: bool,
    ln_base: float,
    trust_from: float,
) -> np.ndarray | np.floating | None: ...
