// Exit codes of the `spaceport` command, the convention of `flux diff` and `argocd app diff`, so
// that CI scripts written for those tools read ours the same way:
//   0  nothing to do: every document is valid and the plan is empty
//   1  the plan is not empty: drift was found or actions are planned (plan); drift remains that
//      was deliberately not corrected, driftPolicy warn (apply)
//   2  error: an invalid document, a path or observation that cannot be read, a bad flag
// `--help` is not an error and exits 0. docs/cli.md and each command's --help list the same codes;
// tests/cli checks them.
#pragma once

namespace spaceport::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitDrift = 1;
inline constexpr int kExitError = 2;

// The "Exit codes:" block shared by every --help footer.
inline constexpr const char* kExitCodesHelp =
    "Exit codes:\n"
    "  0  no drift: every document is valid and the plan is empty\n"
    "  1  drift: the plan found differences or planned actions (plan), or warn-only drift\n"
    "     remains (apply)\n"
    "  2  error: an invalid document, an unreadable file, something that could not be\n"
    "     observed, a failed action (apply), or a bad flag\n";

}  // namespace spaceport::cli
