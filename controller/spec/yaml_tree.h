// A positioned YAML tree: what the validator reads instead of YAML::Node.
//
// yaml-cpp's Node API hides what a validator needs: it silently keeps duplicate keys, loses
// whether a scalar was quoted, shares aliased subtrees (an alias bomb then expands in any walk)
// and reports a syntax error in one document as the failure of the whole file. So the loader
// splits a file into documents itself, at lines that start with `---` or `...`, and parses each
// one with yaml-cpp's event API into this small tree, where every node keeps its 1-based line and
// column, mappings keep every key in order (duplicates included), and scalars say whether they
// were written plain. Aliases are refused and nesting is capped, so parsing is linear in the
// input and a bad document never hides the next one.
//
//   std::vector<yaml::Document> docs = yaml::ParseDocuments(text, /*max_depth=*/64);
//   for (const auto& doc : docs) {
//     if (doc.error) report(doc.error->mark, doc.error->message);
//     else if (doc.root->kind == yaml::NodeKind::kMapping) ...
//   }
#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spaceport::spec::yaml {

// 1-based; line == 0 means unknown.
struct Mark {
  int line = 0;
  int column = 0;
};

enum class NodeKind { kNull, kScalar, kSequence, kMapping };

struct Node;

struct Entry {
  const Node* key = nullptr;
  const Node* value = nullptr;
};

struct Node {
  NodeKind kind = NodeKind::kNull;
  Mark mark;
  bool plain = false;              // scalar written without quotes, block style or tag
  std::string text;                // scalar text
  std::vector<const Node*> items;  // sequence items
  std::vector<Entry> entries;      // mapping entries in file order, duplicates included
};

struct ParseError {
  Mark mark;
  std::string
      message;  // e.g. "syntax error: illegal map value", "YAML aliases are not supported..."
};

// One YAML document of a file. Exactly one of `root` and `error` is set.
struct Document {
  int index = 0;  // 0-based among the file's non-empty documents
  Mark start;     // first line of the document's text (after any `---`)
  const Node* root = nullptr;
  std::optional<ParseError> error;
  std::deque<Node> nodes;  // owns every node; a deque keeps their addresses stable

  Document() = default;
  Document(Document&&) = default;
  Document& operator=(Document&&) = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
};

// Splits `text` into documents and parses each. Empty documents (only comments or blank lines)
// are left out. A document that fails (syntax, an alias, nesting deeper than `max_depth`, content
// after its end) comes back with `error` set, and the next documents are parsed all the same.
std::vector<Document> ParseDocuments(std::string_view text, int max_depth);

// The same documents handed to `each` one at a time, each tree freed before the next is parsed,
// so a file of 100,000 small documents never holds 100,000 trees. `each` may move the
// document away. `each` returns false to stop
// (the loader's per-file document limit).
void ForEachDocument(std::string_view text, int max_depth,
                     const std::function<bool(Document&)>& each);

// "a mapping", "a sequence", "null", or the scalar in double quotes: for "expected X, got Y".
std::string Describe(const Node& node);

}  // namespace spaceport::spec::yaml
