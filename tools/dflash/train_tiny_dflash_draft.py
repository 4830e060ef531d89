"""Trains the tiny DFlash draft that npusim's seed-4 scenario (sglang#23122) loads,
against the tiny Qwen3-8B target npusim simulates, and writes it as safetensors.

Why: a DFlash draft proposes a block from the bonus token's embedding and the
target's hidden states; whether the stale-input_embeds and causal-mask bugs
show depends on a draft that has learnt to use them, as z-lab's trained draft
has. npusim has no training; this script is the offline step, like z-lab's,
and its output is data under engine/models/weights/.

Run (CPU, ~20 minutes on 2 cores with OpenBLAS; Debian's python3-torch and
python3-numpy; tools/README.md), after train_tiny_qwen3_target.py:
  /usr/bin/python3 tools/dflash/train_tiny_dflash_draft.py \
      --out engine/models/weights/qwen3-8b-dflash-b16-tiny.safetensors
The target is the trained tiny target npusim loads (--target). The checkpoint
records the port's greedy tokens for the scenario's prompts, and
tests/engine/spec_dflash_test.cpp checks npusim produces the same.
"""
import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from tiny_qwen3 import (Dims, attention, greedy, layer_tail, prompts_like_runner,  # noqa: E402
                        read_safetensors, rms, rope_tables, split_norm_rope, stack_tensors,
                        stack_weights, target_from_tensors, write_safetensors)

BLOCK = 16           # engine/models/qwen3-8b-dflash-b16.json block_size
PROMPT_LEN = 8       # the scenario's prompt_len
# The check request the checkpoint records the target's tokens for: the
# scenario's prompts (workload seed 11), batch 2, 25 tokens.
CHECK_PROMPT_SEED = 11
CHECK_TOKENS = 25


