// FusedInferAttentionScore (torch_npu.npu_fused_infer_attention_score): prompt
// and incremental attention over contiguous or paged KV, GQA and MLA (absorbed
// latent + rope parts), sparse modes 0-4. The layout string names the tensor
// axes (B batch, S sequence, N heads, D head dim, H = N*D, T = packed tokens);
// "IN_OUT" layouts name the input and the output order.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
// Vector instructions per score in the online softmax: scale, max, subtract, exp, sum.
constexpr double kSoftmaxOpsPerScore = 5;
constexpr int64_t kNoTokenLimit = std::numeric_limits<int32_t>::max();  // torch_npu default

std::pair<std::string, std::string> split_layout(const std::string& layout) {
  const auto cut = layout.find('_');
  if (cut == std::string::npos) return {layout, layout};
  return {layout.substr(0, cut), layout.substr(cut + 1)};
}

// Axis letters with H expanded to N, D (H is the heads-times-dim merged axis).
std::string axes(const std::string& layout) {
  std::string out;
  for (char c : layout) out += c == 'H' ? std::string("ND") : std::string(1, c);
  return out;
}

// Element offset of (b, token t / position s, head n, dim d) in a tensor laid out
// as `order` with axis sizes `size`.
// fp64 dot product with independent partial sums: the kernel's inner loop
// (a single running sum serialises on the add latency).
double dot_product(const float* a, const float* b, int64_t n) {
  double sum[4] = {0, 0, 0, 0};
  int64_t d = 0;
  for (; d + 4 <= n; d += 4)
    for (int k = 0; k < 4; ++k) sum[k] += double(a[d + k]) * b[d + k];
  for (; d < n; ++d) sum[0] += double(a[d]) * b[d];
  return (sum[0] + sum[1]) + (sum[2] + sum[3]);
}

// Element index in a contiguous tensor whose axes are `order` (a subset of
// B, S, T, N, D). Strides are computed once: the kernel indexes in its inner loop.
class Indexer {
 public:
  Indexer(const std::string& order, int64_t b, int64_t s, int64_t t, int64_t n, int64_t d) {
    const int64_t sizes[5] = {b, s, t, n, d};
    int64_t stride = 1;
    for (auto axis = order.rbegin(); axis != order.rend(); ++axis) {
      const int k = slot(*axis);
      stride_[k] = stride;
      stride *= sizes[k];
    }
  }
  int64_t operator()(int64_t b, int64_t s, int64_t t, int64_t n, int64_t d) const {
    return b * stride_[0] + s * stride_[1] + t * stride_[2] + n * stride_[3] + d * stride_[4];
  }

 private:
  static int slot(char axis) { return axis == 'B' ? 0 : axis == 'S' ? 1 : axis == 'T' ? 2 : axis == 'N' ? 3 : 4; }
  int64_t stride_[5] = {0, 0, 0, 0, 0};  // axes absent from the order do not move the index
};

// Everything the facts, the cost model and the kernel need about one call;
// `ok` is false when the shapes do not fit the layout (rules then report why).
struct Geometry {
  bool ok = false;
  std::string in_layout, out_layout;
  bool paged = false, mla = false;
  int64_t batch = 0, heads = 0, kv_heads = 0, head_dim = 0, key_head_dim = 0, value_dim = 0;
  int64_t rope_dim = 0, key_rope_dim = 0, block_size = 0, max_seq = 0, max_kv_seq = 0;
  std::vector<int64_t> q_lens, q_starts, kv_lens, kv_starts;
  int64_t query_rank_expected = 0, key_rank_expected = 0;
};

std::vector<int64_t> from_cumulative(const std::vector<int64_t>& ends) {
  std::vector<int64_t> lens;
  int64_t prev = 0;
  for (int64_t e : ends) lens.push_back(e - prev), prev = e;
  return lens;
}

std::vector<int64_t> starts_of(const std::vector<int64_t>& lens) {
  std::vector<int64_t> starts;
  int64_t total = 0;
  for (int64_t l : lens) starts.push_back(total), total += l;
  return starts;
}

