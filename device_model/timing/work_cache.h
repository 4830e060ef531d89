// Shares one OpWork between ops that cost the same. Cost functions
// (OpDefinition::work) read an op's name, its slots' shapes, dtypes and
// layouts, and its attributes, never its buffers, offsets, stream or origin:
// so every layer's copy of an op, with the same shapes in other buffers, has
// the same work. A plan looks each op up here first; an op's work is computed
// once per distinct shape, and the analytic model times each entry once.
#pragma once
#include <cstdint>
#include <functional>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "op_stream/op_call.h"

namespace npusim::device {

class WorkCache {
 public:
  // The work entry of an op that costs the same as `call`; the first such op
  // gets the entry `add_work` returns (it computes the work and stores it).
  int64_t find_or_add(const OpCall& call, const std::function<int64_t()>& add_work);

 private:
  // Keyed by the bytes of what a cost function reads (a flat buffer hashes
  // and compares much faster than the call's maps and vectors). The keys'
  // bytes live in keys_; a lookup writes into the reused buffer_.
  std::unordered_map<std::string_view, int64_t> entries_;
  std::deque<std::string> keys_;
  std::string buffer_;
};

}  // namespace npusim::device
