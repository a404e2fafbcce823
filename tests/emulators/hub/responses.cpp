#include "emulators/hub/responses.h"

namespace spaceport::hub_emulator {

http::Response TextResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.headers.Add("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(body);
  return r;
}

http::Response HubError(int status, std::string_view code, std::string_view message, Json body) {
  body.Set("error", Json(message));
  http::Response r = JsonResponse(status, body);
  if (!code.empty()) r.headers.Add("X-Error-Code", std::string(code));
  r.headers.Add("X-Error-Message", std::string(message));
  return r;
}

http::Response HubError(int status, std::string_view code, std::string_view message) {
  return HubError(status, code, message, Json::Object());
}

http::Response RepoNotFound() { return HubError(404, "RepoNotFound", "Repository not found"); }

http::Response RevisionNotFound(std::string_view revision) {
  return HubError(404, "RevisionNotFound", "Invalid rev id: " + std::string(revision));
}

http::Response EntryNotFound(std::string_view message) { return HubError(404, "EntryNotFound", message); }

http::Response BadRequest(std::string_view message) { return HubError(400, "", message); }

http::Response Forbidden(std::string_view message) { return HubError(403, "", message); }

}  // namespace spaceport::hub_emulator
