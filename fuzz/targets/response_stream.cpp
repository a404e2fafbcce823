// Feeds: arbitrary bytes as a script of operations on http::ResponseStream (the server-sent-events
// body of the ops console): each byte picks Write (of the next few input bytes), Attach, Detach or
// Close, with a small max_pending_bytes.
// Checks beyond "no crash": the sink receives exactly the bytes of the writes that returned true,
// in order (minus what was pending when the stream overflowed before Attach), and nothing
// after Close or Detach; Write returns false once closed; finish is called at
// most once, and only after an Attach.
#include <algorithm>
#include <memory>
#include <string>

#include "http/response_stream.h"
#include "support/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  using spaceport::http::ResponseStream;
  if (size == 0) return 0;
  std::string sent, accepted;
  int finished = 0;
  bool sink_ok = true;
  {
    auto stream = std::make_shared<ResponseStream>(1 + data[0] % 64);
    bool attached = false, detached = false, closed = false;
    for (size_t i = 1; i < size; ++i) {
      const unsigned op = data[i] % 8;
      if (op < 5) {  // Write the next n bytes
        const size_t n = std::min<size_t>(data[i] / 8, size - i - 1);
        const std::string_view bytes = FuzzText(data + i + 1, n);
        i += n;
        const bool was_closed = closed || detached;
        const bool ok = stream->Write(bytes);
        if (closed || detached) FUZZ_CHECK(!ok, "no write after the end");
        if (ok) accepted.append(bytes);
        if (!ok) closed = true;  // a failed write closes the stream
        // Overflow before Attach drops what was pending: a lagging stream sends nothing.
        if (!ok && !attached && !was_closed) accepted.clear();
      } else if (op == 5 && !attached) {
        attached = true;
        sink_ok = data[i] % 16 != 5;  // sometimes the client is gone
        stream->Attach({[&](std::string_view b) { if (sink_ok) sent.append(b); return sink_ok; },
                        [&] { ++finished; }});
      } else if (op == 6 && attached && !detached) {
        detached = true;
        stream->Detach();
      } else if (op == 7) {
        stream->Close();
        closed = true;
        FUZZ_CHECK(stream->closed(), "closed after Close");
      }
    }
    if (attached && sink_ok) FUZZ_CHECK(sent == accepted, "sink got exactly the accepted writes");
    if (!attached) FUZZ_CHECK(finished == 0, "no finish before attach");
  }
  FUZZ_CHECK(finished <= 1, "finish at most once");
  return 0;
}
