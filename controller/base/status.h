// Status and Result<T>: errors as values.
//
// Every fallible function in Spaceport returns a Status (no value) or a Result<T> (a value or a
// Status). Exceptions thrown by libraries (yaml-cpp, cpprestsdk, std) stop at the module that calls
// the library and come back as a Status. Codes follow the Abseil/gRPC vocabulary so that HTTP maps
// onto them without guesswork (401 → kUnauthenticated, 404 → kNotFound, 409/412 → kConflict,
// 429 → kResourceExhausted). A Status message never carries a secret.
//
//   Result<int> parse_port(std::string_view s);
//   auto port = parse_port("7860");
//   if (!port.ok()) return port.status();
//   use(*port);
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace spaceport {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input: a spec, a flag, a file's content
  kNotFound,            // 404, a missing file or tag
  kAlreadyExists,
  kPermissionDenied,    // 403
  kUnauthenticated,     // 401
  kConflict,            // 409, 412: someone else changed it first
  kResourceExhausted,   // 429, a budget used up
  kFailedPrecondition,  // the world is not in a state where the action can run
  kUnavailable,         // transient: 5xx, connection refused; retry with backoff
  kDeadlineExceeded,
  kDataLoss,            // content does not match its digest
  kUnimplemented,
  kInternal,
};

const char* status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "NotFound: tag v1 not in ghcr.io/a/b" (or "OK").
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {      // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status carries no value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace spaceport
