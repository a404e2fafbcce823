#include "spec/yaml_tree.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>

#include "spec/document_split.h"
#include "spec/quote.h"

namespace spaceport::spec::yaml {
namespace {

// Thrown by the event handler to abandon a document (an alias, too deep); caught in this file.
struct StopParsing {
  ParseError error;
};

// Builds a Document's tree from yaml-cpp parse events, shifting marks by the document's line
// offset in the file and making them 1-based.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(Document* doc, int line_offset, int max_depth)
      : doc_(doc), line_offset_(line_offset), max_depth_(max_depth) {}

  const Node* root() const { return root_; }

  // Where the innermost flow collection of `kind` that is still open starts: after yaml-cpp
  // reports "end of sequence flow not found" at the end of the input, this is the "[" to blame.
  std::optional<Mark> OpenFlow(NodeKind kind) const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if (it->flow && it->node->kind == kind) return it->node->mark;
    }
    return std::nullopt;
  }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    Attach(NewNode(NodeKind::kNull, mark));
  }

  // Aliases are refused outright: expanded, a few lines of "billion laughs" become 10^9 nodes;
  // refused, every document stays linear in its size. Spaceport files gain little from them.
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    std::string name;
    if (anchor >= 1 && anchor <= anchor_names_.size()) name = " *" + anchor_names_[anchor - 1];
    throw StopParsing{{ToMark(mark), "YAML aliases are not supported (found alias" + name +
                                         "); write the value out in full"}};
  }

  void OnAnchor(const YAML::Mark&, const std::string& name) override {
    // yaml-cpp numbers anchors 1, 2, ... in the order they are defined.
    anchor_names_.push_back(name);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                const std::string& value) override {
    Node* node = NewNode(NodeKind::kScalar, mark);
    node->plain = tag == "?";  // "!" is quoted or block style; anything else an explicit tag
    node->text = value;
    Attach(node);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value style) override {
    Open(NewNode(NodeKind::kSequence, mark), style == YAML::EmitterStyle::Flow);
  }
  void OnSequenceEnd() override { stack_.pop_back(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value style) override {
    Open(NewNode(NodeKind::kMapping, mark), style == YAML::EmitterStyle::Flow);
  }
  void OnMapEnd() override { stack_.pop_back(); }

 private:
  struct Frame {
    Node* node;
    bool flow;                // written [..] or {..}
    const Node* pending_key;  // mappings: a key waiting for its value
  };

  Mark ToMark(const YAML::Mark& mark) const {
    return {mark.line + line_offset_ + 1, mark.column + 1};
  }

  Node* NewNode(NodeKind kind, const YAML::Mark& mark) {
    Node& node = doc_->nodes.emplace_back();
    node.kind = kind;
    node.mark = ToMark(mark);
    return &node;
  }

  void Attach(const Node* node) {
    if (stack_.empty()) {
      root_ = node;
      return;
    }
    Frame& top = stack_.back();
    if (top.node->kind == NodeKind::kSequence) {
      top.node->items.push_back(node);
    } else if (top.pending_key == nullptr) {
      top.pending_key = node;
    } else {
      top.node->entries.push_back({top.pending_key, node});
      top.pending_key = nullptr;
    }
  }

  void Open(Node* node, bool flow) {
    if (static_cast<int>(stack_.size()) >= max_depth_) {
      throw StopParsing{
          {node->mark, "nesting is deeper than " + std::to_string(max_depth_) + " levels"}};
    }
    Attach(node);
    stack_.push_back({node, flow, nullptr});
  }

  Document* doc_;
  int line_offset_;
  int max_depth_;
  const Node* root_ = nullptr;
  std::vector<Frame> stack_;
  std::vector<std::string> anchor_names_;
};

bool IsEmpty(const Node* root) { return root == nullptr || root->kind == NodeKind::kNull; }

