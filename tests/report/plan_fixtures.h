// Plans built in code for the renderer tests, so report/ is tested without the planner: each
// fixture is a plan the planner could produce, chosen to cover one family of rendering cases.
//   InSyncPlan        every deployment in sync: headers only, empty drift/actions
//   MixedPlan         stale wrapper + out-of-band edits with chained actions, warn-only drift,
//                     a stalled and a suspended deployment, a multi-line Dockerfile diff
//   HostilePlan       values full of | ` < > * _ [ ] &, empty values, a README holding a code
//                     fence, and invalid documents (the escaping cases)
//   EmptyPlan         nothing loaded at all
#pragma once

#include <string>

#include "plan/plan.h"

namespace spaceport::report::testing {

inline std::string Digest(char c) { return "sha256:" + std::string(64, c); }

inline plan::DeploymentPlan Deployment(std::string key, std::string file, plan::DeploymentState s,
                                       std::string reason, std::string version = "",
                                       std::string digest = "") {
  plan::DeploymentPlan d;
  d.key = std::move(key);
  d.file = std::move(file);
  d.state = s;
  d.reason = std::move(reason);
  d.resolved_version = std::move(version);
  d.resolved_digest = std::move(digest);
  return d;
}

inline plan::Action MakeAction(int id, plan::ActionKind kind, std::string deployment,
                               std::string target, std::map<std::string, std::string> params,
                               std::vector<int> depends_on, std::string reason) {
  plan::Action a;
  a.id = id;
  a.kind = kind;
  a.deployment = std::move(deployment);
  a.target = std::move(target);
  a.params = std::move(params);
  a.depends_on = std::move(depends_on);
  a.reason = std::move(reason);
  return a;
}

inline plan::Plan InSyncPlan() {
  plan::Plan p;
  p.deployments.push_back(Deployment("default/grok2api", "examples/grok2api.yaml:1:1",
                                     plan::DeploymentState::kInSync, "", "v1.0.0", Digest('a')));
  p.deployments.push_back(Deployment("tools/notes", "examples/notes.yaml:12:1",
                                     plan::DeploymentState::kInSync, "", "v2.3.1", Digest('b')));
  return p;
}

inline plan::Plan MixedPlan() {
  using plan::ActionKind;
  using plan::DeploymentState;
  const std::string repo = "ghcr.io/gdtiti/grok2api-api";
  const std::string space = "your-username/grok2api-space";
  const std::string wrapper = repo + ":hf-amd64-v1.0.0";
  plan::Plan p;
  p.deployments.push_back(Deployment("default/chat-ui", "apps/chat.yaml:1:1",
                                     DeploymentState::kDrifted, "Drifted", "v0.9.2", Digest('c')));
  p.deployments.push_back(Deployment("default/grok2api", "apps/grok2api.yaml:1:1",
                                     DeploymentState::kProgressing, "WrapperStale", "v1.0.0",
                                     Digest('2')));
  p.deployments.push_back(Deployment("default/paused", "apps/paused.yaml:1:1",
                                     DeploymentState::kSuspended, "Suspended"));
  p.deployments.back().notes.push_back("spec.suspend is true: nothing was planned");
  p.deployments.push_back(Deployment("default/stalled", "apps/stalled.yaml:3:1",
                                     DeploymentState::kStalled, "ImageMissing", "v2.0.0"));
  p.deployments.back().notes.push_back(
      "ghcr.io/acme/stalled:v2.0.0 does not exist and the spec has no build section");

  p.drift.push_back({"default/chat-ui", "space:acme/chat-ui", "variables.MODEL", "llama-3",
                     "mistral"});
  p.drift.push_back({"default/chat-ui", "space:acme/chat-ui", "sleepTimeSeconds", "3600",
                     "172800"});
  p.drift.push_back({"default/grok2api", wrapper, "wrapper.base", Digest('2'), Digest('1')});
  p.drift.push_back({"default/grok2api", "space:" + space, "dockerfile",
                     "# Managed by Spaceport (default/grok2api).\nFROM " + wrapper +
                         "@<from action 1>\n",
                     "# Managed by Spaceport (default/grok2api).\nFROM " + wrapper + "@" +
                         Digest('9') + "\n"});
  p.drift.push_back({"default/grok2api", "space:" + space, "hardware", "cpu-basic",
                     "cpu-upgrade"});
  p.drift.push_back({"default/grok2api", "space:" + space, "variables.LOG_LEVEL", "info",
                     "debug"});
  p.drift.push_back({"default/stalled", "ghcr.io/acme/stalled:v2.0.0", "image.tag", "v2.0.0",
                     "<absent>"});

  p.actions.push_back(MakeAction(1, ActionKind::kPublishWrapper, "default/grok2api", wrapper,
                                 {{"base", repo + "@" + Digest('2')}, {"platform", "amd64"}}, {},
                                 "the base tag v1.0.0 moved to a new digest"));
  p.actions.push_back(MakeAction(2, ActionKind::kCommitSpaceFiles, "default/grok2api", space,
                                 {{"parentCommit", "4f1c2e9"}}, {1},
                                 "the Dockerfile points at another wrapper digest"));
  p.actions.push_back(MakeAction(3, ActionKind::kSetVariables, "default/grok2api", space,
                                 {{"LOG_LEVEL", "info"}}, {2}, "1 variable differs"));
  p.actions.push_back(MakeAction(4, ActionKind::kSetHardware, "default/grok2api", space,
                                 {{"hardware", "cpu-basic"}}, {2},
                                 "hardware was changed outside Git"));
  p.actions.push_back(MakeAction(5, ActionKind::kAwaitRunning, "default/grok2api", space,
                                 {{"healthPath", "/health"}, {"timeoutSeconds", "600"}},
                                 {2, 3, 4}, "wait for the new revision to run"));
  return p;
}

inline plan::Plan HostilePlan() {
  plan::Plan p;
  p.deployments.push_back(Deployment("team-a/pipes", "team a/pipes|x.yaml:4:1",
                                     plan::DeploymentState::kProgressing, "Drifted_*now*",
                                     "v1.0.0-rc.1+build.5", ""));
  p.deployments.back().notes.push_back("_underscores_ and **stars** & <b>html</b> [link](x)");
  p.deployments.back().notes.push_back("a second note with a backslash \\ and a `tick`");
  p.drift.push_back({"team-a/pipes", "space:acme/pipes", "variables.GREETING",
                     "a | b `c` <d> *e* [f](g)", ""});
  p.drift.push_back({"team-a/pipes", "space:acme/pipes", "variables.TICKS", "``double``",
                     "`single`"});
  p.drift.push_back({"team-a/pipes", "space:acme/pipes", "readme",
                     "---\ntitle: Pipes | ticks\nsdk: docker\n---\n\n```\ncode | here\n```\n",
                     "---\ntitle: Pipes\nsdk: docker\n---\n\n```\ncode | here\n```\n"});
  p.drift.push_back({"team-a/pipes", "space:acme/pipes", "dockerfile", "FROM x\n", "FROM x"});
  p.actions.push_back(MakeAction(
      1, plan::ActionKind::kCommitSpaceFiles, "team-a/pipes", "acme/pipes",
      {{"README.md", "---\ntitle: Pipes | ticks\n---\n"}, {"empty", ""}}, {},
      "README.md was edited on the Hub (<absent> & `x`)"));
  p.actions.push_back(MakeAction(2, plan::ActionKind::kSetVariables, "team-a/pipes", "acme/pipes",
                                 {{"GREETING", "a | b `c` <d> *e* [f](g)"}}, {1},
                                 "variables differ: GREETING | TICKS"));
  p.invalid.push_back(
      {"deploy/bad.yaml#2",
       "deploy/bad.yaml:14:1",
       {"deploy/bad.yaml:16:5: spec.image.repository: \"GHCR.io/A|B\" must be lower case",
        "deploy/bad.yaml:20:7: spec.spaces[0].hardware: \"cpu-huge\" is not a hardware flavour; "
        "did you mean \"cpu-upgrade\"?"}});
  p.invalid.push_back({"default/tick",
                       "deploy/ticks.yaml:1:1",
                       {"deploy/ticks.yaml:3:9: metadata.labels.`x`: <unknown> key & \"|\""}});
  return p;
}

inline plan::Plan EmptyPlan() { return plan::Plan{}; }

}  // namespace spaceport::report::testing