// Sizes of the axes of `t` under `layout` ("" if the rank does not match).
std::map<char, int64_t> axis_sizes(const std::string& layout, const TensorRef& t, int64_t heads) {
  std::map<char, int64_t> sizes;
  if (t.rank() != static_cast<int64_t>(layout.size())) return sizes;
  for (size_t i = 0; i < layout.size(); ++i) sizes[layout[i]] = t.shape[i];
  if (sizes.count('H')) {
    if (heads <= 0) return {};
    sizes['N'] = heads;
    sizes['D'] = sizes['H'] / heads;
  }
  return sizes;
}

Geometry geometry(const OpCall& call) {
  Geometry g;
  const TensorRef* q = call.input("query");
  const TensorRef* k = call.input("key");
  const TensorRef* v = call.input("value");
  std::tie(g.in_layout, g.out_layout) = split_layout(call.attrs.string_or("input_layout", "BSH"));
  const int64_t num_heads = call.attrs.int_or("num_heads", 0);
  const int64_t kv_attr = call.attrs.int_or("num_key_value_heads", 0);
  g.kv_heads = kv_attr == 0 ? num_heads : kv_attr;  // 0 means MHA
  g.paged = call.input("block_table") != nullptr;
  g.mla = call.input("query_rope") && call.input("key_rope");
  g.block_size = call.attrs.int_or("block_size", 0);
  g.query_rank_expected = static_cast<int64_t>(g.in_layout.size());
  g.key_rank_expected = g.paged ? 3 : g.query_rank_expected;
  if (!q || !k || !v) return g;
  const auto qs = axis_sizes(g.in_layout, *q, num_heads);
  if (qs.empty() || !qs.count('N') || !qs.count('D')) return g;
  g.heads = qs.at('N');
  g.head_dim = qs.at('D');
  const bool packed = qs.count('T') != 0;
  const auto seq = call.attrs.get_ints("actual_seq_lengths");
  if (packed) {
    if (!seq) return g;
    g.q_lens = from_cumulative(*seq);
  } else {
    if (!qs.count('B') || !qs.count('S')) return g;
    g.q_lens.assign(qs.at('B'), qs.at('S'));
    if (seq && static_cast<int64_t>(seq->size()) == qs.at('B')) g.q_lens = *seq;
  }
  g.batch = static_cast<int64_t>(g.q_lens.size());
  g.q_starts = packed ? starts_of(g.q_lens) : std::vector<int64_t>(g.batch, 0);
  for (size_t b = 0; b < g.q_starts.size() && !packed; ++b) g.q_starts[b] = b * qs.at('S');
  g.max_seq = packed ? q->shape[0] : qs.at('S');
  const auto kv_seq = call.attrs.get_ints("actual_seq_lengths_kv");
  if (g.paged) {
    if (k->rank() != 3 || g.kv_heads <= 0 || v->rank() != 3) return g;
    g.key_head_dim = k->shape[2] / g.kv_heads;
    g.value_dim = v->shape[2] / g.kv_heads;
    if (!kv_seq) return g;
    g.kv_lens = *kv_seq;
  } else {
    const auto ks = axis_sizes(g.in_layout, *k, g.kv_heads);
    const auto vs = axis_sizes(g.in_layout, *v, g.kv_heads);
    if (ks.empty() || vs.empty()) return g;
    g.key_head_dim = ks.at('D');
    g.value_dim = vs.at('D');
    if (packed) {
      g.kv_lens = kv_seq ? from_cumulative(*kv_seq) : g.q_lens;
      g.max_kv_seq = k->shape[0];
    } else {
      g.max_kv_seq = ks.at('S');
      g.kv_lens.assign(g.batch, ks.at('S'));
      if (kv_seq && static_cast<int64_t>(kv_seq->size()) == g.batch) g.kv_lens = *kv_seq;
    }
  }
  g.kv_starts = packed && !g.paged ? starts_of(g.kv_lens) : std::vector<int64_t>(g.batch, 0);
  if (g.mla) {
    g.rope_dim = dim(call.input("query_rope"), -1).value_or(0);
    g.key_rope_dim = dim(call.input("key_rope"), -1).value_or(0);
  }
  g.ok = static_cast<int64_t>(g.kv_lens.size()) == g.batch && g.batch > 0;
  return g;
}