// The text of 0-based `line` of `text`, or "".
std::string_view LineOf(std::string_view text, int line) {
  size_t pos = 0;
  for (int i = 0; i < line && pos != std::string_view::npos; ++i) {
    pos = text.find('\n', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  if (pos == std::string_view::npos || pos >= text.size()) return {};
  const std::string_view rest = text.substr(pos);
  return rest.substr(0, rest.find('\n'));
}

// yaml-cpp's messages are terse; add the likely cause where it is easy to tell.
std::string ExplainSyntaxError(const std::string& message, std::string_view line_text) {
  const size_t indent_end = line_text.find_first_not_of(" \t");
  if (line_text.substr(0, indent_end).find('\t') != std::string_view::npos) {
    return message + " (the line is indented with a tab; YAML allows only spaces)";
  }
  if (message == "end of map not found" || message == "end of sequence not found") {
    return message + " (is this line indented like the ones before it?)";
  }
  if (message == "illegal map value") {
    return message + " (quote a value that contains \": \", and check the indentation)";
  }
  return message;
}

// yaml-cpp may report empty documents without consuming input (on a stray "," at the top level
// it does so forever), so a chunk gets only this many before it counts as unparseable.
constexpr int kMaxEmptyDocuments = 8;

// Feeds `builder` the next document of `parser` that is not empty. False at the end of input.
bool NextNonEmpty(YAML::Parser& parser, TreeBuilder& builder, std::string_view text,
                  const DocumentText& part) {
  for (int empty = 0; parser.HandleNextDocument(builder); ++empty) {
    if (!IsEmpty(builder.root())) return true;
    if (empty == kMaxEmptyDocuments) {
      const Mark at =
          builder.root() != nullptr ? builder.root()->mark : Mark{part.content_line + 1, 1};
      const std::string_view line = LineOf(text, at.line - part.first_line - 1);
      const size_t column = static_cast<size_t>(at.column - 1);
      const std::string found =
          column < line.size() ? "unexpected " + Quote(line.substr(column, 1)) : "unexpected text";
      throw StopParsing{{at, "syntax error: " + found + " where a value should start"}};
    }
  }
  return false;
}

// Parses one document's text; at most one document may come out of it.
Document ParseOne(const DocumentText& part, int index, int max_depth) {
  Document doc;
  doc.index = index;
  doc.start = {part.content_line + 1, 1};
  const std::string text(part.text);
  std::istringstream in(text);
  TreeBuilder builder(&doc, part.first_line, max_depth);
  try {
    YAML::Parser parser(in);
    if (NextNonEmpty(parser, builder, text, part)) {
      doc.root = builder.root();
      // yaml-cpp starts a new document when content follows a complete top-level node
      // ("- a" then "b: 1"); in a chunk without markers that is a mistake, not a document.
      TreeBuilder rest(&doc, part.first_line, max_depth);
      if (NextNonEmpty(parser, rest, text, part)) {
        doc.error = ParseError{rest.root()->mark,
                               "syntax error: unexpected content after the end of the document "
                               "(is the indentation right, or a \"---\" line missing?)"};
      }
    }
  } catch (const StopParsing& stop) {
    doc.error = stop.error;
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own depth guard, should a document get past ours; its message says "bad file".
    doc.error =
        ParseError{{e.mark.line + part.first_line + 1, e.mark.column + 1}, "nesting is too deep"};
  } catch (const YAML::Exception& e) {
    Mark mark = doc.start;
    if (e.mark.line >= 0) mark = {e.mark.line + part.first_line + 1, e.mark.column + 1};
    std::string message = ExplainSyntaxError(e.msg, LineOf(part.text, e.mark.line));
    // These are reported at the end of the input; the open bracket is the useful place.
    const bool open_sequence = e.msg == "end of sequence flow not found";
    const bool open_mapping = e.msg == "end of map flow not found";
    if (open_sequence || open_mapping) {
      if (auto open = builder.OpenFlow(open_sequence ? NodeKind::kSequence : NodeKind::kMapping)) {
        mark = *open;
        message = std::string("this \"") + (open_sequence ? "[" : "{") +
                  "\" is never closed (missing \"" + (open_sequence ? "]" : "}") + "\")";
      }
    }
    doc.error = ParseError{mark, "syntax error: " + message};
  }
  if (doc.error) {
    doc.root = nullptr;
    doc.nodes.clear();
  }
  return doc;
}

}  // namespace

void ForEachDocument(std::string_view text, int max_depth,
                     const std::function<bool(Document&)>& each) {
  int index = 0;
  for (const DocumentText& part : SplitDocuments(text)) {
    Document doc = ParseOne(part, index, max_depth);
    if (!doc.error && IsEmpty(doc.root)) continue;  // e.g. "---" followed by only "~"
    ++index;
    if (!each(doc)) return;
  }
}

std::vector<Document> ParseDocuments(std::string_view text, int max_depth) {
  std::vector<Document> documents;
  ForEachDocument(text, max_depth, [&](Document& doc) {
    documents.push_back(std::move(doc));
    return true;
  });
  return documents;
}

std::string Describe(const Node& node) {
  switch (node.kind) {
    case NodeKind::kNull: return "null";
    case NodeKind::kSequence: return "a sequence";
    case NodeKind::kMapping: return "a mapping";
    case NodeKind::kScalar: return Quote(node.text);
  }
  return "";
}

}  // namespace spaceport::spec::yaml
