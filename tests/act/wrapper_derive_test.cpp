#include "act/wrapper_derive.h"

#include <gtest/gtest.h>

#include "base/digest.h"
#include "base/json.h"
#include "plan/plan_builders.h"
#include "resolve/wrapper.h"

namespace spaceport::act {
namespace {

using plan::testing::DefaultWrapper;

// A base config as umoci/buildah write them, with a field Spaceport does not know about.
constexpr std::string_view kBaseConfig =
    R"({"created":"2026-01-02T03:04:05.123456789Z","architecture":"amd64","os":"linux",)"
    R"("config":{"Env":["PATH=/usr/bin","PORT=8080","APP_MODE=prod"],"ExposedPorts":{"8080/tcp":{}},)"
    R"("WorkingDir":"/app","Cmd":["/app/run"],"Labels":{"org.example.base":"yes"}},)"
    R"("rootfs":{"type":"layers","diff_ids":["sha256:aaaa"]},)"
    R"("history":[{"created":"2026-01-02T03:04:05Z","created_by":"umoci config"}],)"
    R"("moby.buildkit.buildinfo.v1":"e30=","big":12345678901234567890})";

Json ParseOrDie(std::string_view s) {
  auto j = Json::Parse(s);
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  return j.ok() ? *j : Json();
}

TEST(DeriveWrapperConfig, ReplacesEnvInPlaceAndAppendsMissingEntries) {
  auto w = DefaultWrapper();
  auto out = DeriveWrapperConfig(kBaseConfig, {w, "r/app:v1", "sha256:base"});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  Json cfg = ParseOrDie(*out);
  const Json& env = *cfg.Find("config")->Find("Env");
  ASSERT_EQ(env.size(), 4u);
  EXPECT_EQ(env.At(0).AsString(), "PATH=/usr/bin");
  EXPECT_EQ(env.At(1).AsString(), "PORT=7860");  // replaced where it stood
  EXPECT_EQ(env.At(2).AsString(), "APP_MODE=prod");
  EXPECT_EQ(env.At(3).AsString(), "HOST=0.0.0.0");  // appended
}

TEST(DeriveWrapperConfig, MergesExposedPortsAndStampsLabels) {
  auto w = DefaultWrapper();
  auto out = DeriveWrapperConfig(kBaseConfig, {w, "r/app:v1", "sha256:base"});
  ASSERT_TRUE(out.ok());
  Json cfg = ParseOrDie(*out);
  const Json& ports = *cfg.Find("config")->Find("ExposedPorts");
  EXPECT_NE(ports.Find("8080/tcp"), nullptr);
  EXPECT_NE(ports.Find("7860/tcp"), nullptr);
  const Json& labels = *cfg.Find("config")->Find("Labels");
  EXPECT_EQ(labels.GetString("org.example.base"), "yes");
  EXPECT_EQ(labels.GetString(resolve::kLabelBaseName), "r/app:v1");
  EXPECT_EQ(labels.GetString(resolve::kLabelBaseDigest), "sha256:base");
  EXPECT_EQ(labels.GetString(resolve::kLabelSpecHash), resolve::WrapperSpecHash(w));
}

TEST(DeriveWrapperConfig, KeepsUnknownFieldsNumbersRootfsAndCreated) {
  auto w = DefaultWrapper();
  auto out = DeriveWrapperConfig(kBaseConfig, {w, "r/app:v1", "sha256:base"});
  ASSERT_TRUE(out.ok());
  EXPECT_NE(out->find(R"("moby.buildkit.buildinfo.v1":"e30=")"), std::string::npos);
  EXPECT_NE(out->find(R"("big":12345678901234567890)"), std::string::npos);
  EXPECT_NE(out->find(R"("rootfs":{"type":"layers","diff_ids":["sha256:aaaa"]})"), std::string::npos);
  Json cfg = ParseOrDie(*out);
  EXPECT_EQ(cfg.GetString("created"), "2026-01-02T03:04:05.123456789Z");
}

TEST(DeriveWrapperConfig, AppendsEmptyLayerHistoryEntriesDatedLikeTheBase) {
  auto w = DefaultWrapper();
  auto out = DeriveWrapperConfig(kBaseConfig, {w, "r/app:v1", "sha256:base"});
  ASSERT_TRUE(out.ok());
  Json cfg = ParseOrDie(*out);
  const Json& history = *cfg.Find("history");
  ASSERT_EQ(history.size(), 4u);
  for (size_t i = 1; i < history.size(); ++i) {
    EXPECT_TRUE(history.At(i).Find("empty_layer")->AsBool());
    EXPECT_EQ(history.At(i).GetString("created"), "2026-01-02T03:04:05.123456789Z");
  }
  EXPECT_EQ(history.At(1).GetString("created_by"), "ENV HOST=0.0.0.0 PORT=7860");
  EXPECT_EQ(history.At(2).GetString("created_by"), "EXPOSE 7860/tcp");
}

TEST(DeriveWrapperConfig, SameInputsGiveTheSameBytes) {
  auto w = DefaultWrapper();
  auto a = DeriveWrapperConfig(kBaseConfig, {w, "r/app:v1", "sha256:base"});
  auto b = DeriveWrapperConfig(kBaseConfig, {w, "r/app:v1", "sha256:base"});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto moved = DeriveWrapperConfig(kBaseConfig, {w, "r/app:v1", "sha256:other"});
  ASSERT_TRUE(moved.ok());
  EXPECT_NE(Sha256Hex(*a), Sha256Hex(*moved));
}

TEST(DeriveWrapperConfig, CreatesConfigSectionsABareBaseLacks) {
  auto w = DefaultWrapper();
  auto out = DeriveWrapperConfig(R"({"architecture":"arm64","os":"linux"})", {w, "r:v", "sha256:b"});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  Json cfg = ParseOrDie(*out);
  EXPECT_EQ(cfg.Find("config")->Find("Env")->size(), 2u);
  EXPECT_EQ(cfg.Find("history")->At(0).Find("created"), nullptr);  // no created to copy
}

TEST(DeriveWrapperConfig, RejectsConfigThatIsNotAnObject) {
  auto w = DefaultWrapper();
  EXPECT_FALSE(DeriveWrapperConfig("[1]", {w, "r:v", "sha256:b"}).ok());
  EXPECT_FALSE(DeriveWrapperConfig(R"({"config":[]})", {w, "r:v", "sha256:b"}).ok());
  EXPECT_FALSE(DeriveWrapperConfig("{", {w, "r:v", "sha256:b"}).ok());
}

constexpr std::string_view kOciManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:old","size":10},)"
    R"("layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:l1","size":200000}]})";

TEST(DeriveWrapperManifest, ReplacesOnlyTheConfigDescriptorAndAnnotatesOci) {
  auto w = DefaultWrapper();
  auto out = DeriveWrapperManifest(kOciManifest, "application/vnd.oci.image.manifest.v1+json",
                                   "sha256:new", 42, {w, "r/app:v1", "sha256:base"});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out,
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
            R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:new","size":42},)"
            R"("layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:l1","size":200000}],)"
            R"("annotations":{"org.opencontainers.image.base.name":"r/app:v1",)"
            R"("org.opencontainers.image.base.digest":"sha256:base"}})");
}

TEST(DeriveWrapperManifest, DockerSchema2GetsNoAnnotations) {
  auto w = DefaultWrapper();
  std::string docker(kOciManifest);
  docker.replace(docker.find("application/vnd.oci.image.manifest.v1+json"),
                 std::string_view("application/vnd.oci.image.manifest.v1+json").size(),
                 "application/vnd.docker.distribution.manifest.v2+json");
  auto out = DeriveWrapperManifest(docker, "application/vnd.docker.distribution.manifest.v2+json",
                                   "sha256:new", 42, {w, "r/app:v1", "sha256:base"});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->find("annotations"), std::string::npos);
  EXPECT_NE(out->find(R"("digest":"sha256:new","size":42)"), std::string::npos);
}

TEST(DeriveWrapperManifest, RefusesAnIndex) {
  auto w = DefaultWrapper();
  auto out = DeriveWrapperManifest(R"({"manifests":[]})", "application/vnd.oci.image.index.v1+json",
                                   "sha256:new", 42, {w, "r/app:v1", "sha256:base"});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("platform manifest"), std::string::npos);
}

}  // namespace
}  // namespace spaceport::act
