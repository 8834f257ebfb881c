#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace tap {

/// What the caller should do about a failure. Only main() turns a final Status into an exit code.
enum class ErrorKind {
  kOk,
  kUsage,           // bad command line: exit 2
  kInvalidInput,    // config, catalog or state file problem: fix the file
  kAuth,            // token missing, expired or revoked: get a new token
  kRateLimited,     // slow down and try again
  kTransient,       // try again after a backoff
  kTimeout,         // a request took longer than request_timeout: try again later, or smaller
  kSkipAdvertiser,  // this advertiser is not accessible: skip it
  kQueryTooLarge,   // TikTok 40067: make the request smaller
  kFatal,           // anything else: stop
  kCancelled,       // the run was asked to stop (SIGTERM, SIGINT)
};

/// Outcome of an operation: ok, or an error kind plus a message written for the user.
class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(ErrorKind kind, std::string message) {
    return Status(kind, std::move(message));
  }

  bool ok() const { return kind_ == ErrorKind::kOk; }
  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }

  /// How long the server asked to be left alone (HTTP 429 Retry-After); zero when it did not.
  std::chrono::milliseconds retry_after() const { return retry_after_; }
  Status WithRetryAfter(std::chrono::milliseconds wait) && {
    retry_after_ = wait;
    return std::move(*this);
  }

 private:
  Status(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  ErrorKind kind_ = ErrorKind::kOk;
  std::string message_;
  std::chrono::milliseconds retry_after_{0};
};

/// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace tap
