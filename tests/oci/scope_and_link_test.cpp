#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/link_header.h"
#include "clients/oci/scope.h"

namespace spaceport::oci {
namespace {

using ::testing::ElementsAre;

TEST(Scope, AMountTokenAsksForSourcePullAndDestinationPullPush) {
  ScopeSet s{Scope::Pull("owner/app"), Scope::Push("owner/app-hf")};
  EXPECT_THAT(s.Strings(),
              ElementsAre("repository:owner/app:pull", "repository:owner/app-hf:pull,push"));
}

TEST(Scope, ActionsOfOneRepositoryMergeInConventionalOrder) {
  ScopeSet s;
  s.AddParsed("repository:o/a:push repository:o/a:pull registry:catalog:*");
  EXPECT_THAT(s.Strings(), ElementsAre("registry:catalog:*", "repository:o/a:pull,push"));
}

TEST(Scope, NamesMayContainColonsBecauseTheSplitIsAtTheFirstAndLastOne) {
  auto s = Scope::Parse("repository:host:5000/o/a:pull");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->name, "host:5000/o/a");
  EXPECT_FALSE(Scope::Parse("repository").has_value());
}

TEST(Scope, CoversIsTrueOnlyWhenEveryActionIsIncluded) {
  ScopeSet push{Scope::Push("o/a")};
  ScopeSet pull{Scope::Pull("o/a")};
  ScopeSet other{Scope::Pull("o/b")};
  EXPECT_TRUE(push.Covers(pull));
  EXPECT_FALSE(pull.Covers(push));
  EXPECT_FALSE(push.Covers(other));
  ScopeSet star;
  star.AddParsed("repository:o/a:*");
  EXPECT_TRUE(star.Covers(push));
}

TEST(LinkHeader, FindsTheNextPageInTheFormsRegistriesSend) {
  struct Case {
    std::string name;
    std::vector<std::string> values;
    std::optional<std::string> next;
  };
  const Case cases[] = {
      {"the distribution-spec form is read",
       {R"(</v2/o/a/tags/list?last=b&n=2>; rel="next")"},
       "/v2/o/a/tags/list?last=b&n=2"},
      {"an unquoted rel is accepted", {"</v2/x?n=1>; rel=next"}, "/v2/x?n=1"},
      {"a joined header with a prev link first still yields next",
       {R"(</v2/x?p=1>; rel="prev", </v2/x?last=a,b>; rel="next")"},
       "/v2/x?last=a,b"},
      {"a rel list containing next counts",
       {R"(<https://r/v2/x>; title="a;b"; rel="last next")"},
       "https://r/v2/x"},
      {"the second of two separate headers is searched",
       {R"(</a>; rel="prev")", R"(</b>; rel="next")"},
       "/b"},
      {"no next link means the last page", {R"(</a>; rel="prev")"}, std::nullopt},
      {"no header at all means the last page", {}, std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(http::NextLink(c.values), c.next);
  }
}

}  // namespace
}  // namespace spaceport::oci

namespace spaceport::oci {
namespace {

TEST(Scope, TheRequestsOwnResourcesComeFirstInTokenParameters) {
  ScopeSet all{Scope::Pull("a/src"), Scope::Push("z/dst")};
  ScopeSet needed{Scope::Pull("z/dst")};
  EXPECT_THAT(all.StringsWithFirst(needed),
              ::testing::ElementsAre("repository:z/dst:pull,push", "repository:a/src:pull"));
}

}  // namespace
}  // namespace spaceport::oci
