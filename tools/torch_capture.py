#!/usr/bin/python3
"""Record the aten operators a PyTorch module executes as an npusim op stream.

Run this where the model runs (CPU is enough: shapes, dtypes and buffers are
what npusim needs), then replay the file anywhere with
`npusim import FILE -o MAPPED.jsonl` and `npusim exec MAPPED.jsonl`.

Library use:
    from torch_capture import OpCapture
    with OpCapture(model, meta={"model": "my-block"}) as cap:
        with cap.step("prefill"):
            model(x)
        with cap.step("decode"):
            model(y)
    cap.write("block.jsonl")

Stream form (docs/OP_STREAM.md, schema version 1, header source "torch capture"):
- every torch storage becomes a buffer: an `alloc` record (its bytes, and the
  parameter name when it holds one) precedes its first use;
- every aten call becomes an `op` record named after the overload
  ("aten.mm.default"), with tensor arguments as slots named after the schema's
  argument names (list elements as "tensors.0", "tensors.1", ...), outputs as
  "out0", "out1", ..., and scalar arguments as attrs under their schema names;
  a tensor that is not a contiguous view gets its element strides as attr
  "<slot>.strides" so the importer can follow transposes and slices;
- attention called through scaled_dot_product_attention is recorded as one
  "aten.scaled_dot_product_attention" record (torch 1.13 has no public SDPA and
  decomposes the private one below the dispatcher);
- each `step` ends with a `synchronize` record named after it.
"""
import argparse
import contextlib
import json
import runpy
import sys

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

SOURCE = "torch capture"

_DTYPES = {
    torch.float32: "float32",
    torch.float16: "float16",
    torch.bfloat16: "bfloat16",
    torch.int8: "int8",
    torch.int32: "int32",
    torch.int64: "int64",
    torch.bool: "bool",
}


def _attention_functions():
    """The SDPA entry points this torch has (public in torch 2, private in 1.13)."""
    import torch.nn.functional as F
    names = ("scaled_dot_product_attention", "_scaled_dot_product_attention")
    return {getattr(F, n) for n in names if hasattr(F, n)}


def _contiguous_strides(shape):
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return list(reversed(strides))


