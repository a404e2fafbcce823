#include <gtest/gtest.h>

#include "http/http.h"

namespace spaceport::http {
namespace {

struct ParseCase {
  const char* name;
  const char* text;
  const char* scheme;
  const char* host;
  int port;
  const char* path_and_query;
  const char* origin;
};

TEST(Url, ParseTable) {
  const ParseCase cases[] = {
      {"https gets port 443 and a root path", "https://ghcr.io", "https", "ghcr.io", 443, "/",
       "https://ghcr.io"},
      {"scheme and host are lowercased, path kept verbatim", "HTTPS://GHCR.io/V2/A%2Fb?X=Y",
       "https", "ghcr.io", 443, "/V2/A%2Fb?X=Y", "https://ghcr.io"},
      {"explicit non-default port shows in the origin", "http://127.0.0.1:5000/v2/", "http",
       "127.0.0.1", 5000, "/v2/", "http://127.0.0.1:5000"},
      {"explicit default port is dropped from the origin", "https://h:443/x", "https", "h", 443,
       "/x", "https://h"},
      {"query without path gets a slash", "http://h?a=1", "http", "h", 80, "/?a=1", "http://h"},
      {"fragment is dropped", "https://h/p#frag", "https", "h", 443, "/p", "https://h"},
      {"IPv6 host loses its brackets, origin restores them", "http://[::1]:8080/x", "http", "::1",
       8080, "/x", "http://[::1]:8080"},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(c.name);
    Result<Url> url = Url::Parse(c.text);
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    EXPECT_EQ(url->scheme, c.scheme);
    EXPECT_EQ(url->host, c.host);
    EXPECT_EQ(url->port, c.port);
    EXPECT_EQ(url->path_and_query, c.path_and_query);
    EXPECT_EQ(url->Origin(), c.origin);
    EXPECT_EQ(url->ToString(), std::string(c.origin) + c.path_and_query);
    // HostPort is the origin without "scheme://": how metrics and rate limits name a host.
    EXPECT_EQ(url->HostPort(), std::string(c.origin).substr(std::string(c.scheme).size() + 3));
  }
}

TEST(Url, ParseRejectsWhatItCannotSendAndNeverEchoesTheUrl) {
  const std::pair<const char*, const char*> cases[] = {
      {"relative reference", "/v2/"},
      {"ftp scheme", "ftp://h/x"},
      {"no host", "https:///x"},
      {"user info (credentials belong in headers)", "https://user:secret-pw@h/x"},
      {"port zero", "http://h:0/"},
      {"port too large", "http://h:65536/"},
      {"port not a number", "http://h:abc/"},
      {"space in path", "http://h/a b"},
      {"unclosed IPv6 bracket", "http://[::1/x"},
  };
  for (const auto& [name, text] : cases) {
    SCOPED_TRACE(name);
    Result<Url> url = Url::Parse(text);
    ASSERT_FALSE(url.ok());
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(url.status().message().find("secret-pw"), std::string::npos);
  }
}

// RFC 3986 §5.4.1 and §5.4.2 examples (fragments are dropped, as a request never sends them).
TEST(Url, ResolveFollowsRfc3986Examples) {
  const Url base = *Url::Parse("http://a/b/c/d;p?q");
  const std::pair<const char*, const char*> cases[] = {
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g/"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q"},
      {"g?y#s", "http://a/b/c/g?y"},
      {";x", "http://a/b/c/;x"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"https://other:8443/x/../y?z", "https://other:8443/y?z"},
  };
  for (const auto& [reference, expected] : cases) {
    SCOPED_TRACE(std::string("reference \"") + reference + "\"");
    Result<Url> resolved = base.Resolve(reference);
    ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
    EXPECT_EQ(resolved->ToString(), expected);
  }
}

TEST(Url, ResolveKeepsRegistryUploadLocationsOnTheBaseOrigin) {
  const Url base = *Url::Parse("http://127.0.0.1:5000/v2/org/app/blobs/uploads/");
  EXPECT_EQ(base.Resolve("/v2/org/app/blobs/uploads/abc?_state=x%3D")->ToString(),
            "http://127.0.0.1:5000/v2/org/app/blobs/uploads/abc?_state=x%3D");
  EXPECT_EQ(base.Resolve("abc")->ToString(), "http://127.0.0.1:5000/v2/org/app/blobs/uploads/abc");
}

TEST(Url, ResolveRejectsUnsupportedSchemes) {
  const Url base = *Url::Parse("http://a/b");
  EXPECT_FALSE(base.Resolve("g:h").ok());
  EXPECT_FALSE(base.Resolve("mailto:x@y").ok());
}

TEST(Url, UrlEncodeEscapesEverythingButUnreservedCharacters) {
  EXPECT_EQ(UrlEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(UrlEncode("repository:org/app:pull,push"), "repository%3Aorg%2Fapp%3Apull%2Cpush");
  EXPECT_EQ(UrlEncode("a b+c&d=e"), "a%20b%2Bc%26d%3De");
  EXPECT_EQ(UrlEncode("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(UrlEncode(""), "");
}

}  // namespace
}  // namespace spaceport::http
