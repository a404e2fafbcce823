// Equivalence with a real build: `buildah bud` of hf/Dockerfile (vfs storage, chroot isolation) on
// the same base must give the same runtime config as our daemonless wrapper — Env, ExposedPorts,
// Entrypoint, Cmd, WorkingDir and User. Both images are pushed to the same real registry and read
// back with `skopeo inspect --config`.
//
// Known, intended differences (oci-registry.md §6.5) are not compared: buildah adds an empty
// layer, an io.buildah.version label and its own history, and moves a replaced Env entry to the end
// (Docker semantics keep it in place, as we do), so Env is compared as a set when the base already
// sets HOST or PORT, and exactly when it sets neither.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "act/registry_world.h"

namespace spaceport::act::testing {
namespace {

// Pushes repository:to_tag as a copy of from_tag whose config.config went through `edit`: a base
// with the fields the comparison needs (the seeder writes no Entrypoint or User).
Result<std::string> PushConfigVariant(oci::RegistryClient& client, const std::string& repository,
                                      const std::string& from_tag, const std::string& to_tag,
                                      const std::function<void(Json&)>& edit) {
  auto base = client.GetManifest(repository, from_tag);
  if (!base.ok()) return base.status();
  auto descriptor = base->Config();
  if (!descriptor.ok()) return descriptor.status();
  auto config = client.GetBlob(repository, descriptor->digest, descriptor->size);
  if (!config.ok()) return config.status();
  auto doc = Json::Parse(*config);
  if (!doc.ok()) return doc.status();
  edit(*doc->Find("config"));
  std::string bytes = doc->Dump();
  auto pushed = client.PushBlob(repository, bytes, descriptor->media_type);
  if (!pushed.ok()) return pushed.status();
  Json manifest = base->doc;
  manifest.Find("config")->Set("digest", Json(pushed->digest));
  manifest.Find("config")->Set("size", Json(pushed->size));
  return client.PutManifest(repository, to_tag, manifest.Dump(), base->media_type);
}

Json StringArray(std::initializer_list<const char*> items) {
  Json a = Json::Array();
  for (const char* s : items) a.Push(Json(s));
  return a;
}

std::vector<std::string> Strings(const Json* array) {
  std::vector<std::string> out;
  if (array == nullptr || !array->is_array()) return out;
  for (size_t i = 0; i < array->size(); ++i) out.push_back(array->At(i).AsString());
  return out;
}

std::set<std::string> Keys(const Json* object) {
  std::set<std::string> out;
  if (object == nullptr || !object->is_object()) return out;
  for (const auto& [key, value] : object->Members()) out.insert(key);
  return out;
}

// `buildah bud` + `buildah push` with storage in a temp dir (vfs, chroot isolation: no daemon,
// no overlay mounts), as oci-registry.md §6.5 runs it.
class Buildah {
 public:
  explicit Buildah(const std::filesystem::path& dir) : dir_(dir) {}

  // Builds hf/Dockerfile FROM base_ref and pushes the result to `target_ref`.
  support::CommandResult BuildAndPush(const std::string& base_ref, const std::string& target_ref) {
    std::filesystem::create_directories(dir_ / "context");
    std::string local = "localhost/hf-equivalence:" + std::to_string(++builds_);
    support::CommandResult bud = Run(
        {"bud", "--isolation", "chroot", "--tls-verify=false", "--build-arg",
         "BASE_IMAGE=" + base_ref, "-f", std::string(SPACEPORT_SOURCE_DIR) + "/hf/Dockerfile",
         "-t", local, (dir_ / "context").string()});
    if (bud.exit_code != 0) return bud;
    return Run({"push", "--tls-verify=false", local, "docker://" + target_ref});
  }

 private:
  support::CommandResult Run(std::vector<std::string> args) {
    std::vector<std::string> argv = {"buildah", "--root", (dir_ / "root").string(), "--runroot",
                                     (dir_ / "run").string(), "--storage-driver", "vfs"};
    argv.insert(argv.end(), args.begin(), args.end());
    return support::RunCommand(argv);
  }

