#!/usr/bin/python3
"""The plain-PyTorch baseline of bench/Lla.Bench: the same work on the same weights and data, the
way the seed library (LLA) and PyHessian do it, written by us for Debian's python3-torch.

    /usr/bin/python3 bench/baseline/pytorch_baseline.py --workload lenet --weights W.bin \
        --data DIR --batch 2048 --threads 2 --repeats 10 [--items forward,hvp,landscape,eigen,trace,slq]

Prints one JSON object: per item the median time (s), the HVP count and the values.
Weights are read from TorchSharp's state-dict format (what Lla.Bench writes), images from IDX
files (pixel / 255, first N training images, file order).
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from check_eigenpairs import read_tensor_file  # noqa: E402  (TorchSharp's state-dict format)
from make_model_fixtures import ResNet20  # noqa: E402  (same names as Lla's ResNet20)
from make_pytorch_fixtures import LeNet, read_idx  # noqa: E402


def read_idx_images(folder, n):
    x = read_idx(os.path.join(folder, "train-images-idx3-ubyte.gz"))[:n].float().div(255).unsqueeze(1)
    y = read_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz"))[:n].long()
    return x, y


def median(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


class Hessian:
    """HVPs by double backward on one batch, as PyHessian's hessian class (BatchNorm in train mode for ResNet)."""

    def __init__(self, model, x, y):
        self.model, self.x, self.y = model, x, y
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.count = 0

    def hvp(self, v):
        self.count += 1
        loss = F.cross_entropy(self.model(self.x), self.y)
        grads = torch.autograd.grad(loss, self.params, create_graph=True)
        return torch.autograd.grad(grads, self.params, grad_outputs=v)


def dot(a, b):
    return sum((x * y).sum() for x, y in zip(a, b)).item()


def normalize(v):
    n = math.sqrt(dot(v, v))
    return [x / (n + 1e-6) for x in v]


def orthonormalize(w, vs):
    for v in vs:
        c = dot(w, v)
        w = [a - c * b for a, b in zip(w, v)]
    return normalize(w)


def top_eigen(h, k, tol=1e-3, max_iter=100, seed=1):
    """PyHessian / LLA power iteration: deflation by orthogonalization, stop on a relative change below tol."""
    torch.manual_seed(seed)
    values, vectors = [], []
    for _ in range(k):
        v = normalize([torch.randn_like(p) for p in h.params])
        value = None
        for _ in range(max_iter):
            v = orthonormalize(v, vectors)
            hv = h.hvp(v)
            tmp = dot(hv, v)
            v = normalize([t.detach() for t in hv])
            if value is not None and abs(value - tmp) / (abs(value) + 1e-6) < tol:
                value = tmp
                break
            value = tmp
        values.append(value)
        vectors.append(v)
    return values


def trace(h, tol=1e-3, max_iter=100, seed=2):
    """PyHessian's Hutchinson: Rademacher probes until the mean changes by less than tol relative."""
    torch.manual_seed(seed)
    samples, previous = [], 0.0
    for i in range(max_iter):
        z = [torch.randint_like(p, high=2) * 2 - 1 for p in h.params]
        samples.append(dot(h.hvp(z), z))
        mean = sum(samples) / len(samples)
        if abs(mean - previous) / (abs(previous) + 1e-6) < tol:
            break
        previous = mean
    return sum(samples) / len(samples), len(samples)


def slq(h, steps, seed=3):
    """PyHessian's density: one Lanczos run of `steps` steps from a Rademacher vector, full reorthogonalization."""
    torch.manual_seed(seed)
    v = normalize([torch.randint_like(p, high=2) * 2.0 - 1 for p in h.params])
    basis, alphas, betas = [v], [], []
    w_prev, beta = None, 0.0
    for i in range(steps):
        w = [t.detach() for t in h.hvp(v)]
        alpha = dot(w, v)
        alphas.append(alpha)
        w = [a - alpha * b for a, b in zip(w, v)]
        if w_prev is not None:
            w = [a - beta * b for a, b in zip(w, w_prev)]
        for u in basis:
            c = dot(w, u)
            w = [a - c * b for a, b in zip(w, u)]
        beta = math.sqrt(dot(w, w))
        if i + 1 < steps:
            betas.append(beta)
            w_prev = v
            v = [a / beta for a in w]
            basis.append(v)
    t = torch.diag(torch.tensor(alphas, dtype=torch.float64))
    for i, b in enumerate(betas):
        t[i, i + 1] = t[i + 1, i] = b
    return torch.linalg.eigvalsh(t).tolist()


