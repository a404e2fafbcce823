// The fuzz build compiles no cpprestsdk translation unit, but KubeClient::Connect (in the same
// object file as the watch decoder) names http::MakeTransport. This definition satisfies the
// linker and aborts if anything ever calls it: fuzz targets send only through fakes.
#include <cstdio>
#include <cstdlib>

#include "http/http.h"

namespace spaceport::http {

std::unique_ptr<Transport> MakeTransport(const TransportOptions&) {
  std::fprintf(stderr, "fuzz build: http::MakeTransport (cpprestsdk) is not linked\n");
  std::abort();
}

}  // namespace spaceport::http