Facts facts(const OpCall& call) {
  Facts f;
  for (const char* slot : {"query", "key", "value", "query_rope", "key_rope", "atten_mask", "block_table"})
    add_slot_facts(f, call, slot);
  add_output_facts(f, call, "attention_out");
  const Geometry g = geometry(call);
  for (const char* attr : {"num_heads", "sparse_mode"}) set_if(f, attr, call.attrs.get_int(attr));
  f.set("num_key_value_heads", g.kv_heads);
  if (g.kv_heads > 0) f.set("heads_per_kv_head", call.attrs.int_or("num_heads", 0) / g.kv_heads);
  f.set("input_layout", call.attrs.string_or("input_layout", "BSH"));
  f.set("paged", g.paged);
  f.set("mla", g.mla);
  if (g.paged) f.set("block_size", g.block_size);
  f.set("query_rank_expected", g.query_rank_expected);
  f.set("key_rank_expected", g.key_rank_expected);
  if (const TensorRef* k = call.input("key"); k && is_floating(k->dtype))
    f.set("key_float_dtype", std::string(dtype_name(k->dtype)));
  if (auto seq = call.attrs.get_ints("actual_seq_lengths"); seq && !seq->empty())
    f.set("actual_seq_lengths", static_cast<int64_t>(seq->size()));
  if (auto kv = call.attrs.get_ints("actual_seq_lengths_kv"); kv && !kv->empty())
    f.set("actual_seq_lengths_kv", static_cast<int64_t>(kv->size()));
  if (const TensorRef* mask = call.input("atten_mask"); mask && mask->rank() >= 2)
    f.set("atten_mask_shape", std::to_string(mask->shape[mask->rank() - 2]) + "x" +
                                  std::to_string(mask->shape[mask->rank() - 1]));
  set_if(f, "block_table_rows", dim(call.input("block_table"), 0));
  set_if(f, "query_rope_heads", g.mla ? dim(call.input("query_rope"), -2) : std::nullopt);
  if (g.heads > 0) f.set("query_heads", g.heads);
  if (g.head_dim > 0) f.set("query_head_dim", g.head_dim);
  if (g.key_head_dim > 0) f.set("key_head_dim", g.key_head_dim);
  if (g.mla) f.set("rope_dim", g.rope_dim), f.set("key_rope_dim", g.key_rope_dim);
  if (g.batch > 0) f.set("batch", g.batch);
  if (!g.ok) return f;
  f.set("incremental", std::all_of(g.q_lens.begin(), g.q_lens.end(), [](int64_t s) { return s == 1; }));
  f.set("max_kv_length", *std::max_element(g.kv_lens.begin(), g.kv_lens.end()));
  return f;
}

// KV positions [first, last) query token i of batch b may attend to.
struct Window {
  int64_t first = 0, last = 0;
};

Window visible(int64_t mode, int64_t i, int64_t q_len, int64_t kv_len, int64_t pre, int64_t next) {
  const int64_t diag = kv_len - q_len + i;  // the token's own KV position, right-down aligned
  switch (mode) {
    case 2: return {0, std::min(kv_len, i + 1)};
    case 3: return {0, std::clamp<int64_t>(diag + 1, 0, kv_len)};
    case 4: return {std::clamp<int64_t>(diag - pre, 0, kv_len), std::clamp<int64_t>(diag + next + 1, 0, kv_len)};
    default: return {0, kv_len};  // 0 and 1: the explicit mask (if any) decides
  }
}

