// Finding a free TCP port for a listener. cpprestsdk's http_listener cannot bind port 0 and
// report the port it got, so the Server asks the kernel for one here (bind to port 0, read it
// back, close), then opens the listener on it. Another process may take the port in between;
// the Server retries with a new port when opening fails.
//
//   Result<int> port = http::PickFreePort("127.0.0.1");
#pragma once

#include <string>

#include "base/status.h"

namespace spaceport::http {

// `address` must be an IPv4 literal ("127.0.0.1", "0.0.0.0").
Result<int> PickFreePort(const std::string& address);

}  // namespace spaceport::http
