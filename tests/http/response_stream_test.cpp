// Streamed responses (http/response_stream.h) through the real cpprestsdk Server on 127.0.0.1:
// bytes reach the client as they are written, Close() ends the body, a client that leaves makes
// Write() fail, and Stop() ends open streams instead of hanging on them.
#include "http/response_stream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "http/http.h"

namespace spaceport::http {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A server whose every GET answers with a new stream, handed to the test through `streams`.
struct StreamingServer {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::shared_ptr<ResponseStream>> streams;
  std::unique_ptr<Server> server;

  StreamingServer() {
    auto started = StartServer({}, [this](const Server::IncomingRequest&) {
      auto stream = std::make_shared<ResponseStream>(4096);
      stream->Write("first\n");  // before the server attached: buffered, sent first
      {
        std::lock_guard<std::mutex> lock(mu);
        streams.push_back(stream);
      }
      cv.notify_all();
      Response r{200, {{"Content-Type", "text/event-stream"}}, "ignored"};
      r.stream = stream;
      return r;
    });
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    if (started.ok()) server = std::move(*started);
  }

  std::shared_ptr<ResponseStream> WaitStream(size_t index) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return streams.size() > index; });
    return streams.size() > index ? streams[index] : nullptr;
  }
};

// What a streaming client received, with the time each piece arrived.
struct Received {
  std::mutex mu;
  std::string bytes;
  bool Has(std::string_view text) {
    std::lock_guard<std::mutex> lock(mu);
    return bytes.find(text) != std::string::npos;
  }
};

bool WaitFor(const std::function<bool()>& condition, milliseconds limit = milliseconds(10000)) {
  const auto deadline = Clock::now() + limit;
  while (!condition()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

// GETs the server's stream on a thread; the future holds the final response.
std::future<Result<Response>> Listen(Transport& transport, const Server& server,
                                     std::shared_ptr<Received> got,
                                     std::shared_ptr<std::atomic<bool>> cancel = nullptr,
                                     milliseconds timeout = milliseconds(20000)) {
  Request request;
  request.url = server.base_url() + "/events";
  request.timeout = timeout;
  request.cancel = cancel;
  request.on_body = [got](std::string_view chunk) {
    std::lock_guard<std::mutex> lock(got->mu);
    got->bytes.append(chunk);
    return true;
  };
  return std::async(std::launch::async, [&transport, request] { return transport.Send(request); });
}

// One server and one client whose stream has delivered its first bytes.
class OneStream : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(s.server, nullptr);
    done = Listen(*transport, *s.server, got, cancel);
    stream = s.WaitStream(0);
    ASSERT_NE(stream, nullptr);
    ASSERT_TRUE(WaitFor([&] { return got->Has("first\n"); })) << "the bytes written before the reply";
  }

  StreamingServer s;
  std::unique_ptr<Transport> transport = MakeTransport({});
  std::shared_ptr<Received> got = std::make_shared<Received>();
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
  std::future<Result<Response>> done;
  std::shared_ptr<ResponseStream> stream;
};

TEST_F(OneStream, BytesArriveAsTheyAreWrittenAndCloseEndsTheBody) {
  ASSERT_TRUE(stream->Write("second\n"));
  ASSERT_TRUE(WaitFor([&] { return got->Has("second\n"); })) << "a later write, before any close";
  EXPECT_EQ(done.wait_for(milliseconds(0)), std::future_status::timeout) << "the body has not ended";
  stream->Close();
  ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  Result<Response> r = done.get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers.Get("Content-Type").value_or(""), "text/event-stream");
  EXPECT_EQ(got->bytes, "first\nsecond\n");
  EXPECT_FALSE(stream->Write("late\n")) << "a closed stream takes no more bytes";
}

TEST_F(OneStream, AClientThatLeavesMakesWriteFail) {
  *cancel = true;  // the client drops the connection
  ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  // The server learns of it when a write cannot be sent: within a few small writes.
  EXPECT_TRUE(WaitFor([&] {
    stream->Write("ping\n");
    return stream->closed();
  })) << "writes to a departed client never failed";
}

