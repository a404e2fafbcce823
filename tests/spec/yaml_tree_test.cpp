// The positioned YAML tree: document splitting, marks, duplicate keys kept, plain vs quoted,
// and the bounds (aliases refused, nesting capped) that keep hostile input cheap.
#include "spec/yaml_tree.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "spec/document_split.h"

namespace spaceport::spec::yaml {
namespace {

using ::testing::ElementsAre;

struct SplitCase {
  std::string name;
  std::string stream;
  std::vector<std::string> texts;  // each document's text
  std::vector<int> content_lines;  // 0-based
};

TEST(SplitDocuments, CutsAtMarkerLinesOnly) {
  const std::vector<SplitCase> cases = {
      {"a single document is one chunk", "a: 1\n", {"a: 1\n"}, {0}},
      {"a leading marker and comments make no empty chunk",
       "# c\n---\na: 1\n",
       {"# c\n---\na: 1\n"},
       {2}},
      {"each marker starts a document",
       "a: 1\n---\nb: 2\n--- # x\nc: 3\n",
       {"a: 1\n", "---\nb: 2\n", "--- # x\nc: 3\n"},
       {0, 2, 4}},
      {"content on the marker line counts",
       "a: 1\n--- {b: 2}\n",
       {"a: 1\n", "--- {b: 2}\n"},
       {0, 1}},
      {"an end marker closes a document and is left out",
       "a: 1\n...\nb: 2\n",
       {"a: 1\n", "b: 2\n"},
       {0, 2}},
      {"a marker needs a space or the end of the line after it",
       "a: 1\n---b\n",
       {"a: 1\n---b\n"},
       {0}},
      {"a marker must start the line", "a: |\n  ---\n  text\n", {"a: |\n  ---\n  text\n"}, {0}},
      {"empty documents between markers are dropped",
       "---\n---\n# only a comment\n---\na: 1\n",
       {"---\na: 1\n"},
       {4}},
      {"directives stay with their document",
       "%YAML 1.2\n---\na: 1\n",
       {"%YAML 1.2\n---\na: 1\n"},
       {2}},
      {"windows line ends are understood",
       "a: 1\r\n---\r\nb: 2\r\n",
       {"a: 1\r\n", "---\r\nb: 2\r\n"},
       {0, 2}},
  };
  for (const auto& c : cases) {
    std::vector<std::string> texts;
    std::vector<int> lines;
    for (const DocumentText& d : SplitDocuments(c.stream)) {
      texts.emplace_back(d.text);
      lines.push_back(d.content_line);
    }
    EXPECT_EQ(texts, c.texts) << c.name;
    EXPECT_EQ(lines, c.content_lines) << c.name;
  }
}

TEST(ParseDocuments, GivesEveryNodeItsLineAndColumnInTheFile) {
  const auto docs = ParseDocuments("x: 0\n---\nkey:\n  list: [a, \"b\"]\n", 64);
  ASSERT_EQ(docs.size(), 2u);
  const Node& root = *docs[1].root;
  EXPECT_EQ(docs[1].index, 1);
  EXPECT_EQ(root.kind, NodeKind::kMapping);
  EXPECT_EQ(root.mark.line, 3);
  EXPECT_EQ(root.mark.column, 1);
  const Node& inner = *root.entries[0].value;
  EXPECT_EQ(inner.mark.line, 4);
  EXPECT_EQ(inner.mark.column, 3);
  const Node& list = *inner.entries[0].value;
  ASSERT_EQ(list.kind, NodeKind::kSequence);
  ASSERT_EQ(list.items.size(), 2u);
  EXPECT_EQ(list.items[1]->text, "b");
  EXPECT_EQ(list.items[1]->mark.line, 4);
  EXPECT_EQ(list.items[1]->mark.column, 13);
}

TEST(ParseDocuments, KeepsDuplicateKeysInOrder) {
  const auto docs = ParseDocuments("kind: a\nkind: b\n", 64);
  ASSERT_EQ(docs.size(), 1u);
  const Node& root = *docs[0].root;
  ASSERT_EQ(root.entries.size(), 2u);
  EXPECT_EQ(root.entries[0].value->text, "a");
  EXPECT_EQ(root.entries[1].value->text, "b");
  EXPECT_EQ(root.entries[1].key->mark.line, 2);
}

TEST(ParseDocuments, TellsPlainScalarsFromQuotedOnes) {
  const auto docs = ParseDocuments("a: true\nb: \"true\"\nc: 'x'\nd: |\n  text\ne:\nf: ~\n", 64);
  ASSERT_EQ(docs.size(), 1u);
  const auto& e = docs[0].root->entries;
  ASSERT_EQ(e.size(), 6u);
  EXPECT_TRUE(e[0].value->plain);
  EXPECT_FALSE(e[1].value->plain);
  EXPECT_FALSE(e[2].value->plain);
  EXPECT_FALSE(e[3].value->plain);
  EXPECT_EQ(e[3].value->text, "text\n");
  EXPECT_EQ(e[4].value->kind, NodeKind::kNull);
  EXPECT_EQ(e[5].value->kind, NodeKind::kNull);
}

TEST(ParseDocuments, KeepsParsingAfterADocumentWithASyntaxError) {
  const auto docs = ParseDocuments("a: [1, 2\n---\nb:\n\tc: 1\n---\nd: 4\n", 64);
  ASSERT_EQ(docs.size(), 3u);
  ASSERT_TRUE(docs[0].error.has_value());
  EXPECT_EQ(docs[0].error->message, "syntax error: this \"[\" is never closed (missing \"]\")");
  EXPECT_EQ(docs[0].error->mark.line, 1);
  EXPECT_EQ(docs[0].error->mark.column, 4);
  ASSERT_TRUE(docs[1].error.has_value());
  EXPECT_EQ(docs[1].error->message,
            "syntax error: illegal map value (the line is indented with a tab; YAML allows only "
            "spaces)");
  EXPECT_EQ(docs[1].error->mark.line, 4);
  ASSERT_FALSE(docs[2].error.has_value());
  EXPECT_EQ(docs[2].root->entries[0].key->text, "d");
  EXPECT_EQ(docs[2].index, 2);
}

TEST(ParseDocuments, ExplainsCommonSyntaxErrors) {
  struct Case {
    std::string name, text, message;
    int line, column;
  };
  const std::vector<Case> cases = {
      {"an unclosed mapping points at its brace", "a: 1\nb: {c: 1\n",
       "syntax error: this \"{\" is never closed (missing \"}\")", 2, 4},
      {"a key indented less than its siblings is named as such", "a:\n  b: 1\n c: 2\n",
       "syntax error: end of map not found (is this line indented like the ones before it?)", 3, 2},
      {"a colon inside a plain value suggests quoting", "a: b: c\n",
       "syntax error: illegal map value (quote a value that contains \": \", and check the "
       "indentation)",
       1, 5},
  };
  for (const auto& c : cases) {
    const auto docs = ParseDocuments(c.text, 64);
    ASSERT_EQ(docs.size(), 1u) << c.name;
    ASSERT_TRUE(docs[0].error.has_value()) << c.name;
    EXPECT_EQ(docs[0].error->message, c.message) << c.name;
    EXPECT_EQ(docs[0].error->mark.line, c.line) << c.name;
    EXPECT_EQ(docs[0].error->mark.column, c.column) << c.name;
  }
}

TEST(ParseDocuments, RefusesContentAfterACompleteTopLevelNode) {
  // yaml-cpp alone would return this as two documents.
  const auto docs = ParseDocuments("- a\nb: 1\n", 64);
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_TRUE(docs[0].error.has_value());
  EXPECT_EQ(docs[0].error->mark.line, 2);
  EXPECT_EQ(docs[0].root, nullptr);
}

TEST(ParseDocuments, StopsOnAStrayCommaInsteadOfLoopingForever) {
  // yaml-cpp alone reports empty documents at the "," forever, without consuming it.
  const auto docs = ParseDocuments("ok: 1\n---\n,a: b\n", 64);
  ASSERT_EQ(docs.size(), 2u);
  ASSERT_TRUE(docs[1].error.has_value());
  EXPECT_EQ(docs[1].error->message, "syntax error: unexpected \",\" where a value should start");
  EXPECT_EQ(docs[1].error->mark.line, 3);
  EXPECT_EQ(docs[1].error->mark.column, 1);
}

TEST(ParseDocuments, RefusesAliasesNamingThem) {
  const auto docs = ParseDocuments("a: &x [1]\nb: *x\n", 64);
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_TRUE(docs[0].error.has_value());
  EXPECT_EQ(docs[0].error->message,
            "YAML aliases are not supported (found alias *x); write the value out in full");
  EXPECT_EQ(docs[0].error->mark.line, 2);
  EXPECT_EQ(docs[0].error->mark.column, 4);
}

TEST(ParseDocuments, AcceptsAnchorsThatNoAliasUses) {
  const auto docs = ParseDocuments("a: &x [1]\n", 64);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_FALSE(docs[0].error.has_value());
}

TEST(ParseDocuments, StopsAnAliasBombAtOnce) {
  std::string bomb =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? "," : "") + "*" + static_cast<char>(c - 1);
    bomb += "]\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const auto docs = ParseDocuments(bomb, 64);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_TRUE(docs[0].error.has_value());
  EXPECT_EQ(docs[0].error->mark.line, 2);
}

TEST(ParseDocuments, CapsNestingDepth) {
  struct Case {
    std::string name;
    std::string text;
    int line, column;
  };
  std::string maps;
  for (int i = 0; i < 200; ++i) maps += std::string(2 * i, ' ') + "k:\n";
  maps += std::string(400, ' ') + "v\n";
  const std::vector<Case> cases = {
      // Unclosed, each '[' may still start a flow-mapping key, so yaml-cpp opens two levels
      // per bracket: the limit is hit at the 33rd.
      {"5000 open brackets stop at the limit", std::string(5000, '['), 1, 33},
      {"200 nested mappings stop at the limit", maps, 65, 129},
  };
  for (const auto& c : cases) {
    const auto docs = ParseDocuments(c.text, 64);
    ASSERT_EQ(docs.size(), 1u) << c.name;
    ASSERT_TRUE(docs[0].error.has_value()) << c.name;
    EXPECT_EQ(docs[0].error->message, "nesting is deeper than 64 levels") << c.name;
    EXPECT_EQ(docs[0].error->mark.line, c.line) << c.name;
    EXPECT_EQ(docs[0].error->mark.column, c.column) << c.name;
  }
  std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_FALSE(ParseDocuments(ok, 64)[0].error.has_value()) << "64 levels are allowed";
}

TEST(Describe, NamesTheKindOrQuotesTheScalar) {
  const auto docs = ParseDocuments("a: [1]\nb: {c: d}\nc:\nd: say \"hi\"\n", 64);
  const auto& e = docs[0].root->entries;
  EXPECT_EQ(Describe(*e[0].value), "a sequence");
  EXPECT_EQ(Describe(*e[1].value), "a mapping");
  EXPECT_EQ(Describe(*e[2].value), "null");
  EXPECT_EQ(Describe(*e[3].value), "\"say \\\"hi\\\"\"");
}

}  // namespace
}  // namespace spaceport::spec::yaml
