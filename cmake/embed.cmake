# Writes a C++ header with each file in FILES as a std::string_view constant named after the file
# (hf/Dockerfile → kHf_Dockerfile, hf/space/README.md.tmpl → kHf_space_README_md_tmpl).
set(content "// Generated from hf/ by cmake/embed.cmake. Do not edit.\n#pragma once\n#include <string_view>\nnamespace spaceport::hf {\n")
foreach(f IN LISTS FILES)
  file(READ "${f}" body)
  string(REGEX REPLACE ".*/hf/" "" rel "${f}")
  string(MAKE_C_IDENTIFIER "kHf_${rel}" id)
  string(APPEND content "inline constexpr std::string_view ${id} = R\"spaceport_embed(${body})spaceport_embed\";\n")
endforeach()
string(APPEND content "}  // namespace spaceport::hf\n")
file(WRITE "${OUT}" "${content}")