// Sum over i in [from, from + count) of clamp(c + i, 0, limit).
int64_t sum_clamped(int64_t c, int64_t from, int64_t count, int64_t limit) {
  const int64_t lo = c + from, hi = lo + count - 1;
  int64_t total = 0;
  const int64_t a = std::max<int64_t>(lo, 1), b = std::min<int64_t>(hi, limit - 1);  // values inside (0, limit)
  if (a <= b) total += (a + b) * (b - a + 1) / 2;
  const int64_t at_limit = std::max(lo, limit);
  if (at_limit <= hi) total += limit * (hi - at_limit + 1);
  return total;
}

// The KV span [first, last) that query rows [i0, i0 + rows) of one sequence
// see together, and the (row, KV position) pairs they actually attend.
struct RowBlock {
  int64_t first = 0, last = 0, pairs = 0;
};
RowBlock visible_rows(int64_t mode, int64_t i0, int64_t rows, int64_t q_len, int64_t kv_len, int64_t pre,
                      int64_t next) {
  RowBlock r{kv_len, 0, 0};
  for (int64_t i = i0; i < i0 + rows; ++i) {
    const Window win = visible(mode, i, q_len, kv_len, pre, next);
    r.first = std::min(r.first, win.first), r.last = std::max(r.last, win.last);
    r.pairs += std::max<int64_t>(0, win.last - win.first);
  }
  return r;
}

