// FUZZ_CHECK: an invariant a fuzz target asserts beyond "no crash". A violated check prints what
// failed and aborts, so libFuzzer saves the input as a crash like any sanitizer finding.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond, what)                                                         \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s (%s)\n", __FILE__, __LINE__, \
                   #cond, what);                                                       \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)

// The fuzz input as text.
inline std::string_view FuzzText(const unsigned char* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}
