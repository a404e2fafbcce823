// The repo info document (GET /api/spaces/{ns}/{name}[/revision/{rev}]).
//
// Without `expand` the Hub returns its default field set; with `expand=a&expand=b` (or
// `expand[]=`, as the JS client's repoExists sends) only `_id`, `id` and the requested fields,
// and an unknown field is a 400. `blobs=true` adds size and blobId to each sibling.
// Values come from the resolved commit (sha, lastModified, siblings, cardData from README front
// matter, sdk from the card or else from creation) and, for Spaces, the live runtime.
//
//   OrError<std::optional<std::vector<std::string>>> expand = ParseExpand(request);
//   Json info = RepoInfoJson(state, repo, *repo.Resolve("HEAD"), expanded, /*blobs=*/false);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "emulators/hub/hub_state.h"

namespace spaceport::hub_emulator {

using ExpandList = std::optional<std::vector<std::string>>;

OrError<ExpandList> ParseExpand(const http::Server::IncomingRequest& request);
Json RepoInfoJson(const HubState& state, const Repo& repo, const Commit& commit,
                  const ExpandList& expand, bool blobs);

}  // namespace spaceport::hub_emulator
