"""Sequence models as coders (issue 12, item 1): an n-gram table, a PyTorch character
model and a classifier over time, each a callable ``model(prefix)``. Every stream must
decode exactly and be within 0.1% + 64 bits of Σ -log2 q(x_t | x_<t), computed here
independently with math.fsum; the one-pass ``batch`` path must write the very bytes of
the step path; models that break the rules get worded errors."""

from __future__ import annotations

import inspect
import json
import math
from collections import Counter

import numpy as np
import pytest

import infobits as ib
from infobits.codes import codelength, decode, encode

torch = pytest.importorskip("torch")


def within_bound(data: bytes, ideal: float) -> bool:
    return abs(8 * len(data) - ideal) <= 1e-3 * ideal + 64


def strip_batch(model):
    """The same model without its ``batch`` method: the step path."""
    return lambda prefix: model(prefix)


# --- an order-2 n-gram over the bytes of a real text ---------------------------------


class Trigram:
    """q(x_t | x_{t-2}, x_{t-1}) from add-1/2 counts over 256 byte values."""

    def __init__(self, text: bytes) -> None:
        self.counts: dict[tuple[int, int], Counter[int]] = {}
        padded = b"\0\0" + text
        for i in range(2, len(padded)):
            self.counts.setdefault((padded[i - 2], padded[i - 1]), Counter())[padded[i]] += 1

    def row(self, a: int, b: int) -> np.ndarray:
        c = np.full(256, 0.5)
        for sym, m in self.counts.get((a, b), Counter()).items():
            c[sym] += m
        return c / c.sum()

    def context(self, prefix: np.ndarray) -> tuple[int, int]:
        last = [0, 0, *prefix[-2:].tolist()]
        return last[-2], last[-1]

    def __call__(self, prefix: np.ndarray) -> np.ndarray:
        return self.row(*self.context(prefix))

    def batch(self, symbols: np.ndarray) -> np.ndarray:
        return np.stack([self(symbols[:t]) for t in range(symbols.size)])


@pytest.fixture(scope="module")
def source() -> bytes:
    path = inspect.getsourcefile(json)
    assert path is not None
    with open(path, "rb") as f:
        return f.read()


def test_trigram_on_real_text_round_trips_within_the_bound(source):
    model = Trigram(source[:-2000])
    x = np.frombuffer(source[-2000:], dtype=np.uint8).astype(np.int64)
    # The reference: counts straight from the training text, log2 by math.fsum.
    ref = []
    for t in range(x.size):
        a, b = [0, 0, *x[:t].tolist()][-2:]
        n_ab = sum(model.counts.get((a, b), Counter()).values())
        ref.append(-math.log2((model.counts.get((a, b), Counter())[x[t]] + 0.5) / (n_ab + 128)))
    ideal = math.fsum(ref)
    data = encode(x, model)
    assert within_bound(data, ideal), (8 * len(data), ideal)
    assert decode(data, model, x.size).tolist() == x.tolist()
    assert codelength(x, model) == pytest.approx(ideal, rel=1e-12)
    # The one-pass path writes the bytes of the step path.
    assert encode(x, strip_batch(model)) == data
    # A trigram model fits held-out text better than the uniform code.
    assert ideal < 0.75 * 8 * x.size


# --- a tiny PyTorch character model, random weights -----------------------------------