def dflash_target_layer_ids(target_layers, draft_layers):
    """dflash_runner.cpp: the full-size ids do not fit the tiny target, so the
    draft reads layers spread over [1, layers - 3] (all layer 1 here)."""
    if draft_layers <= 1:
        return [target_layers // 2]
    start, end = 1, max(1, target_layers - 3)
    # math.floor(x + 0.5) is C++ llround for these positive values (round() is banker's).
    return [min(math.floor(start + i * (end - start) / (draft_layers - 1) + 0.5), target_layers - 1)
            for i in range(draft_layers)]


class Draft(torch.nn.Module):
    """DflashDraft (engine/spec/dflash_draft.cpp) in fp32."""

    def __init__(self, dims, layers, feature_layers, seed):
        super().__init__()
        self.dims = dims
        init = stack_weights(dims, layers, seed)  # the seeded start npusim would use
        self.layers = torch.nn.ModuleList()
        for w in init:
            self.layers.append(torch.nn.ParameterDict({k: torch.nn.Parameter(v.clone()) for k, v in w.items()}))
        fan_in = feature_layers * dims.hidden
        self.fc = torch.nn.Parameter(torch.randn(dims.hidden, fan_in) / math.sqrt(fan_in))
        self.hidden_norm = torch.nn.Parameter(torch.ones(dims.hidden))
        self.final_norm = torch.nn.Parameter(torch.ones(dims.hidden))
        self.readout = torch.nn.Parameter(torch.randn(dims.vocab, dims.hidden) / math.sqrt(dims.hidden))

    def context_kv(self, features):
        """append_context: fc + hidden_norm, then each layer's K/V (no input norm).
        features [S, L, F] -> per layer (k, v) [S, L, KvH, D] at positions 0..L-1."""
        d = self.dims
        normed = rms(features @ self.fc.T, self.hidden_norm, d.eps)
        cos, sin = rope_tables(d, torch.arange(features.shape[1]))
        out = []
        for w in self.layers:
            _, k, v = split_norm_rope(d, w, normed @ w["qkv"].T, cos, sin, lambda x: x)
            out.append((k, v))
        return out

    def block_logits(self, embeds, ctx_kv, anchors, causal=False):
        """embeds [S, A, B, H]: block embeddings per sequence and anchor; ctx_kv from
        context_kv; anchors [S, A]: context length (the block starts there).
        Returns logits [S, A, B, vocab]. The A blocks of a sequence run as one
        query set whose mask keeps each block to its own context and itself."""
        d = self.dims
        s, a, b, _ = embeds.shape
        length = ctx_kv[0][0].shape[1]
        positions = (anchors.unsqueeze(-1) + torch.arange(b)).reshape(s, a * b)
        cos, sin = rope_tables(d, positions)
        ctx_visible = torch.arange(length).view(1, 1, 1, -1) < anchors.view(s, a, 1, 1)
        own_block = torch.ones(b, b, dtype=torch.bool)
        if causal:
            own_block = torch.tril(own_block)
        block_visible = torch.block_diag(*[own_block] * a)                      # [A*B, A*B]
        visible = torch.cat((ctx_visible.expand(s, a, b, length).reshape(s, a * b, length),
                             block_visible.expand(s, a * b, a * b)), -1)
        x = embeds.reshape(s, a * b, -1)
        for w, (ck, cv) in zip(self.layers, ctx_kv):
            normed = rms(x, w["input_norm"], d.eps)
            q, k, v = split_norm_rope(d, w, normed @ w["qkv"].T, cos, sin, lambda t: t)
            attn = attention(d, q, torch.cat((ck, k), 1), torch.cat((cv, v), 1), visible, lambda t: t)
            x = layer_tail(d, w, x, attn, lambda t: t)
        return (rms(x, self.final_norm, d.eps) @ self.readout.T).reshape(s, a, b, -1)

    def tensors(self):
        out = stack_tensors("draft", self.layers)
        out["draft.fc.weight"] = self.fc.detach()
        out["draft.hidden_norm.weight"] = self.hidden_norm.detach()
        out["draft.norm.weight"] = self.final_norm.detach()
        out["draft.lm_head.weight"] = self.readout.detach()
        return out


def make_data(dims, weights, sequences, new_tokens, rng, layer_ids):
    prompts = torch.from_numpy(rng.integers(0, dims.vocab - 1, size=(sequences, PROMPT_LEN)))
    chunks_t, chunks_h = [], []
    for start in range(0, sequences, 512):
        toks, hid = greedy(dims, weights, prompts[start:start + 512], new_tokens)
        chunks_t.append(toks)
        chunks_h.append(hid)
    tokens, hidden = torch.cat(chunks_t), torch.cat(chunks_h)
    assert set(layer_ids) == {dims.layers - 1}, "greedy() returns the last layer's output only"
    features = torch.cat([hidden] * len(layer_ids), -1)
    return tokens, features


def block_embeds(dims, weights, tokens, anchors, mask_token, stale=False):
    """[bonus, mask x (B-1)] embeddings per (sequence, anchor): the bonus is the
    token at the anchor (the last token emitted, not yet in the KV)."""
    s, a = anchors.shape
    bonus = tokens.gather(1, anchors)                                           # [S, A]
    ids = torch.full((s, a, BLOCK), mask_token, dtype=torch.long)
    ids[:, :, 0] = bonus
    emb = weights["embedding"][ids]
    return torch.zeros_like(emb) if stale else emb


def labels_for(tokens, anchors):
    idx = anchors.unsqueeze(-1) + torch.arange(BLOCK)                           # [S, A, B]
    return tokens.unsqueeze(1).expand(-1, anchors.shape[1], -1).gather(2, idx)


def accepted_lengths(pred, labels):
    """1 + the run of correct proposals at block positions 1.. (greedy verification)."""
    hits = (pred[..., 1:] == labels[..., 1:]).int()
    return 1 + torch.cumprod(hits, -1).sum(-1)


@torch.no_grad()
def evaluate(draft, dims, weights, tokens, features, mask_token, every=1, **mode):
    s, length = tokens.shape
    anchors = torch.arange(PROMPT_LEN, length - BLOCK + 1, every).expand(s, -1).contiguous()
    out = []
    for i in range(0, s, 16):
        a = anchors[i:i + 16]
        logits = draft.block_logits(block_embeds(dims, weights, tokens[i:i + 16], a, mask_token,
                                                 mode.get("stale", False)),
                                    draft.context_kv(features[i:i + 16]), a, mode.get("causal", False))
        out.append(accepted_lengths(logits.argmax(-1), labels_for(tokens[i:i + 16], a)).float())
    return torch.cat(out).mean().item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--target", type=Path,
                   default=Path(__file__).parents[2] / "engine/models/weights/qwen3-8b-tiny.safetensors")
    p.add_argument("--sequences", type=int, default=2048)
    p.add_argument("--new-tokens", type=int, default=56)
    p.add_argument("--steps", type=int, default=800)
    p.add_argument("--batch-sequences", type=int, default=8)
    p.add_argument("--anchors", type=int, default=8)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--draft-layers", type=int, default=2)
    args = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    rng = np.random.default_rng(0)

    dims = Dims()
    mask_token = dims.vocab - 1  # engine/tiny_variant.cpp
    target_tensors, target_metadata = read_safetensors(args.target)
    weights = target_from_tensors(dims, target_tensors)
    check, _ = greedy(dims, weights, prompts_like_runner(dims, CHECK_PROMPT_SEED, 2, PROMPT_LEN),
                      CHECK_TOKENS)
    check_tokens = check[:, PROMPT_LEN:].tolist()

    t0 = time.time()
    layer_ids = dflash_target_layer_ids(dims.layers, args.draft_layers)
    tokens, features = make_data(dims, weights, args.sequences, args.new_tokens, rng, layer_ids)
    held_tokens, held_features = make_data(dims, weights, 128, args.new_tokens, rng, layer_ids)
    print(f"data: {tokens.shape} in {time.time() - t0:.0f} s", flush=True)

    # Start from the seeded draft npusim builds for the scenario (dflash_runner.cpp).
    draft = Draft(dims, args.draft_layers, len(layer_ids), seed=CHECK_PROMPT_SEED + 7_000_001)
    opt = torch.optim.AdamW(draft.parameters(), lr=args.lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.steps, pct_start=0.05)
    weight = 0.8 ** torch.arange(BLOCK - 1, dtype=torch.float32)
    length = tokens.shape[1]
    for step in range(args.steps):
        sid = torch.from_numpy(rng.integers(0, tokens.shape[0], size=args.batch_sequences))
        anchors = torch.from_numpy(rng.integers(PROMPT_LEN, length - BLOCK + 1,
                                                size=(args.batch_sequences, args.anchors)))
        tok = tokens[sid]
        logits = draft.block_logits(block_embeds(dims, weights, tok, anchors, mask_token),
                                    draft.context_kv(features[sid]), anchors)
        labels = labels_for(tok, anchors)
        ce = torch.nn.functional.cross_entropy(logits[..., 1:, :].reshape(-1, dims.vocab),
                                               labels[..., 1:].reshape(-1), reduction="none")
        loss = (ce.view(-1, BLOCK - 1) * weight).sum(-1).mean() / weight.sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0 or step == args.steps - 1:
            acc = evaluate(draft, dims, weights, held_tokens[:16], held_features[:16], mask_token, every=4)
            print(f"step {step} loss {loss.item():.3f} held-out acceptance {acc:.2f} "
                  f"({time.time() - t0:.0f} s)", flush=True)

    result = {mode: evaluate(draft, dims, weights, held_tokens, held_features, mask_token, every=2, **kw)
              for mode, kw in (("fix", {}), ("stale_zero_embeds", {"stale": True}),
                               ("causal", {"causal": True}))}
    print("held-out acceptance:", json.dumps(result))
    metadata = {"target_weights": target_metadata["weights_id"],
                "target_layer_ids": ",".join(map(str, layer_ids)),
                "trained_by": "tools/dflash/train_tiny_dflash_draft.py",
                "training": json.dumps({k: getattr(args, k) for k in
                                        ("sequences", "new_tokens", "steps", "batch_sequences",
                                         "anchors", "lr")}),
                "held_out_acceptance": json.dumps(result),
                "check_prompt_seed": str(CHECK_PROMPT_SEED),
                "target_check_tokens": json.dumps(check_tokens)}
    write_safetensors(args.out, draft.tensors(), metadata)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
