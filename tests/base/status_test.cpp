#include "base/status.h"

#include <gtest/gtest.h>

namespace spaceport {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return InvalidArgument("must be positive");
  return v;
}

TEST(Status, ResultCarriesValueOrStatus) {
  auto good = ParsePositive(3);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);
  auto bad = ParsePositive(0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().ToString(), "InvalidArgument: must be positive");
  EXPECT_EQ(Status().ToString(), "OK");
}

}  // namespace
}  // namespace spaceport
