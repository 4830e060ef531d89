#include "engine/spec/speculative.h"

#include "engine/spec/dflash_runner.h"
#include "engine/spec/nextn_runner.h"
#include "op_stream/did_you_mean.h"
#include "op_stream/failure.h"

namespace npusim::engine::spec {

namespace {
constexpr const char* kDefaultDflashDraft = "qwen3-8b-dflash-b16";
}

bool is_speculative(const Workload& workload) { return workload.spec.method != "none"; }

ModelConfig dflash_draft_config(const Workload& workload, bool functional) {
  ModelConfig draft =
      load_model(workload.spec.draft_model.empty() ? kDefaultDflashDraft : workload.spec.draft_model);
  return functional ? tiny_variant(draft) : draft;
}

EngineResult run_speculative(const ModelConfig& config, const Workload& workload,
                             const PatchSet& patches, OpSink& sink) {
  const std::string& method = workload.spec.method;
  if (method == "dflash")
    return run_dflash(config, dflash_draft_config(workload, sink.functional()), workload, patches,
                      sink);
  if (method == "nextn") return run_nextn(config, workload, patches, sink);
  throw FailureError(Failure{"input", "workload", "spec.method", method, "spec.method",
                             "unknown speculative method '" + method + "'" +
                                 did_you_mean(method, {"none", "dflash", "nextn"}),
                             "use none, dflash or nextn", ""});
}

EngineResult run_plain_greedy(const ModelConfig& config, const Workload& workload, const PatchSet& patches,
                              OpSink& sink) {
  Workload plain = workload;
  plain.spec.method = "none";
  if (workload.spec.method == "dflash") return run_target_greedy(config, plain, sink);
  if (workload.spec.method == "nextn") return run_nextn(config, plain, patches, sink);
  return run_engine(config, plain, patches, sink);
}

}  // namespace npusim::engine::spec
