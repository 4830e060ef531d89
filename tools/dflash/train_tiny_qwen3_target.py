"""Trains the tiny Qwen3-8B target that npusim's DFlash scenario (sglang#23122)
runs in functional mode, on a synthetic word language, and writes it as
safetensors (engine/models/weights/qwen3-8b-tiny.safetensors).

Why: a seeded (random) 2-layer target has nothing a draft can predict beyond
its own repetition loops, so a trained draft accepts ~1.7 tokens per step where
z-lab's Qwen3-8B draft accepts 4-6 on real text. Text is predictable because it
is made of words and phrases; this language is too: every token belongs to one
word (a fixed run of 3-8 tokens), and which word follows depends on the two
words before it. A block draft can then learn to propose whole words and guess
the next one, as real drafts do, and a bug that degrades the draft shows.

Run (CPU, ~7 minutes on 2 cores with OpenBLAS; tools/README.md):
  /usr/bin/python3 tools/dflash/train_tiny_qwen3_target.py \
      --out engine/models/weights/qwen3-8b-tiny.safetensors
then retrain the draft against it (train_tiny_dflash_draft.py): a draft only
predicts the target it was trained against, and npusim refuses the pair
otherwise (rule spec.dflash.trained_target).
"""
import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from tiny_qwen3 import (Dims, attention, layer_tail, rms, rope_tables,  # noqa: E402
                        split_norm_rope, target_tensors, target_weights, write_safetensors)

# Which of a word's successors follows, by rank: the target learns this
# distribution and its greedy decoding picks the first.
SUCCESSOR_PROBS = [0.6, 0.3, 0.1]


class WordLanguage:
    """Tokens 0..vocab-2 (vocab-1 is the draft's mask token) cut into words of
    3-8 tokens; each (previous word, word) pair has three possible successors."""

    def __init__(self, vocab, seed):
        rng = np.random.default_rng(seed)
        tokens, self.words, i = rng.permutation(vocab - 1), [], 0
        while i < len(tokens):
            n = int(rng.integers(3, 9))
            self.words.append(tokens[i:i + n].tolist())
            i += n
        w = len(self.words)
        self.successors = rng.integers(0, w, size=(w, w, len(SUCCESSOR_PROBS)))

    def sample(self, rng, length):
        """A run of text starting inside a random word."""
        w = len(self.words)
        prev, cur = int(rng.integers(w)), int(rng.integers(w))
        out = list(self.words[cur][int(rng.integers(len(self.words[cur]))):])
        while len(out) < length:
            prev, cur = cur, int(self.successors[prev, cur, rng.choice(len(SUCCESSOR_PROBS),
                                                                        p=SUCCESSOR_PROBS)])
            out += self.words[cur]
        return out[:length]

    def entropy_per_token(self):
        """The loss a perfect model reaches: the successor choice's entropy
        spread over the tokens of the mean word."""
        p = np.array(SUCCESSOR_PROBS)
        return float(-(p * np.log(p)).sum() / np.mean([len(x) for x in self.words]))


def logits(dims, weights, ids):
    """The target's causal forward over whole sequences in fp32 (training)."""
    t = ids.shape[1]
    positions = torch.arange(t)
    cos, sin = rope_tables(dims, positions)
    visible = positions.unsqueeze(0) <= positions.unsqueeze(1)
    x = weights["embedding"][ids]
    same = lambda v: v  # noqa: E731
    for w in weights["layers"]:
        q, k, v = split_norm_rope(dims, w, rms(x, w["input_norm"], dims.eps) @ w["qkv"].T, cos, sin, same)
        x = layer_tail(dims, w, x, attention(dims, q, k, v, visible, same), same)
    return rms(x, weights["final_norm"], dims.eps) @ weights["lm_head"].T


def weights_id(tensors):
    """A content hash the draft records, so npusim can tell which target it was trained on."""
    h = hashlib.sha256()
    for name in sorted(tensors):
        h.update(name.encode())
        h.update(tensors[name].to(torch.bfloat16).contiguous().view(torch.int16).numpy().tobytes())
    return "qwen3-8b-tiny/word-language/" + h.hexdigest()[:16]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--language-seed", type=int, default=1)
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq-len", type=int, default=48)
    p.add_argument("--lr", type=float, default=3e-3)
    args = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    rng = np.random.default_rng(0)

    dims = Dims()
    language = WordLanguage(dims.vocab, args.language_seed)
    # Start from the seeded target npusim builds without a checkpoint (seed 11).
    init = target_weights(dims, 11)
    params = []

    def trainable(t):
        params.append(torch.nn.Parameter(t.clone()))
        return params[-1]

    weights = {"layers": [{k: trainable(v) for k, v in w.items()} for w in init["layers"]],
               **{k: trainable(init[k]) for k in ("embedding", "final_norm", "lm_head")}}
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.steps, pct_start=0.05)
    t0 = time.time()
    for step in range(args.steps):
        seq = torch.tensor([language.sample(rng, args.seq_len + 1) for _ in range(args.batch)])
        out = logits(dims, weights, seq[:, :-1])
        loss = torch.nn.functional.cross_entropy(out.reshape(-1, dims.vocab), seq[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 50 == 0 or step == args.steps - 1:
            print(f"step {step} loss {loss.item():.3f} (floor {language.entropy_per_token():.3f}, "
                  f"{time.time() - t0:.0f} s)", flush=True)

    tensors = target_tensors(weights)
    metadata = {"weights_id": weights_id(tensors),
                "trained_by": "tools/dflash/train_tiny_qwen3_target.py",
                "language": json.dumps({"kind": "words of 3-8 tokens, successor by the two previous words",
                                        "seed": args.language_seed, "words": len(language.words),
                                        "successor_probs": SUCCESSOR_PROBS}),
                "training": json.dumps({k: getattr(args, k) for k in ("steps", "batch", "seq_len", "lr")}),
                "final_loss": f"{loss.item():.4f}",
                "loss_floor": f"{language.entropy_per_token():.4f}"}
    write_safetensors(args.out, tensors, metadata)
    print(f"wrote {args.out} ({metadata['weights_id']})")


if __name__ == "__main__":
    main()
