// The ops console's static files (console/ at the repository root: plain HTML, CSS and JavaScript
// modules, no framework, no bundler), compiled into the binary at build time by
// cmake/embed_assets.cmake, which generates the table behind ConsoleAssets(). `spaceport run`
// serves them on its HTTP port (runtime/console_api.h); `spaceport plan -o html` inlines the
// stylesheet into its self-contained report (report/render_html.cpp). So console/ stays the single
// source, as hf/ is for the Space templates.
//
//   const console::Asset* css = console::FindAsset("console.css");
//   if (css) serve(css->content_type, css->bytes, css->etag);
#pragma once

#include <string_view>
#include <vector>

namespace spaceport::console {

struct Asset {
  std::string_view path;          // relative to console/: "index.html", "js/fleet.js"
  std::string_view content_type;  // from the extension: "text/javascript; charset=utf-8"
  std::string_view bytes;
  std::string_view etag;          // "\"<sha-256 of the bytes>\"", quoted as HTTP wants it
};

// Every embedded file, in the order CMake listed them (sorted by path).
const std::vector<Asset>& ConsoleAssets();
// The file at `path` (relative to console/, no leading '/'), or nullptr.
const Asset* FindAsset(std::string_view path);

}  // namespace spaceport::console
