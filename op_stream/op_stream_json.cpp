// JSON Lines encoding of op streams (schema: docs/OP_STREAM.md).
#include <cfloat>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "op_stream/did_you_mean.h"
#include "op_stream/failure.h"
#include "op_stream/op_stream.h"

namespace npusim {
namespace {
using json = nlohmann::json;

json attr_to_json(const AttrValue& value) {
  struct Visitor {
    json operator()(std::monostate) const { return nullptr; }
    json operator()(bool b) const { return b; }
    json operator()(int64_t i) const { return i; }
    json operator()(double d) const { return d; }
    json operator()(const std::string& s) const { return s; }
    json operator()(const std::vector<int64_t>& v) const { return v; }
  };
  return std::visit(Visitor{}, value);
}

json attrs_to_json(const Attrs& attrs) {
  json out = json::object();
  for (const auto& [name, value] : attrs.values()) out[name] = attr_to_json(value);
  return out;
}

json slots_to_json(const std::vector<NamedTensor>& slots) {
  json out = json::array();
  for (const auto& slot : slots) {
    json t = {{"name", slot.name}};
    if (!slot.tensor) {
      t["none"] = true;
    } else {
      const TensorRef& r = *slot.tensor;
      t["buffer"] = r.buffer;
      t["offset_bytes"] = r.offset_bytes;
      t["shape"] = r.shape;
      t["dtype"] = std::string(dtype_name(r.dtype));
      if (!r.layout.empty()) t["layout"] = r.layout;
    }
    out.push_back(std::move(t));
  }
  return out;
}

class LineParser {
 public:
  LineParser(const std::string& file, int line) : where_(file + ":" + std::to_string(line)) {}

  [[noreturn]] void fail(const std::string& what, const std::string& expected) const {
    Failure f;
    f.kind = "input";
    f.op = "op_stream";
    f.where = where_;
    f.message = what + (expected.empty() ? "" : ", expected " + expected);
    throw FailureError(f);
  }

  void check_keys(const json& obj, const std::set<std::string>& allowed, const char* context) const {
    for (const auto& item : obj.items())
      if (!allowed.count(item.key()))
        fail("unknown key '" + item.key() + "' in " + context +
                 did_you_mean(item.key(), std::vector<std::string>(allowed.begin(), allowed.end())),
             "one of " + join(allowed));
  }

  int64_t integer(const json& obj, const char* key, int64_t fallback, bool required = false) const {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) fail(std::string("missing key '") + key + "'", "an integer");
      return fallback;
    }
    if (!it->is_number_integer()) fail(std::string("'") + key + "' is " + it->type_name(), "an integer");
    return it->get<int64_t>();
  }

