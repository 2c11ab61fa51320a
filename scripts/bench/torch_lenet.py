"""One training epoch of LeNet-5 on scikit-learn's digits in PyTorch (CPU), the counterpart of
`crates/neural/benches/lenet.rs`; `cargo xtask bench neural` runs both and prints the ratio.

Same data: crates/datasets/classic/digits.csv.gz (1,797 rows of 64 pixels 0-16 and the label),
scaled to [0, 1] by dividing by 16, padded with zeros to 32x32 with the 8x8 image centred
(12 pixels on every side, as ml4ns_neural::pad_images does), the first 1,437 rows (80 %, in
file order) as the training set. Same network as ml4ns_neural::LeNet5::new: conv 6@5x5 ->
ReLU -> 2x2 max pool (stride 2) -> conv 16@5x5 -> ReLU -> 2x2 max pool -> flatten (400) ->
120 -> ReLU -> 84 -> ReLU -> 10 logits, PyTorch's default initialisation (weights and biases
uniform in +-1/sqrt(fan_in), the scheme ml4ns-neural copies). Same epoch: shuffled batches of
32, softmax cross-entropy (mean over the batch), Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8),
and per batch the running loss and accuracy read back to the host, as ml4ns_neural::fit does.

Every timed epoch starts from a fresh network and optimiser (built before the clock starts),
like the criterion benchmark. The epochs are timed with time.perf_counter after one untimed
warm-up epoch, once with torch.set_num_threads(1) and once with the default thread count
(both by default; see --threads); time.process_time gives the CPU time of the same epochs
(summed over threads, so with several threads it includes OpenMP's spin-waiting). Output: one
JSON line per thread count on stdout ({"bench", "threads", "default_threads",
"torch_seconds" (the median wall time), "min", "max", "cpu_seconds" (the median CPU time),
"epochs", "train_loss", "torch"}); progress goes to stderr.

With several threads, the small tensors of LeNet-5 on batches of 32 gain little from
parallelism, and on a busy machine OpenMP's spinning threads can make the default setting
many times slower than one thread (OMP_WAIT_POLICY=PASSIVE avoids most of that); the
one-thread figure is the like-for-like comparison with ml4ns-neural's single-threaded burn
backend.

Usage: python scripts/bench/torch_lenet.py [--data PATH] [--epochs N] [--threads 1,default]
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

N_TRAIN = 1437
BATCH = 32


def load(path):
    """Scaled, padded training images (N_TRAIN x 1 x 32 x 32, float32) and labels."""
    raw = np.loadtxt(path, delimiter=",", dtype=np.float64)
    if raw.shape != (1797, 65):
        raise SystemExit(f"{path}: expected 1797 rows of 65 values, got {raw.shape}")
    x = (raw[:, :64] / 16.0).reshape(-1, 1, 8, 8)
    padded = np.zeros((x.shape[0], 1, 32, 32))
    padded[:, :, 12:20, 12:20] = x
    y = raw[:, 64].astype(np.int64)
    return (
        torch.from_numpy(padded[:N_TRAIN].astype(np.float32)),
        torch.from_numpy(y[:N_TRAIN]),
    )


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5),
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )


def epoch(model, optimiser, x, y, generator):
    """One pass over the shuffled rows; returns the mean training loss."""
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(x.shape[0], generator=generator)
    loss_sum, correct = 0.0, 0
    for start in range(0, x.shape[0], BATCH):
        idx = order[start : start + BATCH]
        xb, yb = x[idx], y[idx]
        out = model(xb)
        correct += int((out.detach().argmax(dim=1) == yb).sum())
        loss = loss_fn(out, yb)
        loss_sum += float(loss.detach()) * len(idx)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    return loss_sum / x.shape[0]


def time_epochs(x, y, n_epochs):
    """Wall and CPU seconds of each of n_epochs timed epochs (after one warm-up) and the
    last epoch's loss."""
    times, cpu, loss = [], [], float("nan")
    for i in range(n_epochs + 1):
        torch.manual_seed(i)
        model = lenet5()
        optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
        generator = torch.Generator().manual_seed(i)
        start, start_cpu = time.perf_counter(), time.process_time()
        loss = epoch(model, optimiser, x, y, generator)
        elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        if i > 0:
            times.append(elapsed)
            cpu.append(elapsed_cpu)
    return times, cpu, loss


def main():
    root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(root / "crates/datasets/classic/digits.csv.gz"))
    parser.add_argument("--epochs", type=int, default=10, help="timed epochs per setting")
    parser.add_argument(
        "--threads",
        default="1,default",
        help="comma-separated thread counts; 'default' is torch's own choice",
    )
    args = parser.parse_args()
    if args.epochs < 1:
        raise SystemExit("--epochs must be at least 1")

    x, y = load(args.data)
    default_threads = torch.get_num_threads()
    for item in args.threads.split(","):
        threads = default_threads if item.strip() == "default" else int(item)
        torch.set_num_threads(threads)
        times, cpu, loss = time_epochs(x, y, args.epochs)
        median = statistics.median(times)
        print(
            f"torch {torch.__version__}, {threads} thread(s): median {median:.4f} s per epoch "
            f"(min {min(times):.4f}, max {max(times):.4f}, {len(times)} epochs; CPU time, all "
            f"threads: median {statistics.median(cpu):.4f} s), "
            f"last train loss {loss:.4f}",
            file=sys.stderr,
        )
        print(
            json.dumps(
                {
                    "bench": "lenet5/digits_epoch",
                    "threads": threads,
                    "default_threads": item.strip() == "default",
                    "torch_seconds": median,
                    "min": min(times),
                    "max": max(times),
                    "cpu_seconds": statistics.median(cpu),
                    "epochs": len(times),
                    "train_loss": loss,
                    "torch": torch.__version__,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
