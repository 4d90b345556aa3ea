#!/usr/bin/python3
"""The plain-PyTorch side of bench/Lla.Bench's GPT workload (`--gpt`), for Debian's python3-torch (1.13).

    /usr/bin/python3 bench/baseline/gpt_baseline.py --state FILE --layers 6 --heads 6 --width 384 \
        --context 128 --vocab 65 --threads 2

nanoGPT's architecture written out as nanoGPT's model.py does it without flash attention (PyTorch 1.13 has
no scaled_dot_product_attention, so nanoGPT itself takes this path): pre-LayerNorm blocks, causal
self-attention by matmul, masked_fill(-inf) and softmax, exact GELU, learned positions, the head tied to
the token embedding. FILE is TorchSharp's state-dict format, written by Lla.Bench: the weights under
nanoGPT's names, "ids" and "targets" (int64 [N, T]) and, per parameter name P, "v.P" (the direction).

A server, so that the harness can interleave its own HVPs with these: it prints one JSON line
{"parameters": n, "vhv": vᵀHv, "loss": loss} after one warm-up HVP, then answers each line "hvp" on
stdin with the seconds of one HVP (forward, loss, gradient with its graph, double backward, as
torch.autograd users write it), and stops at "quit" or end of input.
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools"))
from check_eigenpairs import read_tensor_file  # noqa: E402  (TorchSharp's state-dict format)


class CausalSelfAttention(nn.Module):
    def __init__(self, heads, width, context):
        super().__init__()
        self.heads, self.width = heads, width
        self.c_attn = nn.Linear(width, 3 * width)
        self.c_proj = nn.Linear(width, width)
        # nanoGPT's mask buffer ("bias" in its code; a non-persistent one here so the state dicts match)
        self.register_buffer("mask", torch.tril(torch.ones(context, context)).view(1, 1, context, context), persistent=False)

    def forward(self, x):
        n, t, w = x.size()
        q, k, v = self.c_attn(x).split(w, dim=2)
        k = k.view(n, t, self.heads, w // self.heads).transpose(1, 2)
        q = q.view(n, t, self.heads, w // self.heads).transpose(1, 2)
        v = v.view(n, t, self.heads, w // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.mask[:, :, :t, :t] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(n, t, w)
        return self.c_proj(y)


class Mlp(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.c_fc = nn.Linear(width, 4 * width)
        self.c_proj = nn.Linear(4 * width, width)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, heads, width, context):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = CausalSelfAttention(heads, width, context)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = Mlp(width)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Gpt(nn.Module):
    def __init__(self, layers, heads, width, context, vocab):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab, width),
            wpe=nn.Embedding(context, width),
            h=nn.ModuleList([Block(heads, width, context) for _ in range(layers)]),
            ln_f=nn.LayerNorm(width)))
        self.lm_head = nn.Linear(width, vocab, bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied, as nanoGPT

    def forward(self, ids):
        pos = torch.arange(0, ids.size(1), dtype=torch.long)
        x = self.transformer.wte(ids) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--state", required=True)
    for key in ("layers", "heads", "width", "context", "vocab", "threads"):
        p.add_argument("--" + key, type=int, required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    saved = read_tensor_file(a.state)
    model = Gpt(a.layers, a.heads, a.width, a.context, a.vocab)
    weights = {k: v for k, v in saved.items() if k.startswith("transformer.")}
    weights["lm_head.weight"] = weights["transformer.wte.weight"]
    model.load_state_dict(weights, strict=True)
    names = [n for n, _ in model.named_parameters()]  # the tied head is one parameter, listed once
    params = [q for _, q in model.named_parameters()]
    v = [saved["v." + n] for n in names]
    ids, targets = saved["ids"], saved["targets"]

    def hvp():
        logits = model(ids)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        grads = torch.autograd.grad(loss, params, create_graph=True)
        return loss, torch.autograd.grad(grads, params, grad_outputs=v)

    loss, hv = hvp()
    vhv = sum((h.double() * u.double()).sum() for h, u in zip(hv, v)).item()
    print(json.dumps({"parameters": sum(q.numel() for q in params), "vhv": vhv, "loss": loss.item()}), flush=True)
    for line in sys.stdin:
        if line.strip() != "hvp":
            break
        start = time.perf_counter()
        hvp()
        print(time.perf_counter() - start, flush=True)


if __name__ == "__main__":
    main()
