#!/usr/bin/python3
"""CI test of the PyTorch replay workflow (issue 7): record tests/tools/mla_block.py
on CPU (prefill + one decode step) with tools/torch_capture.py, map it with
`npusim import`, and check op counts, FLOPs against hand-computed values, that
`npusim check --stream` and `npusim exec` flag the 20-head MLA attention by the
FIA rule, and that the stream runs to the end once that rule is switched off.

usage: torch_capture_test.py NPUSIM_BINARY WORK_DIR   (needs python3-torch)"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mla_block  # noqa: E402

NPUSIM, WORK = sys.argv[1], sys.argv[2]
HEADS_RULE = "fia.mla.num_heads_power_of_two"


def npusim(*args):
    return subprocess.run([NPUSIM, *args], capture_output=True, text=True, timeout=120)


def matmul_flops(tokens):
    """2·M·N·K of each projection of the block, from its dimensions."""
    d = mla_block.DIMS
    shapes = [(d["hidden"], d["heads"] * (d["latent"] + d["rope"])),  # q_proj
              (d["hidden"], d["latent"] + d["rope"]),                  # kv_a_proj
              (d["heads"] * d["latent"], d["hidden"]),                 # o_proj
              (d["hidden"], 2 * d["inter"]),                           # gate_up_proj
              (d["inter"], d["hidden"])]                               # down_proj
    return sum(2 * tokens * k * n for k, n in shapes)


def attention_flops(query_tokens, kv_tokens, causal):
    """QK^T over latent+rope plus PV over the latent, for the visible pairs only."""
    d = mla_block.DIMS
    pairs = sum(kv_tokens - query_tokens + t + 1 for t in range(query_tokens)) if causal \
        else query_tokens * kv_tokens
    return 2 * d["heads"] * pairs * (d["latent"] + d["rope"] + d["latent"])


class TorchCaptureReplay(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(WORK, exist_ok=True)
        cls.capture = os.path.join(WORK, "mla_block.jsonl")
        cls.mapped = os.path.join(WORK, "mla_block.mapped.jsonl")
        cls.summary_path = os.path.join(WORK, "mla_block.summary.json")
        mla_block.record().write(cls.capture)
        cls.imported = npusim("import", cls.capture, "-o", cls.mapped, "--summary", cls.summary_path)
        with open(cls.summary_path) as f:
            cls.summary = json.load(f)
        cls.ops = {(o["phase"], o["op"]): o for o in cls.summary["device_ops"]}

    def test_header_names_the_tool_and_torch(self):
        with open(self.capture) as f:
            header = json.loads(f.readline())
        self.assertEqual(header["source"], "torch capture")
        self.assertTrue(header["meta"]["torch_version"].startswith("1.13"))

    def test_import_succeeds_and_lists_unmapped_ops(self):
        self.assertEqual(self.imported.returncode, 0, self.imported.stderr)
        # Only the host-side position tensor has no device op; it is listed, not dropped.
        self.assertEqual(self.summary["unmapped"], {"aten.arange.default": 1})
        self.assertIn("aten.arange.default", self.imported.stdout)

    def test_import_refuses_a_stream_not_recorded_from_torch(self):
        mapped_again = npusim("import", self.mapped)
        self.assertEqual(mapped_again.returncode, 2)
        self.assertIn("torch_capture.py", mapped_again.stderr)

    def test_op_counts_per_step(self):
        for phase in ("prefill", "decode"):
            self.assertEqual(self.ops[(phase, "MatMul")]["count"], 5)            # 5 projections
            self.assertEqual(self.ops[(phase, "RmsNorm")]["count"], 3)           # 3 norms, each fused
            self.assertEqual(self.ops[(phase, "FusedInferAttentionScore")]["count"], 1)
            self.assertEqual(self.ops[(phase, "Embedding")]["count"], 4)         # cos/sin rows for q and k
            self.assertEqual(self.ops[(phase, "Slice")]["count"], 4)             # latent/rope split of q, k
        self.assertEqual(self.summary["mapped"]["aten.mm.default"], 10)

    def test_flops_match_hand_computed_values(self):
        d = mla_block.DIMS
        prefill, decode = d["prefill_tokens"], d["decode_tokens"]
        self.assertEqual(self.ops[("prefill", "MatMul")]["flops"], matmul_flops(prefill))
        self.assertEqual(self.ops[("decode", "MatMul")]["flops"], matmul_flops(decode))
        self.assertEqual(self.ops[("prefill", "FusedInferAttentionScore")]["flops"],
                         attention_flops(prefill, prefill, causal=True))
        self.assertEqual(self.ops[("decode", "FusedInferAttentionScore")]["flops"],
                         attention_flops(decode, prefill + decode, causal=False))

    def test_check_flags_twenty_heads_by_the_fia_rule(self):
        report = os.path.join(WORK, "check.json")
        result = npusim("check", "--stream", self.mapped, "--json", report)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        with open(report) as f:
            violations = json.load(f)["cells"][0]["violations"]
        self.assertEqual([(v["rule"], v["value"], v["occurrences"]) for v in violations],
                         [(HEADS_RULE, "20", 2)])

    def test_exec_refuses_the_attention_then_runs_without_the_rule(self):
        refused = npusim("exec", self.mapped)
        self.assertEqual(refused.returncode, 1, refused.stderr)
        self.assertIn(HEADS_RULE, refused.stderr)
        relaxed = npusim("exec", self.mapped, "--set", "constraints.{}.enabled=false".format(HEADS_RULE))
        self.assertEqual(relaxed.returncode, 0, relaxed.stderr)
        self.assertIn("total simulated time", relaxed.stdout)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
