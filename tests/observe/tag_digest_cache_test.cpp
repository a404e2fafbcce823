// observe::TagDigestCache on a FakeClock: one HEAD per tag while fresh, shared across callers; a
// shorter age for a caller that asks for it; absent tags and errors never kept; an invalidation
// forcing the next HEAD and a HEAD in flight during one not kept; bounded.
#include "observe/tag_digest_cache.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace spaceport::observe {
namespace {

using std::chrono::seconds;

class TagDigestCacheTest : public ::testing::Test {
 protected:
  // A HEAD of `tag` that answers the digest the test put in `digests_` (kNotFound when none).
  TagDigestCache::Head Head(const std::string& tag) {
    return [this, tag]() -> Result<oci::Descriptor> {
      ++heads_[tag];
      if (during_head_) during_head_();
      if (!fail_.ok()) return fail_;
      auto it = digests_.find(tag);
      if (it == digests_.end()) return Status(StatusCode::kNotFound, "manifest unknown");
      oci::Descriptor d;
      d.digest = it->second;
      return d;
    };
  }
  std::string DigestOf(const std::string& tag, std::optional<Clock::Duration> younger = std::nullopt) {
    auto d = cache_.Resolve(kRepo, tag, Head(tag), younger);
    return d.ok() ? d->digest : "error: " + d.status().message();
  }

  static constexpr const char* kRepo = "ghcr.io/acme/app";
  FakeClock clock_;
  TagDigestCache cache_{clock_, seconds(30), 4};
  std::map<std::string, std::string> digests_ = {{"v1", "sha256:one"}, {"hf-amd64-v1", "sha256:wrap"}};
  std::map<std::string, int> heads_;
  Status fail_;
  std::function<void()> during_head_;
};

TEST_F(TagDigestCacheTest, OneHeadServesEveryCallerUntilTheDigestIsMaxAgeOld) {
  for (int i = 0; i < 100; ++i) EXPECT_EQ(DigestOf("v1"), "sha256:one");
  EXPECT_EQ(heads_["v1"], 1);
  EXPECT_EQ(cache_.hits(), 99);
  EXPECT_EQ(cache_.misses(), 1);

  digests_["v1"] = "sha256:moved";  // pushed outside Spaceport
  clock_.Advance(seconds(29));
  EXPECT_EQ(DigestOf("v1"), "sha256:one");  // the documented staleness: up to max_age
  clock_.Advance(seconds(1));
  EXPECT_EQ(DigestOf("v1"), "sha256:moved");
  EXPECT_EQ(heads_["v1"], 2);
}

TEST_F(TagDigestCacheTest, ACallerWithAShorterIntervalGetsADigestNoOlderThanIt) {
  ASSERT_EQ(DigestOf("v1"), "sha256:one");
  clock_.Advance(seconds(3));
  EXPECT_EQ(DigestOf("v1", seconds(10)), "sha256:one");
  EXPECT_EQ(heads_["v1"], 1);
  EXPECT_EQ(DigestOf("v1", seconds(2)), "sha256:one");
  EXPECT_EQ(heads_["v1"], 2);
}

TEST_F(TagDigestCacheTest, AnAbsentTagIsAskedForEveryTimeSoItsPushIsSeenAtOnce) {
  EXPECT_EQ(DigestOf("v2"), "error: manifest unknown");
  EXPECT_EQ(DigestOf("v2"), "error: manifest unknown");
  EXPECT_EQ(heads_["v2"], 2);
  digests_["v2"] = "sha256:two";
  EXPECT_EQ(DigestOf("v2"), "sha256:two");
}

TEST_F(TagDigestCacheTest, AnErrorIsPassedOnAndNotKept) {
  fail_ = Status(StatusCode::kUnavailable, "registry down");
  EXPECT_EQ(DigestOf("v1"), "error: registry down");
  fail_ = Status::Ok();
  EXPECT_EQ(DigestOf("v1"), "sha256:one");
  EXPECT_EQ(heads_["v1"], 2);
}

TEST_F(TagDigestCacheTest, InvalidatingTheRepositoryMakesEachOfItsTagsAskedAgainAndNoOtherRepository) {
  ASSERT_EQ(DigestOf("v1"), "sha256:one");
  ASSERT_EQ(DigestOf("hf-amd64-v1"), "sha256:wrap");
  ASSERT_TRUE(cache_.Resolve("ghcr.io/acme/other", "v1", Head("v1")).ok());
  digests_["hf-amd64-v1"] = "sha256:republished";
  cache_.InvalidateRepository(kRepo);
  EXPECT_EQ(DigestOf("hf-amd64-v1"), "sha256:republished");
  EXPECT_EQ(DigestOf("v1"), "sha256:one");
  EXPECT_EQ(heads_["v1"], 3);  // ours twice, the other repository's once
  ASSERT_TRUE(cache_.Resolve("ghcr.io/acme/other", "v1", Head("v1")).ok());
  EXPECT_EQ(heads_["v1"], 3);  // the other repository still cached
}

TEST_F(TagDigestCacheTest, AHeadInFlightWhenTheRepositoryIsInvalidatedIsAnsweredButNotKept) {
  during_head_ = [this] {
    during_head_ = nullptr;
    cache_.InvalidateRepository(kRepo);  // our publish lands while the HEAD is on the wire
  };
  EXPECT_EQ(DigestOf("v1"), "sha256:one");
  EXPECT_EQ(DigestOf("v1"), "sha256:one");
  EXPECT_EQ(heads_["v1"], 2);
  EXPECT_EQ(DigestOf("v1"), "sha256:one");
  EXPECT_EQ(heads_["v1"], 2);
}

TEST_F(TagDigestCacheTest, AFullCacheForgetsEverythingAndStaysBounded) {
  for (int i = 0; i < 4; ++i) digests_["t" + std::to_string(i)] = "sha256:" + std::to_string(i);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(DigestOf("t" + std::to_string(i)), "sha256:" + std::to_string(i));
  digests_["t4"] = "sha256:4";
  ASSERT_EQ(DigestOf("t4"), "sha256:4");  // the fifth: the four are forgotten
  EXPECT_EQ(DigestOf("t4"), "sha256:4");
  EXPECT_EQ(heads_["t4"], 1);
  EXPECT_EQ(DigestOf("t0"), "sha256:0");
  EXPECT_EQ(heads_["t0"], 2);
}

TEST_F(TagDigestCacheTest, MaxAgeZeroKeepsNothing) {
  TagDigestCache off(clock_, seconds(0));
  ASSERT_TRUE(off.Resolve(kRepo, "v1", Head("v1")).ok());
  ASSERT_TRUE(off.Resolve(kRepo, "v1", Head("v1")).ok());
  EXPECT_EQ(heads_["v1"], 2);
}

}  // namespace
}  // namespace spaceport::observe
