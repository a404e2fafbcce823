// observe::SpaceListCache on a FakeClock: one list per owner while fresh, a shorter age for a
// caller that asks for it, Invalidate forcing the next list, an Invalidate during a list not
// trusted, and errors passed on.
#include "observe/space_list_cache.h"

#include <gtest/gtest.h>

namespace spaceport::observe {
namespace {

hub::SpaceInfo Info(const std::string& id, const std::string& sha) {
  hub::SpaceInfo i;
  i.id = id;
  i.sha = sha;
  return i;
}

class SpaceListCacheTest : public ::testing::Test {
 protected:
  SpaceListCache::Lister Lister() {
    return [this](const std::string& owner) -> Result<std::vector<hub::SpaceInfo>> {
      ++calls_[owner];
      if (on_list_) on_list_();
      if (!fail_.ok()) return fail_;
      return std::vector<hub::SpaceInfo>{Info(owner + "/a", sha_), Info(owner + "/b", sha_)};
    };
  }
  FakeClock clock_;
  SpaceListCache cache_{clock_, std::chrono::minutes(1)};
  std::map<std::string, int> calls_;
  std::string sha_ = "s1";
  Status fail_;
  std::function<void()> on_list_;
};

TEST_F(SpaceListCacheTest, OneListServesEverySpaceOfTheOwnerUntilItIsAMinuteOld) {
  for (int i = 0; i < 10; ++i) {
    auto a = cache_.Find("acme/a", Lister());
    auto b = cache_.Find("acme/b", Lister());
    ASSERT_TRUE(a.ok() && *a && b.ok() && *b);
  }
  EXPECT_EQ(calls_["acme"], 1);
  sha_ = "s2";
  clock_.Advance(std::chrono::seconds(61));
  auto a = cache_.Find("acme/a", Lister());
  EXPECT_EQ((*a)->sha.value_or(""), "s2");
  EXPECT_EQ(calls_["acme"], 2);
  EXPECT_TRUE(cache_.Find("other/a", Lister()).ok());
  EXPECT_EQ(calls_["other"], 1);
}

TEST_F(SpaceListCacheTest, ACallerWithAShortIntervalGetsAListingNoOlderThanIt) {
  ASSERT_TRUE(cache_.Find("acme/a", Lister()).ok());
  clock_.Advance(std::chrono::seconds(3));
  ASSERT_TRUE(cache_.Find("acme/a", Lister(), std::chrono::seconds(10)).ok());
  EXPECT_EQ(calls_["acme"], 1);
  ASSERT_TRUE(cache_.Find("acme/a", Lister(), std::chrono::seconds(2)).ok());
  EXPECT_EQ(calls_["acme"], 2);
}

TEST_F(SpaceListCacheTest, ASpaceTheListingDoesNotNameIsNulloptAndInvalidateListsAgain) {
  auto missing = cache_.Find("acme/zzz", Lister());
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  cache_.Invalidate("acme/a");
  ASSERT_TRUE(cache_.Find("acme/b", Lister()).ok());
  EXPECT_EQ(calls_["acme"], 2);
}

TEST_F(SpaceListCacheTest, AnInvalidateWhileListingIsNotTrustedAndTheCallerReadsTheSpaceItself) {
  on_list_ = [this] { cache_.Invalidate("acme/a"); on_list_ = nullptr; };
  auto a = cache_.Find("acme/a", Lister());
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->has_value());  // the caller falls back to an info request
  ASSERT_TRUE(cache_.Find("acme/a", Lister()).ok());
  EXPECT_EQ(calls_["acme"], 2);
}

TEST_F(SpaceListCacheTest, AFailedListIsReturnedAndNotRemembered) {
  fail_ = Status(StatusCode::kResourceExhausted, "429 from the Hub");
  EXPECT_EQ(cache_.Find("acme/a", Lister()).status().code(), StatusCode::kResourceExhausted);
  fail_ = Status::Ok();
  auto a = cache_.Find("acme/a", Lister());
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ(calls_["acme"], 2);
}

}  // namespace
}  // namespace spaceport::observe
