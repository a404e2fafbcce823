// The process environment behind a function, so that code reading variables (credentials, the
// Hub token, the kubeconfig's location) can be handed a fake in tests. One type and one real
// implementation for every client and the runtime.
//
//   EnvLookup env = ProcessEnvironment();
//   std::optional<std::string> token = env("HF_TOKEN");   // nullopt when unset
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace spaceport {

// The value of a variable, or nullopt when it is not set (an empty value is returned as "").
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Reads the real environment (getenv) at each call.
EnvLookup ProcessEnvironment();

}  // namespace spaceport
