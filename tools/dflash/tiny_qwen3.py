"""A torch port of npusim's tiny Qwen3 target (engine/spec/dense_target, dense_stack)
and of the DFlash draft's forward (engine/spec/dflash_draft), used offline to train
the tiny draft the seed-4 scenario loads (train_tiny_dflash_draft.py).

The target must reproduce npusim's greedy tokens, so it mirrors the device's
functional kernels: weights from op_stream/seeded_fill (splitmix64 + Box-Muller),
bf16 storage after every op, fp32 arithmetic, neox rotary, GQA with contiguous
head groups, first-index argmax. The draft's forward is the same computation in
fp32 for training; npusim runs it in bf16.
"""
import json
import math
import struct
from pathlib import Path

import numpy as np
import torch

MASK64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def _splitmix64(seed, index):
    """op_stream/seeded_fill.cpp splitmix64, vectorised over `index` (uint64)."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed & MASK64) + (index + np.uint64(1)) * np.uint64(GAMMA)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _unit(seed, index):
    return (_splitmix64(seed, index) >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def seeded_fill(init, seed, scale, count):
    i = np.arange(count, dtype=np.uint64)
    if init == "normal":
        u1, u2 = _unit(seed, 2 * i), _unit(seed, 2 * i + np.uint64(1))
        v = scale * np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(2.0 * math.pi * u2)
    elif init == "uniform":
        v = scale * (2.0 * _unit(seed, i) - 1.0)
    elif init == "ones":
        v = np.full(count, scale)
    else:
        raise ValueError(init)
    return v.astype(np.float32)


def bf16(x):
    return x.to(torch.bfloat16).to(torch.float32)


class Dims:
    """engine/tiny_variant.cpp applied to engine/models/qwen3-8b.json."""

    def __init__(self, hidden=64, heads=32, kv_heads=8, head_dim=128, intermediate=128,
                 vocab=512, eps=1e-6, rope_theta=1e6, layers=2):
        self.hidden, self.heads, self.kv_heads, self.head_dim = hidden, heads, kv_heads, head_dim
        self.intermediate, self.vocab, self.eps, self.rope_theta = intermediate, vocab, eps, rope_theta
        self.layers = layers

    @property
    def q_size(self):
        return self.heads * self.head_dim

    @property
    def kv_size(self):
        return self.kv_heads * self.head_dim


def _seeded(shape, init, seed, scale):
    n = int(np.prod(shape))
    return bf16(torch.from_numpy(seeded_fill(init, seed, scale, n)).reshape(shape))


def stack_weights(dims, layers, seed):
    """DenseStack's constructor: per layer qkv, o, gate_up, down seeded in that order."""
    h, inter = dims.hidden, dims.intermediate
    out = []
    for _ in range(layers):
        w = {}
        for name, rows, cols in (("qkv", dims.q_size + 2 * dims.kv_size, h), ("o", h, dims.q_size),
                                 ("gate_up", 2 * inter, h), ("down", h, inter)):
            w[name] = _seeded((rows, cols), "normal", seed, 1.0 / math.sqrt(cols))
            seed += 1
        for name, size in (("input_norm", h), ("q_norm", dims.head_dim), ("k_norm", dims.head_dim),
                           ("post_norm", h)):
            w[name] = torch.ones(size)
        out.append(w)
    return out


def target_weights(dims, seed):
    """DenseTarget's constructor (engine/spec/dense_target.cpp)."""
    return {
        "layers": stack_weights(dims, dims.layers, seed),
        "embedding": _seeded((dims.vocab, dims.hidden), "normal", seed + 1_000_003, 1.0),
        "final_norm": torch.ones(dims.hidden),
        "lm_head": _seeded((dims.vocab, dims.hidden), "normal", seed + 2_000_003,
                           1.0 / math.sqrt(dims.hidden)),
    }


# DenseStack's checkpoint names (engine/spec/dense_stack.cpp) for each layer weight.
LAYER_LEAVES = {"input_norm": "input_layernorm.weight", "qkv": "self_attn.qkv_proj.weight",
                "q_norm": "self_attn.q_norm.weight", "k_norm": "self_attn.k_norm.weight",
                "o": "self_attn.o_proj.weight", "post_norm": "post_attention_layernorm.weight",
                "gate_up": "mlp.gate_up_proj.weight", "down": "mlp.down_proj.weight"}
