"""Train a small character model with infobits' loss, then code a held-out text with it.

The text is Python's own standard library (so every machine has it): the source of five
modules, of which the model trains on all but the last 8000 characters and then codes
those. Bits per character are printed
as training goes; at the end the held-out text is arithmetic-coded under the model and
the file's size is set beside the model's cross-entropy on that text.

    python examples/char_model.py        # about a minute on a laptop's CPU

Its output is shown in docs/sequence-models.md.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import tempfile
import textwrap
import time
import typing
import zlib

import numpy as np
import torch

import infobits as ib

WINDOW = 16  # characters of context
BLOCK = 64  # rows per evaluation of the network when coding
K = 256  # symbols are bytes (the text is ASCII, so a byte is a character)


class CharModel(torch.nn.Module):
    """Logits of the next byte from the last WINDOW bytes (byte 256 pads the start)."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = torch.nn.Embedding(K + 1, 24)
        self.hidden = torch.nn.Linear(24 * WINDOW, 384)
        self.out = torch.nn.Linear(384, K)

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        return self.out(torch.tanh(self.hidden(self.emb(windows).flatten(1))))


def windows(symbols: np.ndarray, positions: np.ndarray) -> torch.Tensor:
    """The WINDOW bytes before each position, padded with 256 before the start."""
    padded = np.concatenate([np.full(WINDOW, K), symbols])
    return torch.as_tensor(padded[positions[:, None] + np.arange(WINDOW)], dtype=torch.long)


class Coder:
    """A trained CharModel as a sequence model for ib.codes.

    ``coder(prefix)`` gives the next byte's logits; ``coder.batch(symbols)`` gives all of
    them in one pass, for the encoder. Both evaluate the network on blocks of BLOCK rows
    and a step puts its row where the batch has it (position t mod BLOCK): on a CPU a
    one-row matrix product rounds differently from a many-row one, and the decoder must
    see the encoder's numbers to the last bit.
    """

    def __init__(self, net: CharModel) -> None:
        self.net = net.eval()

    def scores(self, win: torch.Tensor, first: int) -> torch.Tensor:
        lead, m = first % BLOCK, win.shape[0]
        pad = torch.full((1, WINDOW), K)
        win = torch.cat([pad.expand(lead, -1), win, pad.expand(-(lead + m) % BLOCK, -1)])
        with torch.no_grad():
            out = [self.net(win[i : i + BLOCK]) for i in range(0, win.shape[0], BLOCK)]
        return torch.cat(out)[lead : lead + m]

    def __call__(self, prefix: np.ndarray) -> ib.Tagged:
        t = prefix.size
        return ib.logits(self.scores(windows(prefix, np.array([t])), t)[0])

    def batch(self, symbols: np.ndarray) -> ib.Tagged:
        return ib.logits(self.scores(windows(symbols, np.arange(symbols.size)), 0))


def as_bytes(*modules: object) -> np.ndarray:
    text = "".join(inspect.getsource(m) for m in modules).encode("ascii", "replace")
    return np.frombuffer(text, dtype=np.uint8).astype(np.int64)


def main() -> None:
    # One thread: faster for a network this small, and the same arithmetic on every
    # machine (a matrix product's rounding can depend on how many threads share it).
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    text = as_bytes(argparse, inspect, typing, textwrap, json)
    train, held_out = text[:-8000], text[-8000:]
    print(f"training text: {train.size} characters; held-out text: {held_out.size}")

    net = CharModel()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    test_win = windows(held_out, np.arange(held_out.size))
    test_y = torch.as_tensor(held_out)
    start = time.perf_counter()
    for step in range(1, 2001):
        pos = rng.integers(0, train.size, 256)
        logits = net(windows(train, pos))
        loss = ib.losses.cross_entropy_loss(logits, torch.as_tensor(train[pos]), base="bits")
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step in (1, 100, 300, 1000, 2000):
            with torch.no_grad():
                held = ib.losses.cross_entropy_loss(net(test_win), test_y, base="bits")
            print(
                f"step {step:5d}: {loss.item():.3f} bits/char on a training batch, "
                f"{float(held):.3f} on the held-out text"
            )
    print(f"trained in {time.perf_counter() - start:.0f} s")

    coder = Coder(net)
    with torch.no_grad():
        ce = float(
            ib.losses.cross_entropy_loss(net(test_win), test_y, base="bits", reduction="sum")
        )
    start = time.perf_counter()
    data = ib.codes.encode(held_out, coder)
    encoded = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "held-out.ib")
        with open(path, "wb") as f:
            f.write(data)
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            start = time.perf_counter()
            back = ib.codes.decode(f.read(), coder, held_out.size)
            decoded = time.perf_counter() - start
    assert np.array_equal(back, held_out), "the round trip must be exact"
    ideal = ib.codes.codelength(held_out, coder)
    print(f"model cross-entropy (ib.losses):   {ce:10.1f} bits")
    print(f"sum of -log2 q (ib.codes):         {ideal:10.1f} bits")
    print(f"coded file:                        {8 * size:10d} bits ({size} bytes)")
    print(f"file minus cross-entropy:          {8 * size - ce:10.1f} bits")
    print(
        f"bits per character: {8 * size / held_out.size:.3f} (zlib -9: "
        f"{8 * len(zlib.compress(held_out.astype(np.uint8).tobytes(), 9)) / held_out.size:.3f})"
    )
    print(f"encoded in {encoded:.1f} s, decoded in {decoded:.1f} s, round trip exact")


if __name__ == "__main__":
    main()
