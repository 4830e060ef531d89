// `npusim stream`: the op stream the engine issues for a model and workload,
// recorded from a timing-mode device (constraints and memory are enforced as
// the engine issues; a refusal ends the stream where the real stack fails).
#include <iostream>

#include "device_model/config/device_config.h"
#include "device_model/runtime/device.h"
#include "engine/engine.h"
#include "op_stream/failure.h"
#include "op_stream/op_stream.h"
#include "sim/cli_options.h"

namespace npusim::sim {

int command_stream(const Args& args) {
  return guarded("stream", [&] {
    po::options_description options("options");
    std::string model_path, output, preset, mode;
    std::vector<std::string> patch_args, sets;
    engine::Workload w;
    options.add_options()("model", po::value(&model_path)->required(), "HF config.json (or a shipped model name)")(
        "phase", po::value(&w.phase)->default_value("decode"), "prefill | decode (prefill then decode steps)")(
        "batch", po::value(&w.batch)->default_value(1), "sequences")(
        "seq", po::value(&w.prompt_len)->default_value(128), "prompt tokens per sequence")(
        "steps", po::value(&w.decode_steps)->default_value(1), "decode steps")(
        "tp", po::value(&w.tp)->default_value(1), "tensor-parallel ranks (the stream is rank 0's)")(
        "dtype", po::value(&w.dtype)->default_value("bfloat16"), "bfloat16 | float16")(
        "eager", "decode without the graph runner")(
        "quantization", po::value(&w.quantization)->default_value("none"), "none | w8a8")(
        "spec", po::value(&w.spec.method)->default_value("none"), "speculative decoding: none | dflash | nextn")(
        "draft-model", po::value(&w.spec.draft_model), "draft config (dflash)")(
        "patch", po::value(&patch_args)->composing(), "ID=on|off (repeatable; all fixes on by default)")(
        "device", po::value(&preset)->default_value("ascend910b"), "device preset whose constraints apply")(
        "set", po::value(&sets)->composing(), "override a preset key: KEY=VALUE (repeatable)")(
        "mode", po::value(&mode)->default_value("timing"), "timing (full size, shapes) | functional (tiny, values)")(
        "output,o", po::value(&output), "write the stream here (default: stdout)");
    po::positional_options_description positional;
    po::variables_map vm;
    if (!parse_command_line("stream", "--model CONFIG.json --phase prefill|decode --batch B --seq S [--tp N] "
                            "[--patch ID=off]... [-o FILE.jsonl]", args, options, positional, vm))
      return kExitOk;
    if (mode != "timing" && mode != "functional") throw UsageError("--mode must be timing or functional");
    w.use_graph = !vm.count("eager");
    w.validate();
    engine::PatchSet patches;
    for (const auto& p : patch_args) patches.apply(p);
    engine::ModelConfig model = engine::load_model(model_path);
    if (mode == "functional") model = engine::tiny_variant(model);
    const auto config = device::DeviceConfig::load(preset, sets);
    device::Device dev(config, mode == "functional");
    int status = kExitOk;
    try {
      engine::run_engine(model, w, patches, dev);
    } catch (const FailureError& e) {
      std::cerr << "npusim stream: the device refused the stream at record " << dev.records().size() << ": "
                << e.failure().to_string() << "\n(the stream up to that record is written)\n";
      status = kExitSimulatedFailure;
    }
    OpStream stream;
    stream.source = "npusim engine";
    stream.meta.set("model", model_path).set("phase", w.phase).set("batch", w.batch).set("seq", w.prompt_len)
        .set("tp", w.tp).set("dtype", w.dtype).set("mode", mode).set("device", config.name());
    for (const auto& [id, on] : patches.states()) stream.meta.set("patch." + id, on);
    stream.records = dev.records();
    if (output.empty())
      write_op_stream(std::cout, stream);
    else
      write_op_stream_file(output, stream);
    return status;
  });
}

}  // namespace npusim::sim
