// The files the Hub puts in the first commit of a new repo: `.gitattributes` with the usual
// LFS patterns everywhere, and for Spaces a README.md whose front matter declares the sdk
// (static Spaces also get index.html and style.css).
//
//   FileMap files = SeedFiles(RepoId{RepoType::kSpace, "alice", "demo"}, "docker");
#pragma once

#include <string>

#include "emulators/hub/git_objects.h"
#include "emulators/hub/repo.h"

namespace spaceport::hub_emulator {

FileMap SeedFiles(const RepoId& id, const std::string& sdk);

}  // namespace spaceport::hub_emulator
