// HubClient::TailLogs (hub_client.h): the last lines of a Space's build or run log, read from
// a server-sent-events stream the Hub never ends, bounded by a deadline and a line count.
#include "clients/hub/hub_client.h"
#include "clients/hub/hub_request.h"
#include "clients/hub/sse_log_tail.h"

namespace spaceport::hub {

Result<LogTail> HubClient::TailLogs(std::string_view space_id, LogKind kind,
                                    LogTailOptions options) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  const std::string_view kind_name = kind == LogKind::kBuild ? "build" : "run";
  const std::string what = "read " + std::string(kind_name) + " logs of " + std::string(space_id);
  http::Request request;
  request.method = "GET";
  request.url = SpaceApi(space_id, "/logs/" + std::string(kind_name)) +
                "?tail=" + std::to_string(options.max_lines);
  request.headers.Set("Accept", "text/event-stream");
  // The Hub keeps a log stream open after the backlog, so the stream is read as it arrives
  // (Request::on_body) and the deadline ends it; a transport that buffers whole bodies (a test
  // double, a server that closes) leaves it in response->body instead.
  request.timeout = options.deadline;
  // A stream that pours bytes ends like one that reaches its deadline after 1 MiB: a tail of a
  // few dozen lines never needs more, and cpprestsdk reads ahead of this slower consumer without
  // back-pressure (measured: 8 MiB here let 260 MB pile up, RSS +213 MiB), so the cap is small.
  request.max_response_bytes = size_t{1} << 20;
  auto tail = std::make_shared<SseLogTail>(options.max_lines);
  request.on_body = [tail](std::string_view chunk) {
    tail->Feed(chunk);
    return true;
  };
  Result<http::Response> response = Send(std::move(request), "logs", what);
  if (!response.ok()) {
    // A stream cut short still tells the story up to the cut.
    if (tail->lines_seen() > 0) return tail->Finish();
    return response.status();
  }
  if (!detail::IsSuccess(response->status)) return Fail(*response, what);
  tail->Feed(response->body);
  return tail->Finish();
}

}  // namespace spaceport::hub