// visible_rows in closed form, because its per-row loop over every prefill
// token was a large share of an analytic timing run. With kv_len >= 0 both
// window ends grow with the row inside [0, kv_len], so the span runs from the
// first row's start to the last row's end, and the pairs are sums of clamped
// arithmetic series. The loop stays for what breaks that: a negative length
// or a sliding window narrower than one token (pre + next + 1 < 0).
RowBlock visible_block(int64_t mode, int64_t i0, int64_t rows, int64_t q_len, int64_t kv_len, int64_t pre,
                       int64_t next) {
  if (rows <= 0 || kv_len < 0 || (mode == 4 && next + 1 + pre < 0))
    return visible_rows(mode, i0, rows, q_len, kv_len, pre, next);
  const int64_t diag0 = kv_len - q_len;  // diag of row i is diag0 + i
  RowBlock r{visible(mode, i0, q_len, kv_len, pre, next).first,
             visible(mode, i0 + rows - 1, q_len, kv_len, pre, next).last, 0};
  switch (mode) {
    case 2: r.pairs = sum_clamped(1, i0, rows, kv_len); break;
    case 3: r.pairs = sum_clamped(diag0 + 1, i0, rows, kv_len); break;
    case 4:
      r.pairs = sum_clamped(diag0 + next + 1, i0, rows, kv_len) - sum_clamped(diag0 - pre, i0, rows, kv_len);
      break;
    default: r.pairs = rows * kv_len; break;
  }
  return r;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const Geometry g = geometry(call);
  OpWork w;
  w.op_class = "attention";
  w.core = CoreKind::cube;
  w.cube_work = true;
  const TensorRef* q = call.input("query");
  const TensorRef* k = call.input("key");
  const TensorRef* out = call.output("attention_out");
  if (!g.ok || !q || !k || g.kv_heads <= 0) return w;
  const int64_t mode = call.attrs.int_or("sparse_mode", 0);
  const int64_t pre = call.attrs.int_or("pre_tokens", kNoTokenLimit);
  const int64_t next = call.attrs.int_or("next_tokens", kNoTokenLimit);
  // MLA: every head reads the one latent KV head, so heads form the cube's M.
  const int64_t groups = g.mla ? 1 : g.kv_heads;
  const int64_t heads_per_group = std::max<int64_t>(1, g.heads / groups);
  const int64_t qk_dim = g.head_dim + g.rope_dim;
  const double kv_elem = dtype_size_bytes(k->dtype), q_elem = dtype_size_bytes(q->dtype);
  // MLA keys and values are the same latent rows: read once.
  const double kv_row_bytes = (g.mla ? qk_dim : g.key_head_dim + g.value_dim) * kv_elem;
  // Query rows per tile: a square-ish fp32 score tile in half of L0C.
  const int64_t tile_rows = std::max<int64_t>(
      spec.cube_m, static_cast<int64_t>(std::sqrt(spec.l0c_bytes / 2 / sizeof(float))) / spec.cube_m * spec.cube_m);
  const int64_t q_block = std::max<int64_t>(1, tile_rows / heads_per_group);
  const double vector_per_cube = static_cast<double>(spec.vector_cores) / std::max(1, spec.cube_cores);
  // Tiles are summed as they are found (in batch, block, group order), not
  // stored: only their totals and count enter the work.
  int64_t tile_total = 0;
  double cycles = 0, load = 0, store = 0;
  double flops = 0, unique_kv = 0;
  int64_t longest_span = 0;
  for (int64_t b = 0; b < g.batch; ++b) {
    const int64_t s_len = g.q_lens[b], kv_len = g.kv_lens[b];
    unique_kv += kv_len * kv_row_bytes * groups;
    for (int64_t i0 = 0; i0 < s_len; i0 += q_block) {
      const int64_t rows = std::min(q_block, s_len - i0);
      const RowBlock block = visible_block(mode, i0, rows, s_len, kv_len, pre, next);
      const int64_t pairs = block.pairs;
      const int64_t span = std::max<int64_t>(0, block.last - block.first);
      longest_span = std::max(longest_span, span);
      const int64_t m = rows * heads_per_group;
      flops += 2.0 * groups * heads_per_group * pairs * (qk_dim + g.value_dim);
      const double cube = cube_cycles(m, span, qk_dim, q->dtype, spec) + cube_cycles(m, g.value_dim, span, q->dtype, spec);
      const double vec = kSoftmaxOpsPerScore * m * span * sizeof(float) / spec.vector_bytes_per_cycle / vector_per_cube;
      const double tile_cycles = std::max(cube, vec);
      const double tile_load = span * kv_row_bytes + m * qk_dim * q_elem;
      const double tile_store = m * g.value_dim * q_elem;
      for (int64_t grp = 0; grp < groups; ++grp) cycles += tile_cycles, load += tile_load, store += tile_store;
      tile_total += groups;
    }
  }
  // Flash-decoding: too few tiles to fill the cores -> split each tile's KV span,
  // in pieces no shorter than one score tile.
  const auto tile_count = std::max<int64_t>(1, tile_total);
  const int64_t splits = std::clamp<int64_t>(ceil_div(spec.cube_cores, tile_count), 1,
                                             std::max<int64_t>(1, longest_span / tile_rows));
  w.tiles = std::max<int64_t>(1, tile_total * splits);
  w.compute_cycles_per_tile = cycles / w.tiles;
  w.load_bytes_per_tile = load / w.tiles;
  w.store_bytes_per_tile = store * splits / w.tiles;  // each split writes a partial result
  w.flops = flops;
  double query_bytes = q->bytes();
  if (const TensorRef* qr = call.input("query_rope")) query_bytes += qr->bytes();
  w.bytes = query_bytes + unique_kv + (out ? out->bytes() : 0);
  return w;
}