  std::string string(const json& obj, const char* key, bool required = false) const {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) fail(std::string("missing key '") + key + "'", "a string");
      return "";
    }
    if (!it->is_string()) fail(std::string("'") + key + "' is " + it->type_name(), "a string");
    return it->get<std::string>();
  }

  AttrValue attr(const std::string& name, const json& v) const {
    if (v.is_null()) return std::monostate{};
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_float()) return v.get<double>();
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {
      std::vector<int64_t> out;
      for (const auto& e : v) {
        if (!e.is_number_integer()) fail("attribute '" + name + "' holds a non-integer list element", "a list of integers");
        out.push_back(e.get<int64_t>());
      }
      return out;
    }
    fail("attribute '" + name + "' is " + v.type_name(), "null, bool, number, string or integer list");
  }

  Attrs attrs(const json& obj) const {
    if (!obj.is_object()) fail("'attrs' is " + std::string(obj.type_name()), "an object");
    Attrs out;
    for (const auto& item : obj.items()) out.set(item.key(), attr(item.key(), item.value()));
    return out;
  }

  std::vector<NamedTensor> slots(const json& arr, const char* key) const {
    if (!arr.is_array()) fail(std::string("'") + key + "' is " + arr.type_name(), "an array of tensors");
    std::vector<NamedTensor> out;
    for (const auto& t : arr) {
      if (!t.is_object()) fail(std::string("an entry of '") + key + "' is " + t.type_name(), "a tensor object");
      check_keys(t, {"name", "none", "buffer", "offset_bytes", "shape", "dtype", "layout"}, key);
      NamedTensor slot{string(t, "name", true), std::nullopt};
      if (t.contains("none") && !t["none"].is_boolean()) fail("'none' is " + std::string(t["none"].type_name()), "true or false");
      if (t.value("none", false)) {
        out.push_back(std::move(slot));
        continue;
      }
      TensorRef r;
      r.buffer = integer(t, "buffer", -1, true);
      r.offset_bytes = integer(t, "offset_bytes", 0);
      if (r.offset_bytes < 0) fail("tensor '" + slot.name + "' has negative offset_bytes", "offset_bytes >= 0");
      auto shape = t.find("shape");
      if (shape == t.end() || !shape->is_array()) fail("tensor '" + slot.name + "' has no shape array", "\"shape\": [d0, d1, ...]");
      for (const auto& d : *shape) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0)
          fail("tensor '" + slot.name + "' has an invalid dimension " + d.dump(), "non-negative integers");
        r.shape.push_back(d.get<int64_t>());
      }
      const std::string dtype = string(t, "dtype", true);
      auto parsed = parse_dtype(dtype);
      if (!parsed) fail("tensor '" + slot.name + "' has unknown dtype '" + dtype + "'", "float32, float16, bfloat16, int8, int32, int64 or bool");
      r.dtype = *parsed;
      if (!fits_in_address_space(r)) fail("tensor '" + slot.name + "' of shape " + shape_string(r.shape) + " at offset " + std::to_string(r.offset_bytes) + " does not fit in a 64-bit address space", "a tensor no larger than a device");
      r.layout = string(t, "layout");
      slot.tensor = std::move(r);
      out.push_back(std::move(slot));
    }
    return out;
  }

  OpCall record(const json& j) const {
    if (!j.is_object()) fail("record is " + std::string(j.type_name()), "a JSON object");
    check_keys(j, {"kind", "op", "inputs", "outputs", "attrs", "stream", "origin", "buffer", "bytes", "name", "data"}, "record");
    OpCall call;
    const std::string kind = string(j, "kind", true);
    auto parsed = parse_record_kind(kind);
    if (!parsed) fail("unknown record kind '" + kind + "'", "op, alloc, free, write, fill, read, graph_begin, graph_end, graph_replay, graph_update or synchronize");
    call.kind = *parsed;
    call.op = string(j, "op");
    if (call.kind == RecordKind::op && call.op.empty()) fail("op record without 'op'", "an operator name");
    if (j.contains("inputs")) call.inputs = slots(j["inputs"], "inputs");
    if (j.contains("outputs")) call.outputs = slots(j["outputs"], "outputs");
    if (j.contains("attrs")) call.attrs = attrs(j["attrs"]);
    call.stream = static_cast<int>(integer(j, "stream", 0));
    if (call.stream < 0) fail("negative stream id", "stream >= 0");
    if (j.contains("origin")) {
      const json& o = j["origin"];
      if (!o.is_object()) fail("'origin' is " + std::string(o.type_name()), "an object");
      check_keys(o, {"layer", "module", "phase"}, "origin");
      call.origin.layer = static_cast<int>(integer(o, "layer", -1));
      call.origin.module = string(o, "module");
      call.origin.phase = string(o, "phase");
    }
    call.buffer = integer(j, "buffer", -1, call.kind == RecordKind::alloc || call.kind == RecordKind::free);
    call.bytes = integer(j, "bytes", 0, call.kind == RecordKind::alloc);
    if (call.bytes < 0) fail("negative 'bytes'", "bytes >= 0");
    call.name = string(j, "name");
    if (j.contains("data")) {
      const json& d = j["data"];
      if (!d.is_array()) fail("'data' is " + std::string(d.type_name()), "an array of numbers");
      auto values = std::make_shared<std::vector<float>>();
      values->reserve(d.size());
      for (const auto& v : d) {
        if (!v.is_number()) fail("'data' holds " + std::string(v.type_name()), "numbers");
        if (std::fabs(v.get<double>()) > FLT_MAX) fail("'data' holds " + v.dump() + ", beyond float32", "float32 values");
        values->push_back(v.get<float>());
      }
      call.data = std::move(values);
    }
    return call;
  }

 private:
  // offset + numel * element size without signed overflow.
  static bool fits_in_address_space(const TensorRef& r) {
    int64_t bytes = dtype_size_bytes(r.dtype);
    for (int64_t d : r.shape)
      if (__builtin_mul_overflow(bytes, d, &bytes)) return false;
    return !__builtin_add_overflow(bytes, r.offset_bytes, &bytes);
  }
  static std::string join(const std::set<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
  }
  std::string where_;
};
}  // namespace

