// The scripted transport of the registry client's unit tests: support::ScriptedTransport with the
// test registry's origins (http and https://registry.test) dropped from request lines.
//
//   FakeTransport t;
//   t.Expect("GET /v2/owner/app/manifests/v1", Reply(200, body, {{"Content-Type", kOciManifest}}));
//   … client calls …
//   EXPECT_THAT(t.Lines(), ElementsAre("GET /v2/owner/app/manifests/v1"));
//   EXPECT_THAT(t.mismatches(), IsEmpty());
#pragma once

#include "support/scripted_transport.h"

namespace spaceport::oci::testing {

using support::Reply;

class FakeTransport final : public support::ScriptedTransport {
 public:
  FakeTransport() : ScriptedTransport({"http://registry.test", "https://registry.test"}) {}
};

}  // namespace spaceport::oci::testing
