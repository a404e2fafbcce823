// Notifications are posted to an in-process receiver (http::StartServer on loopback) and read
// back as JSON, so every assertion is about what a webhook endpoint actually receives. Time is a
// FakeClock: the dedupe window and retry pauses pass without waiting.
#include "report/notifier.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace spaceport::report {
namespace {

// The path of a Slack incoming webhook is its credential.
constexpr char kSecretPath[] = "/services/T0000/B0000/XXXXsecretTOKENxxxx";

// Records every POST; answers with `statuses` in order, then 200.
class Receiver {
 public:
  explicit Receiver(std::vector<int> statuses = {}) : state_(std::make_shared<State>()) {
    state_->statuses = std::move(statuses);
    auto server = http::StartServer({}, [state = state_](const http::Server::IncomingRequest& req) {
      std::unique_lock<std::mutex> lock(state->mu);
      state->bodies.push_back(req.body);
      state->paths.push_back(req.path);
      state->content_types.push_back(req.headers.Get("Content-Type").value_or(""));
      size_t n = state->bodies.size();
      int status = n <= state->statuses.size() ? state->statuses[n - 1] : 200;
      std::shared_future<void> gate = state->gate;
      lock.unlock();
      state->arrived.notify_all();
      if (gate.valid()) gate.wait();
      http::Response r;
      r.status = status;
      r.body = status == 200 ? "ok" : "no";
      return r;
    });
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (server.ok()) server_ = std::move(server).value();
  }
  ~Receiver() {
    if (server_) server_->Stop();
  }

  std::string url() const { return server_->base_url() + kSecretPath; }
  std::string origin() const { return server_->base_url(); }
  std::vector<std::string> bodies() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->bodies;
  }
  std::vector<std::string> paths() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->paths;
  }
  std::vector<std::string> content_types() const {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->content_types;
  }
  // Holds every later request until Release(): a slow receiver.
  void Hold() {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->gate = state_->release.get_future().share();
  }
  void Release() { state_->release.set_value(); }
  bool WaitForRequests(size_t n) {
    std::unique_lock<std::mutex> lock(state_->mu);
    return state_->arrived.wait_for(lock, std::chrono::seconds(10),
                                    [&] { return state_->bodies.size() >= n; });
  }
  void Stop() { server_->Stop(); }

 private:
  struct State {
    mutable std::mutex mu;
    std::condition_variable arrived;
    std::vector<int> statuses;
    std::vector<std::string> bodies, paths, content_types;
    std::promise<void> release;
    std::shared_future<void> gate;
  };
  std::shared_ptr<State> state_;
  std::unique_ptr<http::Server> server_;
};

// Collects the notifier's log lines (called from its thread).
struct LogLines {
  std::mutex mu;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> Sink() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu);
      lines.push_back(line);
    };
  }
  std::vector<std::string> Get() {
    std::lock_guard<std::mutex> lock(mu);
    return lines;
  }
};

Notification DriftOnTools() {
  Notification n;
  n.event = NotificationEvent::kDriftFound;
  n.deployment = "default/tools";
  n.message = "2 fields drifted on acme/tools";
  n.reason = "Drifted";
  n.revision = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
  n.image_ref = "ghcr.io/acme/tools:1.2.0";
  n.image_digest = "sha256:" + std::string(64, 'a');
  n.spaces = {{"acme/tools", "https://huggingface.co/spaces/acme/tools", "RUNNING"}};
  n.build_url = "https://github.com/acme/tools/actions/runs/42";
  n.drift = {{"default/tools", "space:acme/tools", "variables.LOG_LEVEL", "info", "debug"},
             {"default/tools", "space:acme/tools", "hardware", "cpu-basic", "cpu-upgrade"}};
  return n;
}

NotifierOptions OptionsFor(const Receiver& receiver, NotifyFormat format = NotifyFormat::kJson) {
  NotifierOptions o;
  o.url = receiver.url();
  o.format = format;
  o.insecure_origins = {receiver.origin()};
  return o;
}

Json ParseBody(const std::string& body) {
  auto j = Json::Parse(body);
  EXPECT_TRUE(j.ok()) << j.status().ToString() << "\n" << body;
  return j.ok() ? *j : Json();
}

