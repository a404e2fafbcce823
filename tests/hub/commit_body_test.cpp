// The NDJSON commit body and the preupload body, byte for byte.
#include "clients/hub/commit_body.h"

#include "base/base64.h"

#include <gtest/gtest.h>

namespace spaceport::hub {
namespace {

TEST(CommitNdjson, HeaderFilesAndDeletionsAreOneJsonLineEach) {
  CommitRequest request;
  request.summary = "Deploy v1.0.0";
  request.description = "wrapper sha256:ab12";
  request.parent_commit = "c52ce5e45984b9378ef6247fe7a45ed72b096b24";
  request.files = {{"Dockerfile", "FROM busybox\n"}, {"README.md", "---\nsdk: docker\n---\n"}};
  request.deletions = {"old.txt"};
  EXPECT_EQ(CommitNdjson(request),
            R"({"key":"header","value":{"summary":"Deploy v1.0.0","description":"wrapper sha256:ab12","parentCommit":"c52ce5e45984b9378ef6247fe7a45ed72b096b24"}})"
            "\n"
            R"({"key":"file","value":{"content":"RlJPTSBidXN5Ym94Cg==","path":"Dockerfile","encoding":"base64"}})"
            "\n"
            R"({"key":"file","value":{"content":"LS0tCnNkazogZG9ja2VyCi0tLQo=","path":"README.md","encoding":"base64"}})"
            "\n"
            R"({"key":"deletedFile","value":{"path":"old.txt"}})"
            "\n");
}

TEST(CommitNdjson, EmptyDescriptionAndParentAreLeftOutAndTextIsEscaped) {
  CommitRequest request;
  request.summary = "say \"hi\"\n";
  request.files = {{"a/b c.txt", ""}};
  EXPECT_EQ(CommitNdjson(request),
            R"({"key":"header","value":{"summary":"say \"hi\"\n"}})"
            "\n"
            R"({"key":"file","value":{"content":"","path":"a/b c.txt","encoding":"base64"}})"
            "\n");
}

TEST(PreuploadBody, SendsPathSizeAndABase64SampleOfTheFirst512Bytes) {
  std::vector<CommitFile> files = {{"Dockerfile", "FROM x\n"}, {"big", std::string(600, 'a')},
                                   {"skipped", "z"}};
  EXPECT_EQ(PreuploadBody(files, 0, 2),
            R"({"files":[{"path":"Dockerfile","size":7,"sample":"RlJPTSB4Cg=="},{"path":"big","size":600,"sample":")" +
                Base64Encode(std::string(512, 'a')) + R"("}]})");
}

}  // namespace
}  // namespace spaceport::hub
