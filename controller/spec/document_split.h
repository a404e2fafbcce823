// Splitting a YAML stream into documents by its marker lines, before any parsing.
//
// A line that starts with `---` (or `...`) followed by a space, a tab or the end of the line
// begins (or ends) a document. YAML forbids those lines inside any scalar, so cutting there is
// exact, and it lets each document be parsed on its own: a syntax error in one document then
// cannot hide the ones after it. Chunks holding only comments, blank lines, directives or bare
// markers are dropped.
//
//   for (const DocumentText& d : SplitDocuments("a: 1\n---\nb: 2\n"))
//     parse(d.text, /*line offset=*/d.first_line);   // d.first_line: 0, then 1
#pragma once

#include <string_view>
#include <vector>

namespace spaceport::spec::yaml {

struct DocumentText {
  int first_line = 0;     // 0-based line of text's first character in the whole stream
  int content_line = 0;   // 0-based line of the first non-comment content
  std::string_view text;  // a view into the stream given to SplitDocuments
};

std::vector<DocumentText> SplitDocuments(std::string_view stream);

}  // namespace spaceport::spec::yaml