def filter_normalized_direction(params, generator):
    out = []
    for p in params:
        d = torch.randn(p.shape, generator=generator)
        if p.dim() <= 1:
            d = d * p.norm() / (d.norm() + 1e-10)
        else:
            d = d * (p.flatten(1).norm(dim=1) / (d.flatten(1).norm(dim=1) + 1e-10)).view(-1, *[1] * (p.dim() - 1))
        out.append(d)
    return out


def landscape(model, x, y, steps=20):
    """A (steps+1)² filter-normalized random plane, every point set from θ* (the seed library's loop without its drift)."""
    params = [p for p in model.parameters()]
    theta = [p.detach().clone() for p in params]
    g = torch.Generator().manual_seed(1)
    d1, d2 = filter_normalized_direction(theta, g), filter_normalized_direction(theta, g)
    losses, per_point = [], []
    with torch.no_grad():
        for i in range(steps + 1):
            for j in range(steps + 1):
                t = time.perf_counter()
                a, b = (i - steps / 2) / steps, (j - steps / 2) / steps
                for p, t0, u, w in zip(params, theta, d1, d2):
                    p.copy_(t0 + a * u + b * w)
                losses.append(F.cross_entropy(model(x), y).item())
                per_point.append(time.perf_counter() - t)
        for p, t0 in zip(params, theta):
            p.copy_(t0)
    per_point.sort()
    return per_point[len(per_point) // 2], sum(per_point) / len(per_point)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", choices=["lenet", "resnet20"], required=True)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--batch", type=int, default=2048)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--items", default="forward,hvp,landscape,eigen,trace,slq")
    ap.add_argument("--slq-steps", type=int, default=100)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    items = a.items.split(",")
    model = LeNet() if a.workload == "lenet" else ResNet20(channels=1)
    state = {k: v for k, v in read_tensor_file(a.weights).items() if not k.startswith("optimizer.")}
    model.load_state_dict(state)
    # LLA and PyHessian analyse in train mode for BatchNorm models (batch statistics) and eval mode otherwise.
    model.train(a.workload == "resnet20")
    x, y = read_idx_images(a.data, a.batch)
    h = Hessian(model, x, y)
    out = {"workload": a.workload, "batch": a.batch, "threads": a.threads, "torch": torch.__version__,
           "malloc_env": {k: v for k, v in os.environ.items() if k.startswith("MALLOC_")}, "items": {}}

    def record(name, seconds, hvps=0, **values):
        out["items"][name] = dict(seconds=seconds, hvps=hvps, **values)

    if "forward" in items:
        def fwd():
            with torch.no_grad():
                model(x)
        record("forward", median(fwd, a.repeats))
    if "hvp" in items:
        v = [torch.randn_like(p) for p in h.params]
        record("hvp", median(lambda: h.hvp(v), a.repeats), 1)
    if "landscape" in items:
        med, mean = landscape(model, x, y)
        record("landscape", med * 441, 0, per_point_median=med, per_point_mean=mean, points=441)
    if "eigen" in items:
        h.count = 0
        t = time.perf_counter()
        values = top_eigen(h, 2)
        record("eigen", time.perf_counter() - t, h.count, values=values)
    if "trace" in items:
        h.count = 0
        t = time.perf_counter()
        value, probes = trace(h)
        record("trace", time.perf_counter() - t, h.count, value=value)
    if "slq" in items:
        h.count = 0
        t = time.perf_counter()
        nodes = slq(h, a.slq_steps)
        record("slq", time.perf_counter() - t, h.count, lambda_min=min(nodes), lambda_max=max(nodes))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
