#include "engine/spec/greedy_verification.h"

#include <string>

#include "op_stream/failure.h"

namespace npusim::engine::spec {

VerificationResult verify_greedy(const std::vector<int32_t>& draft,
                                 const std::vector<int32_t>& target_argmax) {
  if (target_argmax.size() != draft.size() + 1) {
    throw FailureError(Failure{"input", "verify_greedy", "target_argmax",
                               std::to_string(target_argmax.size()), "spec.verify.lengths",
                               "the target must score every draft token plus the bonus position",
                               "pass draft.size() + 1 target tokens", "engine/spec"});
  }
  VerificationResult result;
  while (result.accepted_drafts < static_cast<int>(draft.size()) &&
         draft[result.accepted_drafts] == target_argmax[result.accepted_drafts]) {
    ++result.accepted_drafts;
  }
  result.emitted_tokens.assign(target_argmax.begin(),
                               target_argmax.begin() + result.accepted_drafts + 1);
  return result;
}

}  // namespace npusim::engine::spec
