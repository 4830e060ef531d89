// A whole op stream and its JSON Lines form. The schema is documented in
// docs/OP_STREAM.md; export followed by import is bit-identical.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "op_stream/attrs.h"
#include "op_stream/op_call.h"

namespace npusim {

constexpr const char* kOpStreamSchema = "npusim.op_stream";
constexpr int kOpStreamVersion = 1;

struct OpStream {
  std::string source;  // who produced it: "npusim engine", "torch capture", ...
  Attrs meta;          // model, phase, batch, tp, patches ...
  std::vector<OpCall> records;
  std::vector<int> record_lines;  // source line of each record when read from a file, for errors
  bool operator==(const OpStream& other) const {
    return source == other.source && meta == other.meta && records == other.records;
  }
};

// One record as one JSON line (no trailing newline).
std::string record_to_json_line(const OpCall& call);
void write_op_stream(std::ostream& out, const OpStream& stream);
void write_op_stream_file(const std::string& path, const OpStream& stream);

// Throws FailureError{kind="input", where="FILE:LINE"} on malformed input.
OpStream read_op_stream(std::istream& in, const std::string& file_name);
OpStream read_op_stream_file(const std::string& path);

}  // namespace npusim
