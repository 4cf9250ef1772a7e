"""Benchmark: infobits' losses and array-API measures against PyTorch's own, on the CPU.

Each row times an infobits function and its PyTorch anchor on the same float32 data,
forward + backward and forward alone (medians over repeats, in this process, the two
sides timed in alternation), and prints the ratios infobits / anchor. The anchors:
``F.cross_entropy``, ``F.binary_cross_entropy_with_logits``,
``F.kl_div(..., reduction="batchmean")``, ``F.kl_div(log_softmax, log_softmax,
log_target=True)`` for the KL of two softmaxes, and for the other measures the direct
torch expressions Σ p·(log p − log_softmax z) and −Σ softmax·log_softmax (which have no
edge handling: they return NaN gradients where p = 0 meets a −inf logit). Both sides run
on one thread.

    .venv/bin/python benchmarks/bench_losses.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F

import infobits as ib
from infobits.losses import binary_cross_entropy, cross_entropy_loss, kl_divergence_loss


def _pair(
    ours: Callable[[], torch.Tensor],
    anchor: Callable[[], torch.Tensor],
    leaves: list[torch.Tensor],
    repeats: int,
    backward: bool,
) -> tuple[float, float]:
    """Medians of ours and of the anchor, timed in alternation so that a busy neighbour on
    a shared machine slows both sides alike; the first round warms up."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats + 1):
        for side, fn in enumerate((ours, anchor)):
            for t in leaves:
                t.grad = None
            t0 = time.perf_counter()
            out = fn()
            if backward:
                out.backward()
            times[side].append(time.perf_counter() - t0)
    return statistics.median(times[0][1:]), statistics.median(times[1][1:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller batches, fewer repeats")
    args = ap.parse_args()
    # One thread for both sides: on a shared machine, waits for a second thread swamp
    # the small kernels being compared.
    torch.set_num_threads(1)
    n, c = (512, 256) if args.quick else (4096, 1024)
    repeats = 5 if args.quick else 15
    g = torch.Generator().manual_seed(0)
    z = (2 * torch.randn(n, c, generator=g)).requires_grad_(True)
    y = torch.randint(0, c, (n,), generator=g)
    y[::7] = -100
    w = torch.rand(c, generator=g) + 0.5
    p = torch.softmax(torch.randn(n, c, generator=g), dim=-1)
    p[:, ::5] = 0.0
    p = p / p.sum(dim=-1, keepdim=True)
    yb = torch.rand(n, c, generator=g)
    za = (2 * torch.randn(n, c, generator=g)).requires_grad_(True)

    rows: list[tuple[str, Callable[[], torch.Tensor], Callable[[], torch.Tensor]]] = [
        (
            "cross_entropy_loss, class indices",
            lambda: cross_entropy_loss(z, y),
            lambda: F.cross_entropy(z, y),
        ),
        (
            "  + weight, label_smoothing",
            lambda: cross_entropy_loss(z, y, weight=w, label_smoothing=0.1),
            lambda: F.cross_entropy(z, y, weight=w, label_smoothing=0.1),
        ),
        (
            "cross_entropy_loss, probabilities",
            lambda: cross_entropy_loss(z, p),
            lambda: F.cross_entropy(z, p),
        ),
        (
            "  same, check=False",
            lambda: cross_entropy_loss(z, p, check=False),
            lambda: F.cross_entropy(z, p),
        ),
        (
            "binary_cross_entropy",
            lambda: binary_cross_entropy(logits=z, target=yb),
            lambda: F.binary_cross_entropy_with_logits(z, yb),
        ),
        (
            "kl_divergence_loss(p, logits)",
            lambda: kl_divergence_loss(p, ib.logits(z)),
            lambda: F.kl_div(F.log_softmax(z, dim=-1), p, reduction="batchmean"),
        ),
        (
            "ib.kl_divergence(p, logits).sum()",
            lambda: ib.kl_divergence(p, ib.logits(z), base="nats").sum(),
            lambda: (torch.xlogy(p, p) - p * F.log_softmax(z, dim=-1)).sum(),
        ),
        (
            "ib.kl_divergence(logits, logits).sum()",
            lambda: ib.kl_divergence(ib.logits(za), ib.logits(z), base="nats").sum(),
            lambda: (
                F.kl_div(
                    F.log_softmax(z, dim=-1),
                    F.log_softmax(za, dim=-1),
                    log_target=True,
                    reduction="none",
                )
                .sum(-1)
                .sum()
            ),
        ),
        (
            "ib.entropy(logits).sum()",
            lambda: ib.entropy(ib.logits(z), base="nats").sum(),
            lambda: -(F.softmax(z, dim=-1) * F.log_softmax(z, dim=-1)).sum(),
        ),
    ]
    print(f"losses on the CPU, float32, N={n} C={c}: median of {repeats}, ms and infobits/torch")
    print(
        f"{'function':<40}{'fwd+bwd ours':>13}{'torch':>8}{'ratio':>7}"
        f"{'fwd ours':>10}{'torch':>8}{'ratio':>7}"
    )
    for name, ours, anchor in rows:
        to, ta = _pair(ours, anchor, [z, za], repeats, backward=True)
        fo, fa = _pair(ours, anchor, [z, za], repeats, backward=False)
        print(
            f"{name:<40}{to * 1e3:>13.2f}{ta * 1e3:>8.2f}{to / ta:>7.2f}"
            f"{fo * 1e3:>10.2f}{fa * 1e3:>8.2f}{fo / fa:>7.2f}"
        )


if __name__ == "__main__":
    main()
