// The emulator's routes (internal to this folder). Each takes the state with its mutex held and
// the path parameters a pattern captured; github_emulator.cpp does authentication, counting,
// rate limiting and faults before calling them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "emulators/github/options.h"
#include "emulators/github/state.h"
#include "http/http.h"

namespace spaceport::github_emulator {

using Params = std::map<std::string, std::string>;

// Matches "/repos/{owner}/{repo}/actions/runs/{run_id}" against a path; nullopt when it differs.
std::optional<Params> MatchPattern(std::string_view pattern, std::string_view path);

http::Response DispatchWorkflow(State& s, const TokenGrant& caller, const Params& p,
                                const http::Server::IncomingRequest& request);
http::Response ListWorkflowRuns(State& s, const Params& p, const http::Server::IncomingRequest& request);
http::Response GetWorkflowRun(State& s, const Params& p);
http::Response CancelWorkflowRun(State& s, const TokenGrant& caller, const Params& p);
http::Response GetWorkflow(State& s, const Params& p);

// /__emulator/...; `path` starts after the prefix ("runs", "faults", ...).
http::Response HandleControl(State& s, const std::string& method, const std::string& path, const std::string& body);

}  // namespace spaceport::github_emulator
