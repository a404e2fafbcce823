// DoubleQuoted: a value inside double quotes with \\ \" \n \t \r and other control characters
// escaped (\xNN). The result is both a valid YAML double-quoted scalar and an unambiguous way to
// show a user's value in a message.
//
//   DoubleQuoted("a\"b\n") == "\"a\\\"b\\n\""
#pragma once

#include <string>
#include <string_view>

namespace spaceport {

std::string DoubleQuoted(std::string_view value);

}  // namespace spaceport