class CharNet:
    """Next-symbol scores from the last ``window`` symbols (an embedding and two layers).

    Both paths evaluate blocks of ``block`` rows, and a step puts its row where the batch
    has it (row t at position t mod block), so that each row meets the same matrix
    kernel in the same place and the two agree to the last bit. (A one-row product
    takes another kernel than a many-row one, and their last bits differ.)"""

    def __init__(self, k: int, window: int = 6, block: int = 32, output: str = "logits", scale=1.5):
        g = torch.Generator().manual_seed(1234)
        self.k, self.window, self.block, self.output = k, window, block, output
        self.emb = torch.randn(k + 1, 8, generator=g)  # index k pads the start
        self.w1 = torch.randn(8 * window, 32, generator=g) * 0.3
        self.w2 = torch.randn(32, k, generator=g) * scale

    def windows(self, symbols: np.ndarray, positions: np.ndarray) -> torch.Tensor:
        padded = np.concatenate([np.full(self.window, self.k), symbols])
        idx = positions[:, None] + np.arange(self.window)[None, :]
        return torch.as_tensor(padded[idx], dtype=torch.long)

    def scores(self, win: torch.Tensor, first: int = 0) -> torch.Tensor:
        """Scores of the windows of positions first, first + 1, ...: whole blocks."""
        lead = first % self.block
        m = win.shape[0]
        pad = torch.full((1, self.window), self.k)
        win = torch.cat([pad.expand(lead, -1), win, pad.expand(-(lead + m) % self.block, -1)])
        out = []
        with torch.no_grad():
            for i in range(0, win.shape[0], self.block):
                h = torch.tanh(self.emb[win[i : i + self.block]].flatten(1) @ self.w1)
                out.append(h @ self.w2)
        return torch.cat(out)[lead : lead + m]

    def step_scores(self, prefix: np.ndarray) -> torch.Tensor:
        return self.scores(self.windows(prefix, np.array([prefix.size])), prefix.size)[0]

    def wrap(self, z: torch.Tensor):
        if self.output == "logits":
            return ib.logits(z)
        if self.output == "log_probs":
            return ib.log_probs(torch.log_softmax(z, dim=-1))
        return torch.softmax(z, dim=-1)

    def __call__(self, prefix: np.ndarray):
        return self.wrap(self.step_scores(prefix))

    def batch(self, symbols: np.ndarray):
        return self.wrap(self.scores(self.windows(symbols, np.arange(symbols.size))))


def sample(model, n: int, seed: int) -> np.ndarray:
    """n symbols drawn from the model itself, the reference log-probabilities kept."""
    rng = np.random.default_rng(seed)
    x = np.zeros(0, dtype=np.int64)
    for _ in range(n):
        z = model.step_scores(x).double()
        p = torch.softmax(z, dim=0).numpy()
        x = np.append(x, rng.choice(p.size, p=p / p.sum()))
    return x


def reference_bits(model: CharNet, x: np.ndarray) -> float:
    """Σ -log2 q in float64 from the network's own scores, row by row, by math.fsum."""
    bits = []
    for t in range(x.size):
        z = model.step_scores(x[:t]).double()
        bits.append(-float(torch.log_softmax(z, dim=0)[x[t]]) / math.log(2))
    return math.fsum(bits)


@pytest.mark.parametrize("output", ["logits", "log_probs", "probs"])
def test_torch_character_model_round_trips_within_the_bound(output):
    model = CharNet(k=40, output=output)
    x = sample(model, 300, seed=5)
    ideal = reference_bits(model, x)
    data = encode(x, model)
    assert within_bound(data, ideal), (8 * len(data), ideal)
    assert decode(data, model, x.size).tolist() == x.tolist()
    assert codelength(x, model) == pytest.approx(ideal, rel=1e-5)  # float32 network
    assert encode(x, strip_batch(model)) == data


def test_torch_text_model_codes_real_text(source):
    """The character model on real bytes it was not built for: still exact and bounded.
    (Its scores are kept mild: a symbol the model gives less than 2^-24 costs the coder
    only about 24 bits, less than -log2 q, so a confidently wrong model writes a stream
    shorter than its cross-entropy.)"""
    model = CharNet(k=256, window=4, scale=0.3)
    x = np.frombuffer(source[:1000], dtype=np.uint8).astype(np.int64)
    ideal = reference_bits(model, x)
    data = encode(x, model)
    assert within_bound(data, ideal), (8 * len(data), ideal)
    assert decode(data, model, x.size).tolist() == x.tolist()


# --- a classifier over time ------------------------------------------------------------


