// support::FaultProxy's decisions in process, no sockets: the rates parser, the request key and
// the seeded choice — the same inputs always give the same decision, different seeds differ, and
// over many requests each kind comes up at about its rate.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "support/fault_proxy.h"

namespace spaceport::support {
namespace {

struct RatesCase {
  std::string name;
  std::string spec;
  bool ok;
  std::map<FaultKind, double> expected;  // when ok
  std::string error_part;                // when not
};

class ParseFaultRatesTable : public ::testing::TestWithParam<RatesCase> {};

TEST_P(ParseFaultRatesTable, Parses) {
  const RatesCase& c = GetParam();
  Result<FaultRates> rates = ParseFaultRates(c.spec);
  ASSERT_EQ(rates.ok(), c.ok) << rates.status().ToString();
  if (!c.ok) {
    EXPECT_NE(rates.status().message().find(c.error_part), std::string::npos)
        << rates.status().message();
    return;
  }
  ASSERT_EQ(rates->size(), c.expected.size());
  for (const auto& [kind, p] : c.expected) EXPECT_NEAR(rates->at(kind), p, 1e-12) << FaultKindName(kind);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseFaultRatesTable,
    ::testing::Values(
        RatesCase{"EmptyMeansEverythingPasses", "", true, {}, ""},
        RatesCase{"OneKind", "503=0.25", true, {{FaultKind::kStatus503, 0.25}}, ""},
        RatesCase{"GroupSpreadsEvenly", "5xx=0.3", true,
                  {{FaultKind::kStatus500, 0.1}, {FaultKind::kStatus502, 0.1}, {FaultKind::kStatus503, 0.1}}, ""},
        RatesCase{"LaterEntriesAdd", "429=0.2,429-date=0.1", true,
                  {{FaultKind::kTooManyRetryAfterSeconds, 0.1}, {FaultKind::kTooManyRetryAfterDate, 0.2}}, ""},
        RatesCase{"AllSpreadsOverElevenKinds", "all=0.33", true,
                  [] {
                    std::map<FaultKind, double> m;
                    for (FaultKind k : AllFaultKinds()) m[k] = 0.03;
                    return m;
                  }(),
                  ""},
        RatesCase{"UnknownKindIsNamed", "teapot=0.1", false, {}, "unknown kind \"teapot\""},
        RatesCase{"PassIsNotAFault", "pass=0.1", false, {}, "unknown kind \"pass\""},
        RatesCase{"ProbabilityAboveOneRefused", "stall=1.5", false, {}, "must be in [0, 1]"},
        RatesCase{"NotANumberRefused", "stall=lots", false, {}, "must be in [0, 1]"},
        RatesCase{"MissingEqualsRefused", "stall", false, {}, "expected KIND=PROBABILITY"},
        RatesCase{"SumAboveOneRefused", "5xx=0.6,reset=0.6", false, {}, "more than 1"}),
    [](const auto& p) { return p.param.name; });

TEST(FaultKey, DropsTheQueryAndHidesServerChosenIds) {
  EXPECT_EQ(FaultKey("GET", "/api/spaces/acme/demo?expand=runtime"), "GET /api/spaces/acme/demo");
  EXPECT_EQ(FaultKey("PATCH", "/v2/acme/app/blobs/uploads/3f2b6c1e-9a4d-4c55-8e11-0a1b2c3d4e5f?_state=x"),
            "PATCH /v2/acme/app/blobs/uploads/*");
  // A content digest is not server-chosen but it is long hex too: the same blob, the same key.
  EXPECT_EQ(FaultKey("HEAD", "/v2/acme/app/blobs/sha256:" + std::string(64, 'a')),
            "HEAD /v2/acme/app/blobs/sha256:" + std::string(64, 'a'));
  EXPECT_EQ(FaultKey("GET", "/"), "GET /");
}

TEST(FaultKindNames, RoundTrip) {
  for (FaultKind k : AllFaultKinds()) EXPECT_EQ(FaultKindFromName(FaultKindName(k)), k);
  EXPECT_EQ(FaultKindFromName("pass"), FaultKind::kPass);
  EXPECT_EQ(AllFaultKinds().size(), 11u);
}

TEST(DecideFault, TheSameSeedKeyAndOccurrenceAlwaysGiveTheSameDecision) {
  const FaultRates rates = *ParseFaultRates("all=0.5");
  for (uint64_t occurrence = 0; occurrence < 200; ++occurrence) {
    const FaultKind first = DecideFault(42, "GET /api/spaces/acme/demo", occurrence, rates);
    EXPECT_EQ(DecideFault(42, "GET /api/spaces/acme/demo", occurrence, rates), first);
  }
}

TEST(DecideFault, DifferentSeedsKeysAndOccurrencesGiveDifferentSequences) {
  const FaultRates rates = *ParseFaultRates("all=0.5");
  auto sequence = [&](uint64_t seed, const std::string& key) {
    std::string s;
    for (uint64_t i = 0; i < 64; ++i) s += FaultKindName(DecideFault(seed, key, i, rates)).substr(0, 2);
    return s;
  };
  EXPECT_NE(sequence(1, "GET /a"), sequence(2, "GET /a"));
  EXPECT_NE(sequence(1, "GET /a"), sequence(1, "GET /b"));
  EXPECT_NE(sequence(1, "GET /a"), sequence(1, "POST /a"));
}

TEST(DecideFault, NoRatesMeansEveryRequestPasses) {
  for (uint64_t i = 0; i < 1000; ++i) EXPECT_EQ(DecideFault(7, "GET /x", i, {}), FaultKind::kPass);
}

TEST(DecideFault, ARateOfOneMeansEveryRequestMeetsThatKind) {
  const FaultRates rates = *ParseFaultRates("stall=1");
  for (uint64_t i = 0; i < 1000; ++i) EXPECT_EQ(DecideFault(7, "GET /x", i, rates), FaultKind::kStall);
}

// 20,000 requests over 20 keys: each kind within 1.5 points of its rate, the passes within 2.
TEST(DecideFault, EachKindComesUpAtAboutItsRate) {
  const FaultRates rates = *ParseFaultRates("503=0.1,429-seconds=0.05,reset-after=0.05,stall=0.02,latency=0.08");
  std::map<FaultKind, int> counts;
  const int n = 20000;
  for (int i = 0; i < n; ++i)
    ++counts[DecideFault(3, "GET /path/" + std::to_string(i % 20), static_cast<uint64_t>(i / 20), rates)];
  for (const auto& [kind, p] : rates)
    EXPECT_NEAR(counts[kind] / double(n), p, 0.015) << FaultKindName(kind);
  EXPECT_NEAR(counts[FaultKind::kPass] / double(n), 0.7, 0.02);
  EXPECT_EQ(counts[FaultKind::kStatus500], 0);
}

TEST(FaultDecision, ToStringNamesTheRequestAndTheDecision) {
  FaultDecision d;
  d.sequence = 12;
  d.key = "GET /api/spaces/acme/demo";
  d.occurrence = 3;
  d.kind = FaultKind::kStatus503;
  d.rule = "seed";
  EXPECT_EQ(d.ToString("hub"), "hub #12 GET /api/spaces/acme/demo [occurrence 3]: 503 (seed)");
}

}  // namespace
}  // namespace spaceport::support
