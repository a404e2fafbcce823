// Escaping for GitHub-flavoured Markdown, so that values from specs and from the world (image
// tags, README text, error messages) render as themselves and never as markup.
//
// - MarkdownText: prose. Backslash-escapes the punctuation that can start markup (`*_[]<>|&~\`
//   and backticks), so "<absent>" is not swallowed as an HTML tag and "a|b" does not split a cell.
// - CodeSpan: a value shown verbatim. The fence is one backtick longer than the longest backtick
//   run inside (CommonMark), padded with spaces when the value starts or ends with a backtick.
//   Inside a table a `|` must still be written `\|`, even in a code span (GFM tables), so table
//   cells pass Cell::kTable. Newlines become spaces, as a code span would render them anyway; an
//   empty value becomes *empty*, since an empty code span does not exist.
// - HtmlText: text inside raw HTML (<summary>), where Markdown escapes do not apply: & < > " become
//   entities, and newlines spaces.
// - HtmlEscape: the same with newlines kept, for HTML documents (the `plan -o html` report): safe
//   in element content and in double-quoted attribute values.
// - CodeFence: the fence for a fenced block holding `body`: three backticks, or more when the
//   body itself contains a run of three or more.
//
//   "| " + CodeSpan("a|`b`", Cell::kTable) + " |"   // | `` a\|`b` `` |
#pragma once

#include <string>
#include <string_view>

namespace spaceport::report {

enum class Cell { kInline, kTable };

std::string MarkdownText(std::string_view text);
std::string CodeSpan(std::string_view value, Cell where = Cell::kInline);
std::string HtmlText(std::string_view text);
std::string HtmlEscape(std::string_view text);
std::string CodeFence(std::string_view body);

}  // namespace spaceport::report