class OverTime:
    """Logits that depend on the time step only (a classifier run on features of t).
    The features are combined by elementwise products and sums in a fixed order, so a
    step and a batch row are the same arithmetic (a matrix product is not: NumPy's
    one-row product rounds differently from its many-row one)."""

    def __init__(self, k: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.w = rng.normal(size=(4, k)) * 2

    def features(self, t: np.ndarray) -> np.ndarray:
        return np.stack([np.sin(t / 7), np.cos(t / 11), np.sin(t / 3), np.ones_like(t)], 1)

    def logits(self, t: np.ndarray) -> np.ndarray:
        f = self.features(t)
        z = f[:, :1] * self.w[0]
        for j in range(1, 4):
            z = z + f[:, j : j + 1] * self.w[j]
        return z

    def __call__(self, prefix: np.ndarray):
        return ib.logits(self.logits(np.array([float(prefix.size)]))[0])

    def batch(self, symbols: np.ndarray):
        return ib.logits(self.logits(np.arange(symbols.size, dtype=float)))


def test_classifier_over_time_round_trips_within_the_bound():
    model = OverTime(k=5, seed=3)
    rng = np.random.default_rng(8)
    t = np.arange(3000, dtype=float)
    z = model.features(t) @ model.w  # the reference may round differently: fsum below
    logq = (
        z
        - np.log(np.exp(z - z.max(1, keepdims=True)).sum(1, keepdims=True))
        - z.max(1, keepdims=True)
    )
    x = np.array([rng.choice(5, p=np.exp(r) / np.exp(r).sum()) for r in logq])
    ideal = math.fsum((-logq[np.arange(x.size), x] / math.log(2)).tolist())
    data = encode(x, model)
    assert within_bound(data, ideal), (8 * len(data), ideal)
    assert decode(data, model, x.size).tolist() == x.tolist()
    assert encode(x, strip_batch(model)) == data
    assert codelength(x, model) == pytest.approx(ideal, rel=1e-12)


def test_a_callable_agrees_with_the_same_rows_given_as_an_array():
    model = OverTime(k=3, seed=0)
    x = np.random.default_rng(1).integers(0, 3, 200)
    rows = ib.logits(model.logits(np.arange(200, dtype=float)))
    assert encode(x, model) == encode(x, rows)
    assert codelength(x, model) == pytest.approx(codelength(x, rows), rel=1e-12)


def test_one_outcome_and_empty_sequences():
    certain = lambda prefix: np.array([1.0])  # noqa: E731
    data = encode([0] * 50, certain)
    assert decode(data, certain, 50).tolist() == [0] * 50
    assert codelength([0] * 50, certain) == 0.0
    assert encode([], certain) == b"" and decode(b"", certain, 0).tolist() == []


# --- determinism: the encoder's numbers must be the decoder's -------------------------


def test_a_nondeterministic_model_is_refused_by_encode():
    rng = np.random.default_rng(0)
    noisy = lambda prefix: rng.dirichlet(np.ones(4))  # noqa: E731
    with pytest.raises(ValueError, match=r"model\(prefix\) returned different numbers"):
        encode([0, 1, 2], noisy)


def test_a_batch_that_differs_from_the_steps_is_refused():
    class Drifting(OverTime):
        def batch(self, symbols):
            z = self.logits(np.arange(symbols.size, dtype=float))
            return ib.logits(z + 1e-9 * np.arange(symbols.size)[:, None] * np.arange(3))

    model = Drifting(k=3, seed=0)
    x = np.zeros(100, dtype=int)
    with pytest.raises(ValueError, match=r"model\.batch\(symbols\) row t = \d+ differs"):
        encode(x, model)
    # check=False skips the probe; the decoder, which steps, then sees other numbers.
    encode(x, model, check=False)


def test_decoding_with_another_model_gives_other_symbols_or_an_error():
    """Documented: a different model is not detected by the coder itself."""
    x = np.random.default_rng(2).integers(0, 3, 300)
    data = encode(x, OverTime(3, seed=0))
    try:
        out = decode(data, OverTime(3, seed=1), x.size)
    except ValueError as e:
        assert "data" in str(e)
    else:
        assert out.tolist() != x.tolist()


# --- invalid models and arguments -----------------------------------------------------


def _at(t_bad: int, bad):
    """A valid uniform model over 3 outcomes, except ``bad`` at step t_bad."""
    return lambda prefix: bad if prefix.size == t_bad else np.full(3, 1 / 3)


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        (np.array([0.5, 0.6, -0.1]), "probability -0.1"),
        (np.array([0.5, np.nan, 0.5]), "nan"),
        (np.array([0.2, 0.2, 0.2]), "summing to 0.6"),
        (np.full(4, 0.25), "4 outcomes at step t = 2, but 3"),
        (np.full((1, 3), 1 / 3), "return out[0]"),
        (ib.logits([0.0, np.inf, 0.0]), "inf"),
        (ib.logits(np.full(3, -np.inf)), "all -inf"),
        (ib.log_probs(np.log([0.5, 0.5, 0.5])), "total of 1.5"),
        (ib.log_probs([0.1, -1.0, -2.0]), "positive log-probability"),
        (np.array([], dtype=float), "shape"),
    ],
)
def test_bad_model_outputs_are_worded(bad, words):
    model = _at(2, bad)
    x = [0, 1, 2, 0]
    for call in (lambda: encode(x, model), lambda: codelength(x, model)):
        with pytest.raises(ValueError, match="model") as e:
            call()
        assert words in str(e.value) and "t = 2" in str(e.value)
    good = encode(x, lambda prefix: np.full(3, 1 / 3))
    with pytest.raises(ValueError, match=r"model.*t = 2"):
        decode(good, model, 4)


