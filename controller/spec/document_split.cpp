#include "spec/document_split.h"

namespace spaceport::spec::yaml {
namespace {

bool IsMarkerLine(std::string_view line, std::string_view marker) {
  if (line.substr(0, 3) != marker) return false;
  return line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r' ||
         line[3] == '\n';
}

// Whether a line carries YAML content: not blank, not a comment, not a directive.
bool IsContent(std::string_view line) {
  const size_t first = line.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  if (line[first] == '#') return false;
  return !(first == 0 && line[0] == '%');
}

}  // namespace

std::vector<DocumentText> SplitDocuments(std::string_view stream) {
  std::vector<DocumentText> documents;
  DocumentText current;
  size_t current_start = 0;
  bool has_content = false;
  bool has_marker = false;

  auto close = [&](size_t end) {
    if (has_content) {
      current.text = stream.substr(current_start, end - current_start);
      documents.push_back(current);
    }
    has_content = false;
    has_marker = false;
  };

  size_t pos = 0;
  int line_number = 0;
  while (pos < stream.size()) {
    const size_t eol = stream.find('\n', pos);
    const size_t next = eol == std::string_view::npos ? stream.size() : eol + 1;
    const std::string_view line = stream.substr(pos, next - pos);

    if (IsMarkerLine(line, "---")) {
      // A marker opens a new document unless the current chunk has nothing in it yet (the
      // usual leading `---`, or directives such as %YAML that belong to this document).
      if (has_content || has_marker) {
        close(pos);
        current_start = pos;
        current.first_line = line_number;
      }
      has_marker = true;
      if (IsContent(line.substr(3))) {  // "--- |" or "--- {a: 1}" starts content at once
        has_content = true;
        current.content_line = line_number;
      }
    } else if (IsMarkerLine(line, "...")) {
      close(pos);
      current_start = next;
      current.first_line = line_number + 1;
    } else if (!has_content && IsContent(line)) {
      has_content = true;
      current.content_line = line_number;
    }
    pos = next;
    ++line_number;
  }
  close(stream.size());
  return documents;
}

}  // namespace spaceport::spec::yaml
