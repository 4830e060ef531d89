#include <gtest/gtest.h>

#include <sstream>

#include "op_stream/failure.h"
#include "op_stream/op_stream.h"

namespace npusim {
namespace {

OpStream sample_stream() {
  OpStream s;
  s.source = "test";
  s.meta.set("model", std::string("tiny")).set("tp", int64_t{2});
  OpCall alloc;
  alloc.kind = RecordKind::alloc;
  alloc.buffer = 7;
  alloc.bytes = 4096;
  alloc.name = "model.layers.0.q_proj.weight";
  s.records.push_back(alloc);

  OpCall write;
  write.kind = RecordKind::write;
  write.outputs.push_back({"dst", TensorRef{7, 0, {3}, DType::f32, ""}});
  write.data = std::make_shared<std::vector<float>>(std::vector<float>{0.1f, -3.25e-7f, 1e30f});
  s.records.push_back(write);

  OpCall fia;
  fia.op = "FusedInferAttentionScore";
  fia.inputs.push_back({"query", TensorRef{7, 128, {4, 1, 20, 512}, DType::bf16, "BSND"}});
  fia.inputs.push_back({"atten_mask", std::nullopt});
  fia.outputs.push_back({"attention_out", TensorRef{8, 0, {4, 1, 20, 512}, DType::bf16, "BSND"}});
  fia.attrs.set("num_heads", int64_t{20})
      .set("scale", 0.07216878364870323)
      .set("input_layout", std::string("BSND"))
      .set("actual_seq_lengths_kv", std::vector<int64_t>{17, 33})
      .set("eps", std::monostate{})
      .set("is_neox_style", true);
  fia.stream = 1;
  fia.origin = {3, "model.layers.3.self_attn", "decode"};
  s.records.push_back(fia);

  OpCall replay;
  replay.kind = RecordKind::graph_replay;
  replay.name = "decode_bs4";
  s.records.push_back(replay);
  return s;
}

std::string to_text(const OpStream& s) {
  std::ostringstream out;
  write_op_stream(out, s);
  return out.str();
}

TEST(OpStreamJson, ExportThenImportIsBitIdentical) {
  const OpStream original = sample_stream();
  const std::string text = to_text(original);
  std::istringstream in(text);
  const OpStream back = read_op_stream(in, "mem.jsonl");
  EXPECT_EQ(back, original);
  EXPECT_EQ(to_text(back), text);
  ASSERT_TRUE(back.records[1].data);
  EXPECT_EQ((*back.records[1].data)[1], -3.25e-7f);
  EXPECT_EQ(back.records[2].input("atten_mask"), nullptr);
  EXPECT_TRUE(back.records[2].has_input_slot("atten_mask"));
  EXPECT_EQ(back.records[2].attrs.get_double("scale"), 0.07216878364870323);
  EXPECT_TRUE(back.records[2].attrs.is_null("eps"));
}

Failure read_failure(const std::string& text) {
  std::istringstream in(text);
  try {
    read_op_stream(in, "bad.jsonl");
  } catch (const FailureError& e) {
    return e.failure();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return {};
}

const char* kHeader = R"({"schema":"npusim.op_stream","version":1,"source":"t"})";

TEST(OpStreamJson, MalformedLineIsReportedWithFileAndLine) {
  const Failure f = read_failure(std::string(kHeader) + "\n" + R"({"kind":"op","op":"MatMul"})" + "\n{oops\n");
  EXPECT_EQ(f.kind, "input");
  EXPECT_EQ(f.where, "bad.jsonl:3");
  EXPECT_NE(f.message.find("malformed JSON"), std::string::npos);
}

TEST(OpStreamJson, RejectsUnknownDtypeKindAndKey) {
  EXPECT_NE(read_failure(std::string(kHeader) + "\n" +
                         R"({"kind":"op","op":"Copy","inputs":[{"name":"src","buffer":1,"shape":[2],"dtype":"float8"}]})")
                .message.find("unknown dtype 'float8'"),
            std::string::npos);
  EXPECT_NE(read_failure(std::string(kHeader) + "\n" + R"({"kind":"launch"})").message.find("unknown record kind"),
            std::string::npos);
  EXPECT_NE(read_failure(std::string(kHeader) + "\n" + R"({"kind":"op","op":"Copy","atrs":{}})").message.find("unknown key 'atrs'"),
            std::string::npos);
}

TEST(OpStreamJson, RejectsMissingHeaderAndWrongVersion) {
  EXPECT_EQ(read_failure(R"({"kind":"op","op":"Copy"})").where, "bad.jsonl:1");
  EXPECT_NE(read_failure(R"({"schema":"npusim.op_stream","version":9})").message.find("unsupported op-stream version 9"),
            std::string::npos);
  EXPECT_NE(read_failure("").message.find("empty op stream"), std::string::npos);
}

TEST(OpStreamJson, AllocWithoutBytesIsRejected) {
  const Failure f = read_failure(std::string(kHeader) + "\n" + R"({"kind":"alloc","buffer":3})");
  EXPECT_NE(f.message.find("missing key 'bytes'"), std::string::npos);
}

}  // namespace
}  // namespace npusim
