// Building the emulator's HTTP responses the way the Hub shapes them.
//
// Errors carry the three things clients read: a JSON body {"error": message} with a Content-Type
// starting with application/json (the JS client parses the body only then), X-Error-Message with
// the same text, and X-Error-Code when the Hub sends one (RepoNotFound, RevisionNotFound,
// EntryNotFound; clients branch on it). Every response later gets an X-Request-Id (see Hub).
//
//   return JsonResponse(200, info);
//   return HubError(404, "RepoNotFound", "Repository not found");
#pragma once

#include <string>
#include <string_view>

#include "base/json.h"
#include "emulators/common/http_answers.h"
#include "http/http.h"

namespace spaceport::hub_emulator {

// JSON answers are emulators/common/http_answers.h's.
using emulators::JsonResponse;
using emulators::kJsonType;

http::Response TextResponse(int status, std::string body);
// `code` may be empty (no X-Error-Code header).
http::Response HubError(int status, std::string_view code, std::string_view message);
// An error whose JSON body has extra members (409 on create adds "url").
http::Response HubError(int status, std::string_view code, std::string_view message, Json body);

// The standard errors, with the Hub's wording.
http::Response RepoNotFound();
http::Response RevisionNotFound(std::string_view revision);
http::Response EntryNotFound(std::string_view message = "Entry not found");
http::Response BadRequest(std::string_view message);
http::Response Forbidden(std::string_view message);

}  // namespace spaceport::hub_emulator