// The kernel's reads stay inside every tensor even when a what-if switch
// disabled the rule that would have rejected the call.
void check_extents(const KernelIo& io, const Geometry& g, const Indexer& qi, const Indexer& oi) {
  const int64_t last = g.batch - 1;
  const int64_t last_token = g.q_starts[last] + g.q_lens[last] - 1;
  for (int64_t b = 0; b < g.batch; ++b)
    io.require(g.q_lens[b] >= 0 && g.q_lens[b] <= g.max_seq && g.kv_lens[b] >= 0, "actual_seq_lengths",
               "sequence lengths exceed the query's shape");
  io.require(qi(last, g.max_seq - 1, last_token, g.heads - 1, g.head_dim - 1) < io.input("query").numel(),
             "query", "query smaller than its layout implies");
  io.require(oi(last, g.max_seq - 1, last_token, g.heads - 1, g.value_dim - 1) < io.output("attention_out").numel(),
             "attention_out", "output smaller than the query's layout with value's head dim");
  if (g.paged) {
    io.require(g.block_size > 0, "block_size", "paged attention needs block_size > 0");
    const TensorRef& table = io.input("block_table");
    io.require(table.rank() == 2 && table.shape[0] >= g.batch, "block_table", "block table is not [B, max_blocks]");
    return;
  }
  for (int64_t b = 0; b < g.batch; ++b)
    io.require(g.kv_starts[b] + g.kv_lens[b] <= g.max_kv_seq, "actual_seq_lengths_kv",
               "KV lengths exceed the key's shape");
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const Geometry g = geometry(call);
  io.require(g.ok, "query", "shapes do not fit layout " + call.attrs.string_or("input_layout", "BSH"));
  io.require(g.kv_heads > 0 && g.heads % g.kv_heads == 0, "num_key_value_heads", "kv heads must divide heads");
  io.require(!g.mla || g.kv_heads == 1, "num_key_value_heads", "MLA reads one latent KV head");
  const std::string in_axes = axes(g.in_layout), out_axes = axes(g.out_layout);
  const int64_t total_tokens = g.q_starts.back() + g.q_lens.back();
  auto make = [&](const std::string& order, int64_t heads, int64_t d, int64_t seq, int64_t tokens) {
    return Indexer(order, g.batch, seq, tokens, heads, d);
  };
  const Indexer qi = make(in_axes, g.heads, g.head_dim, g.max_seq, total_tokens);
  const Indexer qri = make(in_axes, g.heads, g.rope_dim, g.max_seq, total_tokens);
  const Indexer oi = make(out_axes, g.heads, g.value_dim, g.max_seq, total_tokens);
  const auto query = io.load("query"), key = io.load("key"), value = io.load("value");
  const auto query_rope = io.load_optional("query_rope"), key_rope = io.load_optional("key_rope");
  const int64_t mode = call.attrs.int_or("sparse_mode", 0);
  // Modes 2-4 imply the compressed mask's content; only 0 and 1 read it.
  const auto mask = mode <= 1 ? io.load_optional("atten_mask") : std::nullopt;
  const auto table = io.load_optional("block_table");
  const TensorRef* mask_t = io.optional_input("atten_mask");
  const TensorRef* table_t = io.optional_input("block_table");
  const int64_t pre = call.attrs.int_or("pre_tokens", kNoTokenLimit);
  const int64_t next = call.attrs.int_or("next_tokens", kNoTokenLimit);
  const double scale = call.attrs.double_or("scale", 1.0);
  const int64_t group = g.heads / g.kv_heads;
  check_extents(io, g, qi, oi);
  if (g.mla)
    io.require(qri(g.batch - 1, g.max_seq - 1, total_tokens - 1, g.heads - 1, g.rope_dim - 1) <
                   io.input("query_rope").numel(),
               "query_rope", "query_rope smaller than the query's layout with rope dim");
  std::vector<float> out(static_cast<size_t>(io.output("attention_out").numel()), 0.0f);
  std::vector<double> acc(static_cast<size_t>(g.value_dim));

  // Element offset of KV row `pos` of batch b, head kv, dim 0, in a tensor whose rows hold `d` per head.
  auto kv_offset = [&](int64_t b, int64_t pos, int64_t kv, int64_t d, int64_t heads_in_row) -> int64_t {
    if (g.paged) {
      const int64_t max_blocks = table_t->shape.back();
      const int64_t slot = pos / g.block_size;
      io.require(slot < max_blocks, "block_table", "KV length exceeds the batch's block table");
      const auto block = static_cast<int64_t>((*table)[b * max_blocks + slot]);
      return ((block * g.block_size + pos % g.block_size) * heads_in_row + kv) * d;
    }
    const Indexer ki = make(in_axes, heads_in_row, d, g.max_kv_seq, g.kv_starts.back() + g.kv_lens.back());
    return ki(b, pos, g.kv_starts[b] + pos, kv, 0);
  };
  auto masked = [&](int64_t b, int64_t i, int64_t j) {
    if (!mask) return false;
    const int64_t cols = mask_t->shape.back(), rws = mask_t->shape[mask_t->rank() - 2];
    const int64_t per = rws * cols, copies = static_cast<int64_t>(mask->size()) / per;
    io.require(i < rws && j < cols, "atten_mask", "mask smaller than [S, Skv]");
    return (*mask)[(copies == g.batch ? b : 0) * per + i * cols + j] != 0.0f;
  };

  // Paged block ids come from data: check each row read stays in its tensor.
  auto row = [&](const std::vector<float>& data, int64_t offset, int64_t d, const char* slot) {
    io.require(offset >= 0 && offset + d <= static_cast<int64_t>(data.size()), slot,
               "KV row outside the cache (block id or length out of range)");
    return offset;
  };
  std::vector<double> scores;
  // Row offsets of each visible KV position, resolved (block table, checks)
  // once per sequence and KV head instead of once per query head and token.
  std::vector<int64_t> key_rows, value_rows, rope_rows;
  for (int64_t b = 0; b < g.batch; ++b) {
    const int64_t s_len = g.q_lens[b], kv_len = g.kv_lens[b];
    for (int64_t kv = 0; kv < g.kv_heads; ++kv) {
      key_rows.resize(static_cast<size_t>(kv_len));
      value_rows.resize(static_cast<size_t>(kv_len));
      rope_rows.resize(g.mla ? static_cast<size_t>(kv_len) : 0);
      for (int64_t j = 0; j < kv_len; ++j) {
        key_rows[j] = row(key, kv_offset(b, j, kv, g.key_head_dim, g.kv_heads), g.head_dim, "key");
        value_rows[j] = row(value, kv_offset(b, j, kv, g.value_dim, g.kv_heads), g.value_dim, "value");
        if (g.mla) rope_rows[j] = row(*key_rope, kv_offset(b, j, 0, g.key_rope_dim, 1), g.rope_dim, "key_rope");
      }
      for (int64_t h = kv * group; h < (kv + 1) * group; ++h) {
        for (int64_t i = 0; i < s_len; ++i) {
          const int64_t t = g.q_starts[b] + i;
          const Window win = visible(mode, i, s_len, kv_len, pre, next);
          scores.assign(static_cast<size_t>(std::max<int64_t>(0, win.last - win.first)), 0.0);
          double best = -std::numeric_limits<double>::infinity();
          const float* q_row = &query[qi(b, i, t, h, 0)];
          const float* q_rope = g.mla ? &(*query_rope)[qri(b, i, t, h, 0)] : nullptr;
          for (int64_t j = win.first; j < win.last; ++j) {
            double s = -std::numeric_limits<double>::infinity();
            if (!masked(b, i, j)) {
              double dot = dot_product(q_row, &key[key_rows[j]], g.head_dim);
              if (g.mla) dot += dot_product(q_rope, &(*key_rope)[rope_rows[j]], g.rope_dim);
              s = dot * scale;
            }
            scores[j - win.first] = s;
            best = std::max(best, s);
          }
          if (best == -std::numeric_limits<double>::infinity()) continue;  // fully masked row: zeros
          double sum = 0;
          for (double& s : scores) sum += (s = std::exp(s - best));
          std::fill(acc.begin(), acc.end(), 0.0);
          for (int64_t j = win.first; j < win.last; ++j) {
            const double p = scores[j - win.first] / sum;
            if (p == 0) continue;
            const float* v_row = &value[value_rows[j]];
            for (int64_t d = 0; d < g.value_dim; ++d) acc[d] += p * v_row[d];
          }
          const int64_t oo = oi(b, i, t, h, 0);
          for (int64_t d = 0; d < g.value_dim; ++d) out[oo + d] = static_cast<float>(acc[d]);
        }
      }
    }
  }
  io.store("attention_out", out);
}
}  // namespace

OpDefinition fused_infer_attention_score_op() {
  return {"FusedInferAttentionScore", "attention",
          "prompt/incremental attention, paged or contiguous KV, GQA and MLA", facts, work, compute};
}

}  // namespace npusim::device
