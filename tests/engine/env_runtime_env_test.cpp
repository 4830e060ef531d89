// RuntimeEnv: declared variables, defaults, and the scoped vs unscoped override
// behaviour behind the sglang#25524 review point.
#include <gtest/gtest.h>

#include <stdexcept>

#include "engine/runtime_env/runtime_env.h"
#include "engine/runtime_env/scoped_env_override.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {

constexpr const char* kBf16Dispatch = "SGLANG_DEEPEP_BF16_DISPATCH";

TEST(RuntimeEnv, UnknownVariableIsAConfigErrorWithSuggestion) {
  RuntimeEnv env;
  try {
    env.flag("SGLANG_DEEPEP_BF16_DISPATCHH");
    FAIL() << "expected a config failure";
  } catch (const FailureError& error) {
    EXPECT_EQ(error.failure().kind, "config");
    EXPECT_NE(error.failure().message.find(kBf16Dispatch), std::string::npos);
  }
}

TEST(RuntimeEnv, DefaultsComeFromTheDeclarationAndChangedListsOnlyDifferences) {
  RuntimeEnv env;
  EXPECT_FALSE(env.flag(kBf16Dispatch));
  EXPECT_TRUE(env.changed().empty());
  env.set(kBf16Dispatch, true);
  EXPECT_TRUE(env.flag(kBf16Dispatch));
  EXPECT_EQ(env.changed().size(), 1u);
  env.reset(kBf16Dispatch);
  EXPECT_FALSE(env.flag(kBf16Dispatch));
}

TEST(ScopedEnvOverride, RestoresThePreviousValueWhenTheScopeThrows) {
  RuntimeEnv env;
  env.set(kBf16Dispatch, false);  // explicit value must come back, not the default
  try {
    ScopedEnvOverride guard(env, kBf16Dispatch, true);
    EXPECT_TRUE(env.flag(kBf16Dispatch));
    throw std::runtime_error("draft forward failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(env.flag(kBf16Dispatch));
  EXPECT_EQ(env.explicit_value(kBf16Dispatch), std::optional<bool>(false));
}

TEST(ScopedEnvOverride, NestedGuardsUnwindInOrder) {
  RuntimeEnv env;
  {
    ScopedEnvOverride outer(env, kBf16Dispatch, true);
    {
      ScopedEnvOverride inner(env, kBf16Dispatch, false);
      EXPECT_FALSE(env.flag(kBf16Dispatch));
    }
    EXPECT_TRUE(env.flag(kBf16Dispatch));
  }
  EXPECT_FALSE(env.explicit_value(kBf16Dispatch).has_value());
}

// The pre-fix shape: set, run, reset by hand. An exception skips the reset.
TEST(RuntimeEnv, UnscopedSetAndResetLeaksWhenTheBodyThrows) {
  RuntimeEnv env;
  auto unscoped_forward = [&](bool fail) {
    env.set(kBf16Dispatch, true);
    if (fail) throw std::runtime_error("draft forward failed");
    env.reset(kBf16Dispatch);
  };
  unscoped_forward(false);
  EXPECT_FALSE(env.flag(kBf16Dispatch));
  EXPECT_THROW(unscoped_forward(true), std::runtime_error);
  EXPECT_TRUE(env.flag(kBf16Dispatch));
  EXPECT_EQ(env.changed().count(kBf16Dispatch), 1u);
}

}  // namespace
}  // namespace npusim::engine