std::string record_to_json_line(const OpCall& call) {
  json j = {{"kind", std::string(record_kind_name(call.kind))}};
  if (!call.op.empty()) j["op"] = call.op;
  if (!call.inputs.empty()) j["inputs"] = slots_to_json(call.inputs);
  if (!call.outputs.empty()) j["outputs"] = slots_to_json(call.outputs);
  if (!call.attrs.values().empty()) j["attrs"] = attrs_to_json(call.attrs);
  if (call.stream != 0) j["stream"] = call.stream;
  if (call.origin.layer >= 0 || !call.origin.module.empty() || !call.origin.phase.empty()) {
    json o = json::object();
    if (call.origin.layer >= 0) o["layer"] = call.origin.layer;
    if (!call.origin.module.empty()) o["module"] = call.origin.module;
    if (!call.origin.phase.empty()) o["phase"] = call.origin.phase;
    j["origin"] = std::move(o);
  }
  if (call.buffer >= 0) j["buffer"] = call.buffer;
  if (call.bytes != 0) j["bytes"] = call.bytes;
  if (!call.name.empty()) j["name"] = call.name;
  if (call.data) j["data"] = *call.data;
  return j.dump();
}

void write_op_stream(std::ostream& out, const OpStream& stream) {
  json header = {{"schema", kOpStreamSchema}, {"version", kOpStreamVersion}, {"source", stream.source},
                 {"meta", attrs_to_json(stream.meta)}};
  out << header.dump() << '\n';
  for (const auto& call : stream.records) out << record_to_json_line(call) << '\n';
}

void write_op_stream_file(const std::string& path, const OpStream& stream) {
  std::ofstream out(path);
  if (!out) throw FailureError({"input", "op_stream", "", "", "", "cannot open '" + path + "' for writing", "check the directory exists", path});
  write_op_stream(out, stream);
}

OpStream read_op_stream(std::istream& in, const std::string& file_name) {
  OpStream stream;
  std::string line;
  int line_number = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    LineParser parser(file_name, line_number);
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded()) parser.fail("malformed JSON", "one JSON object per line");
    if (!have_header) {
      if (!j.is_object() || !j.contains("schema") || j["schema"] != kOpStreamSchema)
        parser.fail("first line is not an op-stream header", std::string("{\"schema\": \"") + kOpStreamSchema + "\", \"version\": 1, ...}");
      parser.check_keys(j, {"schema", "version", "source", "meta"}, "header");
      const int64_t version = parser.integer(j, "version", 0, true);
      if (version != kOpStreamVersion)
        parser.fail("unsupported op-stream version " + std::to_string(version), "version " + std::to_string(kOpStreamVersion));
      stream.source = parser.string(j, "source");
      if (j.contains("meta")) stream.meta = parser.attrs(j["meta"]);
      have_header = true;
      continue;
    }
    stream.records.push_back(parser.record(j));
    stream.record_lines.push_back(line_number);
  }
  if (!have_header) LineParser(file_name, line_number).fail("empty op stream", "a header line");
  return stream;
}

OpStream read_op_stream_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw FailureError({"input", "op_stream", "", "", "", "cannot open '" + path + "'", "check the path", path});
  return read_op_stream(in, path);
}

}  // namespace npusim
