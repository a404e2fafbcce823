// The GithubActionsBuilder under test over a FakeGithub on a FakeClock, and the build request
// the GitHub builder tests share (ghcr.io/alice/app:v1.2.0 built by alice/app's docker.yml).
//
//   Fixture f;
//   f.gh.Expect(kDispatch, Reply(204));
//   auto handle = f.builder->Start(Request());
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "act/build_github.h"
#include "base/clock.h"
#include "build/fake_github.h"
#include "clients/github/github_client.h"

namespace spaceport::build_testing {

inline constexpr const char* kBuildId = "sp-0123456789ab";

inline act::BuildRequest Request(std::map<std::string, std::string> inputs = {
                              {"version", "{{ .Version }}"},
                              {"image", "{{.Image}}"},
                              {"build_id", "{{  .BuildID\t}}"}}) {
  act::BuildRequest request;
  request.repository = "ghcr.io/alice/app";
  request.version = "v1.2.0";
  request.build_id = kBuildId;
  request.spec.github_actions = spec::GithubActionsBuild{"alice/app", "docker.yml", "main",
                                                         std::move(inputs), {}};
  return request;
}

// A client that tries each request once (the tests script every answer) and a builder with the
// default limits.
struct Fixture {
  FakeClock clock;
  FakeGithub gh;
  std::unique_ptr<github::GithubClient> client;
  std::unique_ptr<act::GithubActionsBuilder> builder;

  Fixture() {
    github::GithubConfig config;
    config.api_url = kApi;
    config.token = github::GithubToken{"ghp_test", "GITHUB_TOKEN"};
    github::GithubClientOptions options;
    options.http.max_attempts = 1;
    auto created = github::GithubClient::Create(config, gh, clock, nullptr, options);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    client = std::move(*created);
    builder = std::make_unique<act::GithubActionsBuilder>(*client, clock);  // default limits
  }
};

}  // namespace spaceport::build_testing