class OpCapture:
    """Records aten calls of a module into npusim op-stream records."""

    def __init__(self, module=None, meta=None):
        self.meta = dict(meta or {})
        self.meta["torch_version"] = torch.__version__
        self.records = []
        self._buffers = {}       # storage data_ptr -> buffer id
        self._keep_alive = []    # storages stay referenced so addresses are not reused
        self._param_names = {}
        self._module_stack = []
        self._hooks = []
        self._phase = ""
        self._steps = 0
        self._suppressed = 0     # >0 while a function-level record runs its body
        if module is not None:
            self._watch(module)

    # --- module paths for record origins
    def _watch(self, module):
        for name, param in module.named_parameters():
            self._param_names[param.data_ptr()] = name
        for name, sub in module.named_modules():
            if not name:
                continue
            self._hooks.append(sub.register_forward_pre_hook(
                lambda _m, _i, n=name: self._module_stack.append(n)))
            # A forward hook's return value replaces the output: return None.
            self._hooks.append(sub.register_forward_hook(
                lambda _m, _i, _o: self._module_stack.pop() and None))

    def _origin(self):
        origin = {"phase": self._phase} if self._phase else {}
        if self._module_stack:
            path = self._module_stack[-1]
            origin["module"] = path
            for part in path.split("."):
                if part.isdigit():
                    origin["layer"] = int(part)
                    break
        return origin

    # --- tensors and buffers
    def _buffer(self, t):
        storage = t.storage()
        key = storage.data_ptr()
        if key not in self._buffers:
            buffer = len(self._buffers)
            self._buffers[key] = buffer
            self._keep_alive.append(storage)
            record = {"kind": "alloc", "buffer": buffer, "bytes": storage.nbytes()}
            record["name"] = self._param_names.get(key, "activation")
            self.records.append(record)
        return self._buffers[key]

    def _slot(self, name, t, attrs):
        dtype = _DTYPES.get(t.dtype)
        if dtype is None:
            attrs[name + ".dtype"] = str(t.dtype)
            return {"name": name, "none": True}
        shape = list(t.shape)
        # A size-1 dimension's stride is arbitrary: it does not make a view strided.
        if any(n > 1 and st != c for n, st, c in zip(shape, t.stride(), _contiguous_strides(shape))):
            attrs[name + ".strides"] = list(t.stride())
        return {"name": name, "buffer": self._buffer(t), "shape": shape, "dtype": dtype,
                "offset_bytes": t.storage_offset() * t.element_size()}

    @staticmethod
    def _attr(value):
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            return value
        if isinstance(value, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool)
                                                    for v in value):
            return list(value)
        if isinstance(value, torch.dtype):
            return _DTYPES.get(value, str(value))
        return str(value)

    def _tensor_args(self, name, value, inputs, attrs):
        if isinstance(value, torch.Tensor):
            inputs.append(self._slot(name, value, attrs))
            return True
        if isinstance(value, (list, tuple)) and value and all(
                isinstance(v, torch.Tensor) or v is None for v in value):
            for i, v in enumerate(value):
                slot = "{}.{}".format(name, i)
                inputs.append({"name": slot, "none": True} if v is None else self._slot(slot, v, attrs))
            return True
        return False

    def record(self, op, names, values, outputs):
        """One op record: `values` bound to schema argument `names`."""
        inputs, attrs = [], {}
        for name, value in zip(names, values):
            if not self._tensor_args(name, value, inputs, attrs):
                attrs[name] = self._attr(value)
        flat = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        outs = [self._slot("out{}".format(i), o, attrs)
                for i, o in enumerate(flat) if isinstance(o, torch.Tensor)]
        record = {"kind": "op", "op": op, "inputs": inputs, "outputs": outs}
        if attrs:
            record["attrs"] = attrs
        origin = self._origin()
        if origin:
            record["origin"] = origin
        self.records.append(record)

    # --- steps and output
    @contextlib.contextmanager
    def step(self, phase):
        """Records one forward step; ends it with a synchronize record."""
        self._phase = phase
        attention = _attention_functions()
        with _FunctionRecorder(self, attention), _DispatchRecorder(self):
            yield self
        self.records.append({"kind": "synchronize", "name": phase, "attrs": {"step": self._steps}})
        self._steps += 1
        self._phase = ""

    def write(self, path):
        header = {"schema": "npusim.op_stream", "version": 1, "source": SOURCE, "meta": self.meta}
        with open(path, "w") as out:
            for line in [header] + self.records:
                out.write(json.dumps(line, separators=(",", ":")) + "\n")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for hook in self._hooks:
            hook.remove()
        self._hooks.clear()
        return False


class _DispatchRecorder(TorchDispatchMode):
    """Records every aten call below autograd."""

    def __init__(self, capture):
        super().__init__()
        self.capture = capture

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        if not self.capture._suppressed:
            schema = func._schema.arguments
            names = [a.name for a in schema[:len(args)]] + list(kwargs)
            self.capture.record(str(func.overloadpacket) + "." + func._overloadname,
                                names, list(args) + list(kwargs.values()), out)
        return out


class _FunctionRecorder(TorchFunctionMode):
    """Records attention as one op: the dispatcher would only see its pieces."""

    _ARGS = ("query", "key", "value", "attn_mask", "dropout_p", "need_attn_weights", "is_causal")

    def __init__(self, capture, attention):
        super().__init__()
        self.capture = capture
        self.attention = attention

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func not in self.attention or self.capture._suppressed:
            return func(*args, **kwargs)
        self.capture._suppressed += 1
        try:
            out = func(*args, **kwargs)
        finally:
            self.capture._suppressed -= 1
        names = list(self._ARGS[:len(args)]) + list(kwargs)
        result = out[0] if isinstance(out, tuple) else out
        self.capture.record("aten.scaled_dot_product_attention", names,
                            list(args) + list(kwargs.values()), result)
        return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("script", help="Python file defining record(capture) -> module steps")
    parser.add_argument("-o", "--output", required=True, help="op stream to write (JSON Lines)")
    args = parser.parse_args()
    namespace = runpy.run_path(args.script)
    if "record" not in namespace:
        sys.exit("{}: defines no record(OpCapture) function".format(args.script))
    capture = namespace["record"]()
    capture.write(args.output)
    print("{}: {} records".format(args.output, len(capture.records)))


if __name__ == "__main__":
    main()