TEST_F(OneStream, StopEndsOpenStreamsInsteadOfHanging) {
  const auto before = Clock::now();
  s.server->Stop();
  EXPECT_LT(Clock::now() - before, std::chrono::seconds(2));
  EXPECT_TRUE(stream->closed());
  EXPECT_FALSE(stream->Write("after stop\n"));
  EXPECT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the client still waits on a stopped server's stream";
}

TEST(ResponseStream, ManyStreamsAreServedAtOnceWithoutHoldingThreads) {
  StreamingServer s;
  ASSERT_NE(s.server, nullptr);
  auto transport = MakeTransport({});
  constexpr int kClients = 60;  // more than cpprestsdk's 40 pool threads
  std::vector<std::shared_ptr<Received>> got;
  std::vector<std::future<Result<Response>>> done;
  for (int i = 0; i < kClients; ++i) {
    got.push_back(std::make_shared<Received>());
    done.push_back(Listen(*transport, *s.server, got.back()));
  }
  for (int i = 0; i < kClients; ++i) ASSERT_NE(s.WaitStream(i), nullptr) << "client " << i;
  for (int i = 0; i < kClients; ++i) ASSERT_TRUE(s.WaitStream(i)->Write("hello\n"));
  for (int i = 0; i < kClients; ++i)
    EXPECT_TRUE(WaitFor([&] { return got[i]->Has("first\nhello\n"); })) << "client " << i;
  for (int i = 0; i < kClients; ++i) s.WaitStream(i)->Close();
  for (auto& d : done) EXPECT_EQ(d.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST(ResponseStream, BytesBeyondTheLimitBeforeAttachCloseTheStream) {
  ResponseStream stream(8);
  EXPECT_TRUE(stream.Write("12345678"));
  EXPECT_FALSE(stream.Write("9"));
  EXPECT_TRUE(stream.closed());
  std::string sent;
  bool finished = false;
  stream.Attach({[&](std::string_view b) {
                   sent.append(b);
                   return true;
                 },
                 [&] { finished = true; }});
  EXPECT_EQ(sent, "") << "nothing of a stream closed for lagging is sent";
  EXPECT_TRUE(finished) << "attaching a closed stream ends the body at once";
}

// Found by fuzz/targets/response_stream.cpp: the bytes were accepted, then dropped at Attach.
TEST(ResponseStream, BytesWrittenThenClosedBeforeAttachAreSentThenTheBodyEnds) {
  ResponseStream stream;
  EXPECT_TRUE(stream.Write("data: last\n\n"));
  stream.Close();
  EXPECT_FALSE(stream.Write("more")) << "nothing is accepted after Close";
  std::string sent;
  int finished = 0;
  stream.Attach({[&](std::string_view b) {
                   sent.append(b);
                   return true;
                 },
                 [&] { ++finished; }});
  EXPECT_EQ(sent, "data: last\n\n") << "what Write() accepted before Close() is sent";
  EXPECT_EQ(finished, 1) << "then the body ends, once";
}

TEST(ResponseStream, ASinkThatRefusesClosesTheStreamAndDroppingItFinishesTheBody) {
  bool finished = false;
  {
    auto stream = std::make_shared<ResponseStream>();
    int calls = 0;
    stream->Attach({[&](std::string_view) { return ++calls < 2; }, [&] { finished = true; }});
    EXPECT_TRUE(stream->Write("a"));
    EXPECT_FALSE(stream->Write("b"));
    EXPECT_TRUE(stream->closed());
  }
  EXPECT_FALSE(finished) << "a stream whose client is gone is not finished";
  {
    ResponseStream stream;
    stream.Attach({[](std::string_view) { return true; }, [&] { finished = true; }});
  }
  EXPECT_TRUE(finished) << "an owner letting go ends the body";
}

}  // namespace
}  // namespace spaceport::http