  std::filesystem::path dir_;
  int builds_ = 0;
};

class WrapperBuildahEquivalence : public RealRegistryTest {};

TEST_F(WrapperBuildahEquivalence, BuildahBudOfHfDockerfileGivesTheSameRuntimeConfigAsOurWrapper) {
  struct Case {
    std::string name, tag;
    std::vector<std::string> env;
    std::vector<std::string> ports;
    bool exact_env;  // the base sets neither HOST nor PORT: same order too
  };
  const Case cases[] = {
      {"a base without HOST or PORT", "eq-plain", {"PATH=/usr/bin:/bin", "APP_MODE=prod"}, {},
       true},
      {"a base that already sets PORT, HOST and EXPOSE 8080",
       "eq-ported",
       {"PATH=/usr/bin:/bin", "PORT=8080", "APP_MODE=prod", "HOST=127.0.0.1"},
       {"8080/tcp"},
       false},
  };
  ASSERT_TRUE(support::RequireExecutable("buildah").ok()) << "run scripts/setup";
  ASSERT_TRUE(Need({"open:owner/app:v1.0.0"}));
  support::RegistryProcess& r = Reg("open");
  auto client = ClientFor(r);
  support::TempDir storage("act-buildah");
  Buildah buildah(storage.path());

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto variant = PushConfigVariant(*client, "owner/app", "v1.0.0", c.tag, [&](Json& config) {
      Json env = Json::Array();
      for (const std::string& e : c.env) env.Push(Json(e));
      config.Set("Env", std::move(env));
      if (!c.ports.empty()) {
        Json ports = Json::Object();
        for (const std::string& p : c.ports) ports.Set(p, Json::Object());
        config.Set("ExposedPorts", std::move(ports));
      }
      config.Set("Entrypoint", StringArray({"/app/entrypoint.sh", "--serve"}));
      config.Set("Cmd", StringArray({"--workers", "2"}));
      config.Set("WorkingDir", Json("/srv/app"));
      config.Set("User", Json("1000:1000"));
    });
    ASSERT_TRUE(variant.ok()) << variant.status().ToString();

    auto ours = Publish(*client, r, "owner/app", c.tag, "amd64");
    ASSERT_TRUE(ours.ok()) << ours.status().ToString();
    support::CommandResult built = buildah.BuildAndPush(r.host() + "/owner/app:" + c.tag,
                                                        r.host() + "/owner/app:bud-" + c.tag);
    ASSERT_EQ(built.exit_code, 0) << built.output;

    Json our_config = SkopeoJson(r, "owner/app:hf-amd64-" + c.tag, "--config");
    Json their_config = SkopeoJson(r, "owner/app:bud-" + c.tag, "--config");
    const Json* our = our_config.Find("config");
    const Json* their = their_config.Find("config");
    ASSERT_NE(our, nullptr);
    ASSERT_NE(their, nullptr) << their_config.Dump();

    std::vector<std::string> our_env = Strings(our->Find("Env"));
    std::vector<std::string> their_env = Strings(their->Find("Env"));
    if (c.exact_env) {
      EXPECT_EQ(our_env, their_env);
    } else {
      EXPECT_EQ(std::set<std::string>(our_env.begin(), our_env.end()),
                std::set<std::string>(their_env.begin(), their_env.end()));
      EXPECT_EQ(our_env.size(), their_env.size()) << "no duplicate entries";
    }
    EXPECT_THAT(our_env, ::testing::Contains("PORT=7860"));
    EXPECT_EQ(Keys(our->Find("ExposedPorts")), Keys(their->Find("ExposedPorts")));
    EXPECT_TRUE(Keys(our->Find("ExposedPorts")).count("7860/tcp"));
    for (const char* field : {"Entrypoint", "Cmd", "WorkingDir", "User"}) {
      SCOPED_TRACE(field);
      ASSERT_NE(our->Find(field), nullptr);
      ASSERT_NE(their->Find(field), nullptr);
      EXPECT_EQ(our->Find(field)->Dump(), their->Find(field)->Dump());
    }
    EXPECT_EQ(our->Find("User")->AsString(), "1000:1000") << "the base's fields were kept";
  }
}

}  // namespace
}  // namespace spaceport::act::testing
