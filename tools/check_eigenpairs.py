#!/usr/bin/python3
"""Independent check of eigenpairs that `lla hessian` saved, with PyTorch (Debian's python3-torch):
loads the LeNet state dict and the run's eigenvectors.bin, computes Hv by PyTorch's own double
backward over the same data (all training images, batch-size-weighted), and prints the Rayleigh
quotient vᵀHv and the relative residual ‖Hv − λv‖/|λ| for each saved pair.

    /usr/bin/python3 tools/check_eigenpairs.py RUN_DIR WEIGHTS.pth IDX_DIR [--float64]
"""
import gzip
import struct
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, __file__.rsplit("/", 2)[0] + "/tests/fixtures")
from make_pytorch_fixtures import LeNet, read_idx  # noqa: E402

TYPES = {6: (torch.float32, 4), 7: (torch.float64, 8), 4: (torch.int64, 8)}


def leb(f):
    result, shift = 0, 0
    while True:
        b = f.read(1)[0]
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result
        shift += 7


def read_tensor_file(path):
    out = {}
    with open(path, "rb") as f:
        for _ in range(leb(f)):
            name = f.read(leb(f)).decode()
            dtype, size = TYPES[leb(f)]
            shape = [leb(f) for _ in range(leb(f))]
            n = 1
            for d in shape:
                n *= d
            out[name] = torch.frombuffer(bytearray(f.read(n * size)), dtype=dtype).reshape(shape)
    return out


def main(run_dir, weights, idx_dir, float64):
    torch.set_num_threads(2)
    dtype = torch.float64 if float64 else torch.float32
    model = LeNet()
    model.load_state_dict(torch.load(weights))
    model = model.to(dtype)
    params = list(model.parameters())
    names = [n for n, _ in model.named_parameters()]
    x = read_idx(f"{idx_dir}/train-images-idx3-ubyte.gz").to(dtype).div(255).unsqueeze(1)
    y = read_idx(f"{idx_dir}/train-labels-idx1-ubyte.gz").long()
    saved = read_tensor_file(f"{run_dir}/eigenvectors.bin")
    values = saved["eigenvalues"].tolist()
    for i, lam in enumerate(values):
        v = [saved[f"v{i}.{n}"].to(dtype) for n in names]
        hv = [torch.zeros_like(p) for p in params]
        for start in range(0, len(x), 2048):
            xb, yb = x[start:start + 2048], y[start:start + 2048]
            loss = F.cross_entropy(model(xb), yb)
            grads = torch.autograd.grad(loss, params, create_graph=True)
            dot = sum((g * u).sum() for g, u in zip(grads, v))
            parts = torch.autograd.grad(dot, params)
            for acc, part in zip(hv, parts):
                acc.add_(part, alpha=len(xb) / len(x))
        hv_flat = torch.cat([h.reshape(-1) for h in hv]).double()
        v_flat = torch.cat([u.reshape(-1) for u in v]).double()
        rayleigh = (hv_flat @ v_flat / (v_flat @ v_flat)).item()
        residual = ((hv_flat - lam * v_flat).norm() / (abs(lam) * v_flat.norm())).item()
        print(f"pair {i}: lla λ = {lam:.6f}, PyTorch vᵀHv = {rayleigh:.6f}, "
              f"relative difference {abs(rayleigh - lam) / abs(lam):.2e}, PyTorch residual ‖Hv − λv‖/|λ| = {residual:.2e}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], "--float64" in sys.argv)
