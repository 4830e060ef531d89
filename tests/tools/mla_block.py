"""A small transformer block with GLM-4.7-Flash's attention shape (20 query
heads, MLA latent 512 + rope 64, absorbed form), an RMSNorm written as Hugging
Face writes it, rotary embeddings and a gated MLP, in bfloat16.

record() captures one prefill step and one decode step with tools/torch_capture.
The figures the CI test checks are derived from DIMS, not read back from the
stream."""
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from torch_capture import OpCapture  # noqa: E402

DIMS = {"hidden": 128, "heads": 20, "latent": 512, "rope": 64, "inter": 256,
        "prefill_tokens": 8, "decode_tokens": 1}


class RmsNorm(nn.Module):
    def __init__(self, size, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.to(torch.float32)
        variance = x.pow(2).mean(-1, keepdim=True)
        x = x * torch.rsqrt(variance + self.eps)
        return self.weight * x.to(dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class RotaryCache(nn.Module):
    """cos/sin per position precomputed once, gathered by position per step
    (as SGLang's rotary embedding keeps its cos_sin_cache)."""

    def __init__(self, dim, max_positions=64):
        super().__init__()
        inv_freq = 1.0 / (10000 ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
        emb = torch.outer(torch.arange(max_positions, dtype=torch.float32), inv_freq).repeat(1, 2)
        self.register_buffer("cos", emb.cos())
        self.register_buffer("sin", emb.sin())

    def forward(self, x, positions):
        return x * self.cos[positions] + rotate_half(x) * self.sin[positions]


class MlaAttention(nn.Module):
    """Absorbed MLA: each query head attends over one shared latent (+ rope) head."""

    def __init__(self, d):
        super().__init__()
        self.d = d
        self.q_proj = nn.Linear(d["hidden"], d["heads"] * (d["latent"] + d["rope"]), bias=False)
        self.kv_a_proj = nn.Linear(d["hidden"], d["latent"] + d["rope"], bias=False)
        self.kv_a_norm = RmsNorm(d["latent"])
        self.o_proj = nn.Linear(d["heads"] * d["latent"], d["hidden"], bias=False)
        self.rotary = RotaryCache(d["rope"])

    def forward(self, x, positions, cache):
        d, (b, s, _) = self.d, x.shape
        q = self.q_proj(x).view(b, s, d["heads"], d["latent"] + d["rope"]).transpose(1, 2)
        q_nope, q_rope = q.split([d["latent"], d["rope"]], dim=-1)
        q = torch.cat((q_nope, self.rotary(q_rope, positions)), dim=-1)
        latent, k_rope = self.kv_a_proj(x).split([d["latent"], d["rope"]], dim=-1)
        latent = self.kv_a_norm(latent)
        key = torch.cat((latent, self.rotary(k_rope, positions)), dim=-1).unsqueeze(1)
        value = latent.unsqueeze(1)
        if cache:
            key, value = torch.cat((cache[0], key), dim=2), torch.cat((cache[1], value), dim=2)
        cache[:] = [key, value]
        out, _ = F._scaled_dot_product_attention(q, key, value, is_causal=s > 1)
        return self.o_proj(out.transpose(1, 2).reshape(b, s, d["heads"] * d["latent"]))


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.input_norm = RmsNorm(d["hidden"])
        self.attn = MlaAttention(d)
        self.post_norm = RmsNorm(d["hidden"])
        self.gate_up_proj = nn.Linear(d["hidden"], 2 * d["inter"], bias=False)
        self.down_proj = nn.Linear(d["inter"], d["hidden"], bias=False)

    def forward(self, x, positions, cache):
        x = x + self.attn(self.input_norm(x), positions, cache)
        gate, up = self.gate_up_proj(self.post_norm(x)).chunk(2, dim=-1)
        return x + self.down_proj(F.silu(gate) * up)


def record():
    torch.manual_seed(0)
    d = DIMS
    block = Block(d).to(torch.bfloat16)
    cache = []
    prefill = torch.randn(1, d["prefill_tokens"], d["hidden"], dtype=torch.bfloat16)
    decode = torch.randn(1, d["decode_tokens"], d["hidden"], dtype=torch.bfloat16)
    with torch.no_grad(), OpCapture(block, meta={"model": "mla_block", **DIMS}) as cap:
        with cap.step("prefill"):
            block(prefill, torch.arange(d["prefill_tokens"]), cache)
        with cap.step("decode"):
            block(decode, torch.tensor([d["prefill_tokens"]]), cache)
    return cap