class NotifierTest : public ::testing::Test {
 protected:
  std::unique_ptr<http::Transport> transport_ = http::MakeTransport({});
  FakeClock clock_;
};

TEST_F(NotifierTest, JsonBodyCarriesEveryFactAndTheClockTime) {
  Receiver receiver;
  Notifier notifier(OptionsFor(receiver), *transport_, clock_);
  EXPECT_TRUE(notifier.Notify(DriftOnTools()));
  notifier.Flush();
  ASSERT_EQ(receiver.bodies().size(), 1u);
  EXPECT_EQ(receiver.paths()[0], kSecretPath);
  EXPECT_EQ(receiver.content_types()[0], "application/json");
  Json j = ParseBody(receiver.bodies()[0]);
  EXPECT_EQ(j.GetString("apiVersion"), "spaceport.dev/v1alpha1");
  EXPECT_EQ(j.GetString("kind"), "Notification");
  EXPECT_EQ(j.GetString("event"), "DriftFound");
  EXPECT_EQ(j.GetString("deployment"), "default/tools");
  EXPECT_EQ(j.GetString("severity"), "warning");
  EXPECT_EQ(j.GetString("reason"), "Drifted");
  EXPECT_EQ(j.GetString("message"), "2 fields drifted on acme/tools");
  EXPECT_EQ(j.GetString("time"), "2026-01-01T00:00:00Z");  // filled from the clock
  EXPECT_EQ(j.GetString("revision"), "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
  ASSERT_NE(j.Find("image"), nullptr);
  EXPECT_EQ(j.Find("image")->GetString("ref"), "ghcr.io/acme/tools:1.2.0");
  EXPECT_EQ(j.Find("image")->GetString("digest"), "sha256:" + std::string(64, 'a'));
  ASSERT_EQ(j.Find("spaces")->size(), 1u);
  EXPECT_EQ(j.Find("spaces")->At(0).GetString("space"), "acme/tools");
  EXPECT_EQ(j.Find("spaces")->At(0).GetString("url"), "https://huggingface.co/spaces/acme/tools");
  EXPECT_EQ(j.Find("spaces")->At(0).GetString("stage"), "RUNNING");
  EXPECT_EQ(j.Find("build")->GetString("url"), "https://github.com/acme/tools/actions/runs/42");
  ASSERT_EQ(j.Find("drift")->size(), 2u);
  const Json& d = j.Find("drift")->At(0);
  EXPECT_EQ(d.GetString("target"), "space:acme/tools");
  EXPECT_EQ(d.GetString("field"), "variables.LOG_LEVEL");
  EXPECT_EQ(d.GetString("desired"), "info");
  EXPECT_EQ(d.GetString("observed"), "debug");
  EXPECT_EQ(notifier.stats().sent, 1);
  EXPECT_EQ(notifier.stats().attempts, 1);
}

struct SeverityCase {
  std::string name;
  NotificationEvent event;
  std::string event_name;
  std::string severity;
};
void PrintTo(const SeverityCase& c, std::ostream* os) { *os << c.name; }

class NotificationSeverityTest : public ::testing::TestWithParam<SeverityCase> {};

TEST_P(NotificationSeverityTest, EachEventHasItsNameAndSeverity) {
  Notification n = DriftOnTools();
  n.event = GetParam().event;
  Json j = NotificationToJson(n);
  EXPECT_EQ(j.GetString("event"), GetParam().event_name);
  EXPECT_EQ(j.GetString("severity"), GetParam().severity);
  EXPECT_EQ(to_string(GetParam().event), GetParam().event_name);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NotificationSeverityTest,
    ::testing::Values(
        SeverityCase{"drift_found_is_a_warning", NotificationEvent::kDriftFound, "DriftFound", "warning"},
        SeverityCase{"drift_corrected_is_info", NotificationEvent::kDriftCorrected, "DriftCorrected", "info"},
        SeverityCase{"deploy_succeeded_is_info", NotificationEvent::kDeploySucceeded, "DeploySucceeded", "info"},
        SeverityCase{"deploy_failed_is_an_error", NotificationEvent::kDeployFailed, "DeployFailed", "error"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(NotificationToJson, KeepsItsShapeWhenFactsAreMissing) {
  Notification n;
  n.event = NotificationEvent::kDeploySucceeded;
  n.deployment = "default/tools";
  Json j = NotificationToJson(n);
  ASSERT_NE(j.Find("build"), nullptr);
  EXPECT_TRUE(j.Find("build")->is_null());
  EXPECT_TRUE(j.Find("spaces")->is_array());
  EXPECT_TRUE(j.Find("drift")->is_array());
  EXPECT_EQ(j.Find("image")->GetString("ref", "absent"), "");
}

TEST_F(NotifierTest, SlackBodyHasAFallbackASectionAndAContext) {
  Receiver receiver;
  Notifier notifier(OptionsFor(receiver, NotifyFormat::kSlack), *transport_, clock_);
  notifier.Notify(DriftOnTools());
  notifier.Flush();
  ASSERT_EQ(receiver.bodies().size(), 1u);
  Json j = ParseBody(receiver.bodies()[0]);
  EXPECT_EQ(j.GetString("text"), "DriftFound default/tools: 2 fields drifted on acme/tools");
  const Json* blocks = j.Find("blocks");
  ASSERT_NE(blocks, nullptr);
  ASSERT_EQ(blocks->size(), 2u);
  EXPECT_EQ(blocks->At(0).GetString("type"), "section");
  const Json* text = blocks->At(0).Find("text");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->GetString("type"), "mrkdwn");
  const std::string section = text->GetString("text");
  EXPECT_EQ(section.rfind("*DriftFound* `default/tools`: 2 fields drifted on acme/tools", 0), 0u)
      << section;
  EXPECT_NE(section.find("`ghcr.io/acme/tools:1.2.0`"), std::string::npos) << section;
  EXPECT_NE(section.find("<https://huggingface.co/spaces/acme/tools|acme/tools> RUNNING"),
            std::string::npos)
      << section;
  EXPECT_NE(section.find("<https://github.com/acme/tools/actions/runs/42|build run>"),
            std::string::npos)
      << section;
  EXPECT_NE(section.find("`variables.LOG_LEVEL` is `debug`, want `info`"), std::string::npos)
      << section;
  EXPECT_EQ(blocks->At(1).GetString("type"), "context");
  ASSERT_EQ(blocks->At(1).Find("elements")->size(), 1u);
  const Json& context = blocks->At(1).Find("elements")->At(0);
  EXPECT_EQ(context.GetString("type"), "mrkdwn");
  EXPECT_NE(context.GetString("text").find("revision `4b825dc642cb6eb9a060e54bf8d69288fbee4904`"),
            std::string::npos)
      << context.GetString("text");
}

TEST(NotificationToSlack, EscapesControlCharactersEverywhere) {
  Notification n = DriftOnTools();
  n.message = "a <b> & c";
  n.drift = {{"default/tools", "space:acme/tools", "dockerfile", "FROM x && y", "<absent>"}};
  Json j = NotificationToSlack(n);
  EXPECT_EQ(j.GetString("text"), "DriftFound default/tools: a &lt;b&gt; &amp; c");
  const std::string section = j.Find("blocks")->At(0).Find("text")->GetString("text");
  EXPECT_NE(section.find(": a &lt;b&gt; &amp; c"), std::string::npos) << section;
  EXPECT_NE(section.find("is `&lt;absent&gt;`, want `FROM x &amp;&amp; y`"), std::string::npos)
      << section;
}

TEST(NotificationToSlack, ABacktickInAValueCannotBreakItsCodeSpan) {
  Notification n = DriftOnTools();
  n.drift = {{"default/tools", "space:acme/tools", "variables.X", "a`b", "c"}};
  const std::string section =
      NotificationToSlack(n).Find("blocks")->At(0).Find("text")->GetString("text");
  EXPECT_NE(section.find("want `a'b`"), std::string::npos) << section;
}

TEST(NotificationToSlack, ListsAtMostTenDriftItems) {
  Notification n = DriftOnTools();
  n.drift.clear();
  for (int i = 0; i < 25; ++i)
    n.drift.push_back({"default/tools", "space:acme/tools", "variables.V" + std::to_string(i), "1", "2"});
  const std::string section =
      NotificationToSlack(n).Find("blocks")->At(0).Find("text")->GetString("text");
  EXPECT_NE(section.find("variables.V9"), std::string::npos);
  EXPECT_EQ(section.find("variables.V10"), std::string::npos);
  EXPECT_NE(section.find("…and 15 more"), std::string::npos) << section;
}

TEST_F(NotifierTest, AnIdenticalNotificationIsSuppressedForFiveMinutes) {
  Receiver receiver;
  Notifier notifier(OptionsFor(receiver), *transport_, clock_);
  EXPECT_TRUE(notifier.Notify(DriftOnTools()));
  notifier.Flush();
  clock_.Advance(std::chrono::minutes(4) + std::chrono::seconds(59));
  EXPECT_FALSE(notifier.Notify(DriftOnTools()));  // its time differs; that does not count
  notifier.Flush();
  EXPECT_EQ(receiver.bodies().size(), 1u);
  EXPECT_EQ(notifier.stats().duplicates, 1);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(notifier.Notify(DriftOnTools()));
  notifier.Flush();
  ASSERT_EQ(receiver.bodies().size(), 2u);
  EXPECT_EQ(ParseBody(receiver.bodies()[1]).GetString("time"), "2026-01-01T00:05:00Z");
}

TEST_F(NotifierTest, DifferentContentIsNotSuppressed) {
  Receiver receiver;
  Notifier notifier(OptionsFor(receiver), *transport_, clock_);
  Notification first = DriftOnTools();
  Notification other_drift = first;
  other_drift.drift.pop_back();
  Notification other_event = first;
  other_event.event = NotificationEvent::kDriftCorrected;
  Notification other_deployment = first;
  other_deployment.deployment = "default/other";
  for (const Notification& n : {first, other_drift, other_event, other_deployment})
    EXPECT_TRUE(notifier.Notify(n));
  notifier.Flush();
  EXPECT_EQ(receiver.bodies().size(), 4u);
  EXPECT_EQ(notifier.stats().duplicates, 0);
}

TEST_F(NotifierTest, AFlakyReceiverGetsItDeliveredOnceAfterRetries) {
  Receiver receiver({500, 500});
  Notifier notifier(OptionsFor(receiver), *transport_, clock_);
  notifier.Notify(DriftOnTools());
  notifier.Flush();
  EXPECT_EQ(receiver.bodies().size(), 3u);
  NotifierStats stats = notifier.stats();
  EXPECT_EQ(stats.sent, 1);
  EXPECT_EQ(stats.failed, 0);
  EXPECT_EQ(stats.attempts, 3);
  EXPECT_EQ(clock_.slept(), std::chrono::seconds(2));  // two pauses of retry_pause
}

TEST_F(NotifierTest, AReceiverThatAlwaysFailsIsLoggedWithoutTheUrlsSecretPath) {
  Receiver receiver({500, 500, 500, 500});
  LogLines log;
  NotifierOptions options = OptionsFor(receiver);
  options.log = log.Sink();
  Notifier notifier(options, *transport_, clock_);
  notifier.Notify(DriftOnTools());
  notifier.Flush();
  NotifierStats stats = notifier.stats();
  EXPECT_EQ(stats.sent, 0);
  EXPECT_EQ(stats.failed, 1);
  EXPECT_EQ(stats.attempts, 3);
  EXPECT_EQ(receiver.bodies().size(), 3u);
  std::vector<std::string> lines = log.Get();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("DriftFound"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(receiver.origin()), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("500"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("secretTOKEN"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("/services"), std::string::npos) << lines[0];
  // Never delivered, so the next identical notification is not a duplicate.
  EXPECT_TRUE(notifier.Notify(DriftOnTools()));
}

TEST_F(NotifierTest, AClientErrorIsNotRetried) {
  Receiver receiver({404});
  LogLines log;
  NotifierOptions options = OptionsFor(receiver);
  options.log = log.Sink();
  Notifier notifier(options, *transport_, clock_);
  notifier.Notify(DriftOnTools());
  notifier.Flush();
  EXPECT_EQ(notifier.stats().attempts, 1);
  EXPECT_EQ(notifier.stats().failed, 1);
  EXPECT_EQ(clock_.slept(), std::chrono::milliseconds(0));
  ASSERT_EQ(log.Get().size(), 1u);
  EXPECT_NE(log.Get()[0].find("404"), std::string::npos);
}

TEST_F(NotifierTest, AnUnreachableReceiverIsRetriedThenLoggedByOriginOnly) {
  Receiver receiver;
  NotifierOptions options = OptionsFor(receiver);
  receiver.Stop();
  LogLines log;
  options.log = log.Sink();
  Notifier notifier(options, *transport_, clock_);
  notifier.Notify(DriftOnTools());
  notifier.Flush();
  EXPECT_EQ(notifier.stats().failed, 1);
  EXPECT_EQ(notifier.stats().attempts, 3);
  ASSERT_EQ(log.Get().size(), 1u);
  EXPECT_EQ(log.Get()[0].find("secretTOKEN"), std::string::npos) << log.Get()[0];
}

TEST_F(NotifierTest, PlainHttpToAnUnlistedOriginIsRefused) {
  Receiver receiver;
  NotifierOptions options = OptionsFor(receiver);
  options.insecure_origins.clear();
  Status check = CheckNotifierOptions(options);
  EXPECT_EQ(check.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(check.message().find("secretTOKEN"), std::string::npos) << check.message();
  EXPECT_TRUE(CheckNotifierOptions(OptionsFor(receiver)).ok());

  LogLines log;
  options.log = log.Sink();
  Notifier notifier(options, *transport_, clock_);
  notifier.Notify(DriftOnTools());
  notifier.Flush();
  EXPECT_EQ(receiver.bodies().size(), 0u);
  EXPECT_EQ(notifier.stats().failed, 1);
  ASSERT_EQ(log.Get().size(), 1u);
  EXPECT_NE(log.Get()[0].find("plain http"), std::string::npos) << log.Get()[0];
}

TEST_F(NotifierTest, FlushWaitsForASlowReceiver) {
  Receiver receiver;
  receiver.Hold();
  Notifier notifier(OptionsFor(receiver), *transport_, clock_);
  notifier.Notify(DriftOnTools());
  ASSERT_TRUE(receiver.WaitForRequests(1));
  std::atomic<bool> flushed{false};
  std::thread flusher([&] {
    notifier.Flush();
    flushed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(flushed.load());  // the post is still in flight
  receiver.Release();
  flusher.join();
  EXPECT_TRUE(flushed.load());
  EXPECT_EQ(notifier.stats().sent, 1);
}

TEST_F(NotifierTest, NotifyNeverBlocksAndDropsBeyondTheQueueBound) {
  Receiver receiver;
  receiver.Hold();
  NotifierOptions options = OptionsFor(receiver);
  options.max_queue = 1;
  Notifier notifier(options, *transport_, clock_);
  Notification a = DriftOnTools(), b = a, c = a;
  b.deployment = "default/b";
  c.deployment = "default/c";
  EXPECT_TRUE(notifier.Notify(a));
  ASSERT_TRUE(receiver.WaitForRequests(1));  // a is in flight, held by the receiver
  EXPECT_TRUE(notifier.Notify(b));            // queued
  EXPECT_FALSE(notifier.Notify(c));           // queue full: dropped at once
  EXPECT_EQ(notifier.stats().dropped, 1);
  receiver.Release();
  notifier.Flush();
  EXPECT_EQ(receiver.bodies().size(), 2u);
  EXPECT_EQ(notifier.stats().sent, 2);
}

TEST_F(NotifierTest, DestructionDeliversWhatIsQueued) {
  Receiver receiver;
  {
    Notifier notifier(OptionsFor(receiver), *transport_, clock_);
    Notification a = DriftOnTools(), b = a;
    b.deployment = "default/b";
    notifier.Notify(a);
    notifier.Notify(b);
  }
  EXPECT_EQ(receiver.bodies().size(), 2u);
}

}  // namespace
}  // namespace spaceport::report
