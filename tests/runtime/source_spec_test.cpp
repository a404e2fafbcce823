// --source values: which source each form makes and how URL, #REF and :PATH are told apart;
// values that are refused and what the refusal says. Then MergeSnapshots: several sources'
// deployments as one, with a deployment or Space declared twice refused on both sides.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/dir_source.h"
#include "runtime/git_source.h"
#include "runtime/source.h"
#include "runtime/source_test_util.h"
#include "spec/loader.h"

namespace spaceport::runtime {
namespace {

using source_test::DeploymentYaml;
using ::testing::HasSubstr;
using ::testing::Not;

struct GitSpecCase {
  const char* spec;
  const char* url;
  const char* ref;
  const char* path;
  const char* describe;  // what --source reads back as
};

TEST(ParseSourceSpec, GitFormsSplitIntoUrlRefAndPath) {
  const GitSpecCase cases[] = {
      {"git:https://github.com/acme/deploy", "https://github.com/acme/deploy", "", "",
       "git:https://github.com/acme/deploy"},
      {"git:https://github.com/acme/deploy#main", "https://github.com/acme/deploy", "main", "",
       "git:https://github.com/acme/deploy#main"},
      {"git:https://github.com/acme/deploy#main:spaces/prod", "https://github.com/acme/deploy",
       "main", "spaces/prod", "git:https://github.com/acme/deploy#main:spaces/prod"},
      {"git:file:///srv/repo.git#v1:deploy", "file:///srv/repo.git", "v1", "deploy",
       "git:file:///srv/repo.git#v1:deploy"},
      {"git:file:///srv/repo.git:deploy", "file:///srv/repo.git", "", "deploy",
       "git:file:///srv/repo.git:deploy"},
      {"git:/srv/repo.git:deploy", "/srv/repo.git", "", "deploy", "git:/srv/repo.git:deploy"},
      {"git:/srv/repo.git:spaces/prod/", "/srv/repo.git", "", "spaces/prod",
       "git:/srv/repo.git:spaces/prod"},
      {"git:/srv/repo.git", "/srv/repo.git", "", "", "git:/srv/repo.git"},
      {"git:ssh://git@github.com/acme/deploy.git#main", "ssh://git@github.com/acme/deploy.git",
       "main", "", "git:ssh://***@github.com/acme/deploy.git#main"},
      {"git:https://git.acme.dev:8443/ops/deploy:spaces", "https://git.acme.dev:8443/ops/deploy",
       "", "spaces", "git:https://git.acme.dev:8443/ops/deploy:spaces"},
      {"git:git@github.com:acme/deploy.git:spaces", "git@github.com:acme/deploy.git", "", "spaces",
       "git:git@github.com:acme/deploy.git:spaces"},
      {"git:https://x:tok@github.com/acme/deploy#refs/heads/main:./a/../b",
       "https://x:tok@github.com/acme/deploy", "refs/heads/main", "b",
       "git:https://***@github.com/acme/deploy#refs/heads/main:b"},
  };
  SourceOptions options;
  for (const GitSpecCase& c : cases) {
    auto source = ParseSourceSpec(c.spec, options);
    ASSERT_TRUE(source.ok()) << c.spec << ": " << source.status().ToString();
    const auto* git = dynamic_cast<const GitSource*>(source->get());
    ASSERT_NE(git, nullptr) << c.spec;
    EXPECT_EQ(git->url(), c.url) << c.spec;
    EXPECT_EQ(git->ref(), c.ref) << c.spec;
    EXPECT_EQ(git->path(), c.path) << c.spec;
    EXPECT_EQ(git->Describe(), c.describe) << c.spec;
  }
}

TEST(ParseSourceSpec, DirFormNamesADirectorySource) {
  auto source = ParseSourceSpec("dir:/a/b", SourceOptions{});
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_NE(dynamic_cast<const DirSource*>(source->get()), nullptr);
  EXPECT_EQ((*source)->Describe(), "dir:/a/b");
}

struct BadSpecCase {
  const char* spec;
  const char* message;  // a part of the error
};

TEST(ParseSourceSpec, RefusesValuesThatAreNeitherFormAndSaysWhy) {
  const BadSpecCase cases[] = {
      {"", "--source \"\": the value is empty; expected dir:PATH or git:URL[#REF][:PATH]"},
      {"s3://bucket/deploy", "unknown source kind \"s3\""},
      {"deploy", "no source kind"},
      {"git:", "no repository URL after \"git:\""},
      {"git:#main", "no repository URL after \"git:\""},
      {"dir:", "no PATH after \"dir:\""},
      {"git:https://github.com/acme/deploy#", "REF after '#' is empty"},
      {"git:https://github.com/acme/deploy#-uupload-pack=x", "is not a branch or tag name"},
      {"git:https://github.com/acme/deploy#a..b", "is not a branch or tag name"},
      {"git:https://github.com/acme/deploy#main:", "PATH after ':' is empty"},
      {"git:/srv/repo.git:../../etc", "leaves the repository"},
      {"git:-oProxyCommand=x", "may not start with '-'"},
  };
  for (const BadSpecCase& c : cases) {
    auto source = ParseSourceSpec(c.spec, SourceOptions{});
    ASSERT_FALSE(source.ok()) << c.spec;
    EXPECT_EQ(source.status().code(), StatusCode::kInvalidArgument) << c.spec;
    EXPECT_THAT(source.status().message(), HasSubstr(c.message)) << c.spec;
  }
}

TEST(ParseSourceSpec, ARefusedValueNeverShowsItsCredentials) {
  auto source = ParseSourceSpec("git:https://x:secret@github.com/acme/deploy#bad ref", {});
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.status().message(), Not(HasSubstr("secret")));
  EXPECT_THAT(source.status().message(), HasSubstr("https://***@github.com/acme/deploy"));
}

// --- MergeSnapshots ---

Snapshot Part(const std::string& file, const std::string& yaml, const std::string& revision) {
  return Snapshot{spec::LoadText(yaml, file), revision};
}

std::vector<std::string> Keys(const Snapshot& snapshot) {
  std::vector<std::string> keys;
  for (const auto& d : snapshot.loaded.deployments) keys.push_back(d.Key());
  return keys;
}

TEST(MergeSnapshots, ConcatenatesDeploymentsKeepsDiagnosticsAndJoinsRevisions) {
  std::vector<Snapshot> parts;
  parts.push_back(
      Part("one/a.yaml", DeploymentYaml("a") + "---\n" + source_test::kBrokenYaml, "sha256:aa"));
  parts.push_back(Part("two/b.yaml", DeploymentYaml("b"), "3f2a"));
  const Snapshot merged = MergeSnapshots(std::move(parts));
  EXPECT_THAT(Keys(merged), ::testing::ElementsAre("default/a", "default/b"));
  EXPECT_EQ(merged.revision, "sha256:aa,3f2a");
  ASSERT_FALSE(merged.loaded.diagnostics.empty());
  EXPECT_EQ(merged.loaded.diagnostics[0].position.file, "one/a.yaml");
  EXPECT_EQ(merged.loaded.invalid.size(), 1u);
}

TEST(MergeSnapshots, ADeploymentDeclaredByTwoSourcesIsAnErrorOnBothAndAppliedByNeither) {
  std::vector<Snapshot> parts;
  parts.push_back(
      Part("one/a.yaml", DeploymentYaml("a", "first") + "---\n" + DeploymentYaml("c"), "1"));
  parts.push_back(Part("two/a.yaml", DeploymentYaml("a", "second"), "2"));
  const Snapshot merged = MergeSnapshots(std::move(parts));
  EXPECT_THAT(Keys(merged), ::testing::ElementsAre("default/c"));
  ASSERT_EQ(merged.loaded.diagnostics.size(), 2u);
  const spec::Diagnostic& first = merged.loaded.diagnostics[0];
  const spec::Diagnostic& second = merged.loaded.diagnostics[1];
  EXPECT_EQ(first.severity, spec::Severity::kError);
  EXPECT_EQ(first.position.file, "one/a.yaml");
  EXPECT_EQ(first.position.line, 1);
  EXPECT_THAT(first.message,
              HasSubstr("\"default/a\" is also declared by another source at two/a.yaml:1:1"));
  EXPECT_EQ(second.position.file, "two/a.yaml");
  EXPECT_THAT(second.message, HasSubstr("at one/a.yaml:1:1"));
  ASSERT_EQ(merged.loaded.invalid.size(), 2u);
  EXPECT_EQ(merged.loaded.invalid[0].key, "default/a");
  EXPECT_EQ(merged.loaded.invalid[1].key, "default/a");
  EXPECT_TRUE(merged.loaded.has_errors());
}

TEST(MergeSnapshots, ASpaceClaimedFromTwoSourcesIsAnErrorOnBothClaims) {
  std::vector<Snapshot> parts;
  parts.push_back(Part("one/a.yaml", DeploymentYaml("a", "shared"), "1"));
  parts.push_back(Part("two/b.yaml", DeploymentYaml("b", "Shared"), "2"));
  const Snapshot merged = MergeSnapshots(std::move(parts));
  EXPECT_TRUE(merged.loaded.deployments.empty());
  ASSERT_EQ(merged.loaded.diagnostics.size(), 2u);
  EXPECT_EQ(merged.loaded.diagnostics[0].field, "spec.spaces[0].id");
  EXPECT_THAT(merged.loaded.diagnostics[0].message,
              HasSubstr("Space \"acme/shared\" is also claimed by SpaceDeployment \"default/b\" at "
                        "two/b.yaml:10:7"));
  EXPECT_EQ(merged.loaded.invalid.size(), 2u);
}

TEST(MergeSnapshots, OfOneSnapshotIsThatSnapshot) {
  std::vector<Snapshot> parts;
  parts.push_back(Part("a.yaml", DeploymentYaml("a"), "sha256:aa"));
  const Snapshot merged = MergeSnapshots(std::move(parts));
  EXPECT_THAT(Keys(merged), ::testing::ElementsAre("default/a"));
  EXPECT_EQ(merged.revision, "sha256:aa");
  EXPECT_TRUE(merged.loaded.diagnostics.empty());
}

}  // namespace
}  // namespace spaceport::runtime
