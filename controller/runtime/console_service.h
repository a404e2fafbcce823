// ConsoleService: the ops console's side of `spaceport run` — it keeps the console journal
// (runtime/console_journal.h) from the controller's passes, reads the log tail of a Space that
// fell into BUILD_ERROR or RUNTIME_ERROR, answers the console's JSON documents
// (runtime/console_view.h), and pushes live updates to every open event stream.
//
// Live updates are server-sent events on GET /api/v1/events (http::ResponseStream, so no thread is
// held per client). Each stream starts with `retry: 2000` and an `event: hello`; then
//   event: deployment   data: the deployment's fleet row, after each of its passes
//   event: fleet        data: {"revision": …}, when the desired state changed (rows came or went)
//   : keep-alive        a comment every 15 s, so proxies keep the connection and a departed
//                       client is noticed
// A browser's EventSource reconnects by itself when the controller restarts; the page then reloads
// what it shows. At most `max_streams` clients are served at once (503 beyond).
//
// Log tails cost one Hub request each, so a tail is read once per Space, error stage and commit,
// on the worker thread that finished the pass (never on a server thread), bounded by 3 s.
//
// "Reconcile now" (POST …/reconcile) needs the trigger secret (`--trigger-secret-env`); without
// one configured the action does not exist (404) and the page does not offer it.
//
//   ConsoleService console(controller, world, {.trigger_secret = secret}, RealClock::Instance());
//   options.on_reconciled = [&](auto& d, auto& out, auto next) { console.OnReconciled(d, out, next); };
//   console.Start();   // the heartbeat thread; the destructor stops it and ends every stream
//
// Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "http/response_stream.h"
#include "runtime/console_journal.h"
#include "runtime/controller.h"
#include "runtime/world.h"

namespace spaceport::runtime {

struct ConsoleOptions {
  std::string trigger_secret;  // "" = no "Reconcile now"
  std::string auth;            // what the API asks for, shown by the page: none, token, basic, token+basic
  std::string version;         // spaceport's version, shown in the header
  size_t max_streams = 64;
  Clock::Duration keep_alive = std::chrono::seconds(15);
  Clock::Duration tick = std::chrono::seconds(1);  // budget samples and desired-state checks
  ConsoleJournalOptions journal;
};

class ConsoleService {
 public:
  ConsoleService(Controller& controller, World& world, ConsoleOptions options, Clock& clock);
  ~ConsoleService();
  ConsoleService(const ConsoleService&) = delete;
  ConsoleService& operator=(const ConsoleService&) = delete;

  void Start();  // the heartbeat thread (keep-alives, budget samples, desired-state changes)
  void Stop();   // idempotent: ends the thread and every open stream

  // From the controller's worker (ControllerOptions::on_reconciled).
  void OnReconciled(const spec::SpaceDeployment& deployment, const ReconcileOutcome& outcome,
                    Clock::TimePoint next_reconcile);

  // The documents of docs/console.md.
  Json Info() const;
  Json Fleet() const;
  std::optional<Json> Detail(const std::string& key) const;  // nullopt: no such deployment
  Json Timeline(std::chrono::hours hours, const std::string& deployment) const;

  // A new event stream, or nullptr when max_streams are open.
  std::shared_ptr<http::ResponseStream> Subscribe();
  // "Reconcile now": kNotFound without a trigger secret or for an unknown key,
  // kUnauthenticated for a wrong secret.
  Status Trigger(const std::string& key, const std::string& secret);
  bool trigger_configured() const { return !options_.trigger_secret.empty(); }

  const ConsoleJournal& journal() const { return journal_; }

 private:
  void Heartbeat();
  void Publish(const std::string& event, const Json& data);
  void Broadcast(const std::string& bytes);
  void ReadLogTails(const spec::SpaceDeployment& deployment, const ReconcileOutcome& outcome);
  Json HubBudgetJson() const;

  Controller& controller_;
  World& world_;
  ConsoleOptions options_;
  Clock& clock_;
  ConsoleJournal journal_;

  std::mutex streams_mu_;
  std::vector<std::shared_ptr<http::ResponseStream>> streams_;
  int64_t next_event_id_ = 1;

  std::mutex tick_mu_;
  std::condition_variable tick_cv_;
  bool stopping_ = false;              // guarded by tick_mu_
  std::atomic<bool> stopped_{false};  // no new streams once Stop began
  std::thread heartbeat_;
};

}  // namespace spaceport::runtime