def test_integer_and_non_array_outputs_are_type_errors():
    with pytest.raises(TypeError, match=r"model\(prefix\) at step t = 0.*dtype int64"):
        encode([0, 1], lambda prefix: np.array([1, 1]))
    with pytest.raises(TypeError, match=r"model\(prefix\) at step t = 0"):
        encode([0, 1], lambda prefix: {"a": 1})


def test_a_model_that_raises_is_named_with_its_step():
    def broken(prefix):
        if prefix.size == 3:
            raise KeyError("no such context")
        return np.full(2, 0.5)

    with pytest.raises(ValueError, match=r"model raised KeyError at step t = 3") as e:
        encode([0, 1, 0, 1, 1], broken)
    assert isinstance(e.value.__cause__, KeyError)
    data = encode([0, 1, 0, 1, 1], lambda p: np.full(2, 0.5))
    with pytest.raises(ValueError, match=r"model raised KeyError at step t = 3"):
        decode(data, broken, 5)


def test_the_prefix_is_read_only():
    def writes(prefix):
        if prefix.size:
            prefix[0] = 7
        return np.full(2, 0.5)

    with pytest.raises(ValueError, match=r"model raised ValueError at step t = 1.*read-only"):
        encode([0, 1, 1], writes)


def test_symbols_outside_the_alphabet_or_impossible_are_refused():
    uniform = lambda prefix: np.full(3, 1 / 3)  # noqa: E731
    with pytest.raises(ValueError, match=r"symbols\[1\] = 3 is outside"):
        encode([0, 3], uniform)
    zero_at_1 = lambda prefix: np.array([0.5, 0.0, 0.5]) if prefix.size == 1 else np.full(3, 1 / 3)  # noqa: E731
    with pytest.raises(
        ValueError, match=r"symbols\[1\] = 1 has probability 0 under model at step t = 1"
    ):
        encode([0, 1], zero_at_1)
    assert codelength([0, 1], zero_at_1) == math.inf
    with pytest.raises(TypeError, match="symbols must be integers"):
        encode([0.5], uniform)


def test_an_n_the_stream_cannot_hold_is_refused():
    model = OverTime(k=4, seed=0)
    x = np.random.default_rng(0).integers(0, 4, 100)
    data = encode(x, model)
    for n in (2**63 - 1, 10**12):
        with pytest.raises(ValueError, match=f"n = {n} symbols cannot come from data"):
            decode(data, model, n)
    # Beyond the true n, decoding stops once the stream's capacity is spent.
    with pytest.raises(ValueError, match="cannot hold n = 100000"):
        decode(data, model, 100_000)
    with pytest.raises(ValueError, match="not a whole number of 32-bit words"):
        decode(data[:-1], model, 100)
    with pytest.raises(TypeError, match="n must be a whole number"):
        decode(data, model, 1.5)


def test_torch_outputs_with_gradients_and_half_precision_are_read():
    """A tensor that requires grad is read through .detach(); a float16 row is held to
    float16's tolerance on its sum, and is coded exactly as its float64 value."""
    w = torch.tensor([0.3, -1.0, 2.0], requires_grad=True)
    with_grad = lambda prefix: torch.softmax(w * (1 + prefix.size % 2), dim=0)  # noqa: E731
    half = lambda prefix: torch.softmax(w.detach() * (1 + prefix.size % 2), dim=0).half()  # noqa: E731
    x = np.array([2, 0, 2, 1, 2, 2])
    for model in (with_grad, half):
        data = encode(x, model)
        assert decode(data, model, x.size).tolist() == x.tolist()
        ref = math.fsum(
            -math.log2(float(model(x[:t]).detach().double()[x[t]])) for t in range(x.size)
        )
        assert codelength(x, model) == pytest.approx(ref, rel=1e-12)
        assert within_bound(data, ref)