# DenseTarget's names for the weights around the stack (engine/spec/dense_target.cpp).
TARGET_NAMES = {"embedding": "model.embed_tokens.weight", "final_norm": "model.norm.weight",
                "lm_head": "lm_head.weight"}


def stack_tensors(prefix, layers):
    """A stack's weights under their checkpoint names: {"<prefix>.layers.N.<leaf>": tensor}."""
    return {f"{prefix}.layers.{i}.{leaf}": w[key].detach()
            for i, w in enumerate(layers) for key, leaf in LAYER_LEAVES.items()}


def target_tensors(weights):
    out = stack_tensors("model", weights["layers"])
    out.update({name: weights[key].detach() for key, name in TARGET_NAMES.items()})
    return out


def target_from_tensors(dims, tensors):
    """The inverse of target_tensors: a checkpoint's tensors as target_step's weights."""
    return {"layers": [{key: tensors[f"model.layers.{i}.{leaf}"] for key, leaf in LAYER_LEAVES.items()}
                       for i in range(dims.layers)],
            **{key: tensors[name] for key, name in TARGET_NAMES.items()}}


def write_safetensors(path, tensors, metadata):
    """bf16 tensors and string metadata, the layout engine/weights/safetensors_file reads."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        raw = t.to(torch.bfloat16).contiguous().view(torch.int16).numpy().astype("<i2").tobytes()
        header[name] = {"dtype": "BF16", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def read_safetensors(path):
    """The BF16 tensors (as fp32) and metadata write_safetensors writes."""
    data = Path(path).read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    base, tensors = 8 + length, {}
    for name, info in header.items():
        if info["dtype"] != "BF16":
            raise ValueError(f"{path}: {name} is {info['dtype']}, only BF16 is read here")
        start, end = info["data_offsets"]
        raw = np.frombuffer(data[base + start:base + end], dtype="<i2").copy()
        tensors[name] = torch.from_numpy(raw).view(torch.bfloat16).float().reshape(info["shape"])
    return tensors, metadata


def rms(x, gamma, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * gamma


def rope_tables(dims, positions):
    """DenseStack::write_positions: neox layout, R/2 frequencies duplicated."""
    d, half = dims.head_dim, dims.head_dim // 2
    j = torch.arange(d, dtype=torch.float64) % half
    inv_freq = dims.rope_theta ** (-2.0 * j / d)
    angles = positions.to(torch.float64).unsqueeze(-1) * inv_freq
    return torch.cos(angles).float(), torch.sin(angles).float()


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    rotated = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
    return x * cos.unsqueeze(-2) + rotated * sin.unsqueeze(-2)


def split_norm_rope(dims, w, qkv, cos, sin, rnd):
    """SplitQkvRmsnormRope: per-head RMSNorm of q and k, then rotary; v as is."""
    lead = qkv.shape[:-1]
    q = qkv[..., :dims.q_size].reshape(*lead, dims.heads, dims.head_dim)
    k = qkv[..., dims.q_size:dims.q_size + dims.kv_size].reshape(*lead, dims.kv_heads, dims.head_dim)
    v = qkv[..., dims.q_size + dims.kv_size:].reshape(*lead, dims.kv_heads, dims.head_dim)
    q = rnd(rotate(rms(q, w["q_norm"], dims.eps), cos, sin))
    k = rnd(rotate(rms(k, w["k_norm"], dims.eps), cos, sin))
    return q, k, v


def attention(dims, q, k, v, visible, rnd):
    """FIA: q [..., Tq, H, D], k/v [..., Tk, KvH, D], visible bool [..., Tq, Tk].
    Query head h reads KV head h // (H / KvH); the heads of a group share one
    matmul (no repeated K/V)."""
    group = dims.heads // dims.kv_heads
    *lead, tq, _, d = q.shape
    tk = k.shape[-3]
    qg = q.reshape(*lead, tq, dims.kv_heads, group, d).movedim(-3, -4)       # [.., KvH, Tq, G, D]
    qg = qg.reshape(*lead, dims.kv_heads, tq * group, d)
    scores = qg @ k.movedim(-2, -3).transpose(-1, -2) / math.sqrt(d)         # [.., KvH, Tq*G, Tk]
    mask = visible.unsqueeze(-2).expand(*visible.shape[:-1], group, tk).reshape(*visible.shape[:-2], 1, tq * group, tk)
    scores = scores.masked_fill(~mask, float("-inf"))
    out = torch.softmax(scores, dim=-1) @ v.movedim(-2, -3)                  # [.., KvH, Tq*G, D]
    out = out.reshape(*lead, dims.kv_heads, tq, group, d).movedim(-4, -3)
    return rnd(out.reshape(*lead, tq, dims.q_size))


def layer_tail(dims, w, x, attn, rnd):
    """o projection, AddRmsNorm, SwiGLU MLP, residual add."""
    o = rnd(attn @ w["o"].T)
    residual = rnd(o + x)
    post = rnd(rms(residual, w["post_norm"], dims.eps))
    gate_up = rnd(post @ w["gate_up"].T)
    gate, up = gate_up[..., :dims.intermediate], gate_up[..., dims.intermediate:]
    act = rnd(torch.nn.functional.silu(gate) * up)
    mlp = rnd(act @ w["down"].T)
    return rnd(mlp + residual)


class TargetCache:
    def __init__(self, dims, batch, max_tokens):
        shape = (batch, max_tokens, dims.kv_heads, dims.head_dim)
        self.k = [torch.zeros(shape) for _ in range(dims.layers)]
        self.v = [torch.zeros(shape) for _ in range(dims.layers)]
        self.length = 0


@torch.no_grad()
def target_step(dims, weights, cache, ids):
    """Causal forward of `ids` [B, T] after cache.length tokens, bf16 like the device.
    Returns (next-token argmax [B, T], last layer's output [B, T, hidden])."""
    b, t = ids.shape
    start = cache.length
    positions = torch.arange(start, start + t)
    cos, sin = rope_tables(dims, positions)
    visible = torch.arange(start + t).unsqueeze(0) <= positions.unsqueeze(1)
    x = weights["embedding"][ids]
    for l, w in enumerate(weights["layers"]):
        normed = bf16(rms(x, w["input_norm"], dims.eps))
        qkv = bf16(normed @ w["qkv"].T)
        q, k, v = split_norm_rope(dims, w, qkv, cos, sin, bf16)
        cache.k[l][:, start:start + t] = k
        cache.v[l][:, start:start + t] = v
        attn = attention(dims, q, cache.k[l][:, :start + t], cache.v[l][:, :start + t], visible, bf16)
        x = layer_tail(dims, w, x, attn, bf16)
    cache.length = start + t
    logits = bf16(bf16(rms(x, weights["final_norm"], dims.eps)) @ weights["lm_head"].T)
    return logits.argmax(-1), x


def greedy(dims, weights, prompts, new_tokens):
    """Greedy continuation of prompts [B, P]; returns tokens [B, P + new_tokens] and the
    last layer's output for every position but the last [B, P + new_tokens - 1, hidden]."""
    b, p = prompts.shape
    cache = TargetCache(dims, b, p + new_tokens)
    tokens, hidden = [prompts], []
    nxt, h = target_step(dims, weights, cache, prompts)
    hidden.append(h)
    tokens.append(nxt[:, -1:])
    for _ in range(new_tokens - 1):
        nxt, h = target_step(dims, weights, cache, tokens[-1])
        hidden.append(h)
        tokens.append(nxt)
    return torch.cat(tokens, 1), torch.cat(hidden, 1)


def prompts_like_runner(dims, seed, batch, prompt_len):
    """dflash_runner.cpp make_prompts: uniform tokens in [0, vocab - 2]."""
    u = seeded_fill("uniform", seed, 1.0, batch * prompt_len)
    tok = ((u + 1.0) * 0.5 * (dims.vocab - 1)).astype(np.int64)
    tok = np.minimum(tok, dims.vocab - 2)
    return torch.from_numpy(tok.reshape(batch, prompt_len))
