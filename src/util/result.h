// Errors decided once: every fallible library call returns Result<T>, carrying a
// Kubernetes-style reason and HTTP code that the API layer turns into a Status object.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace skiff {

struct StatusCause {
  std::string type;     // e.g. FieldValueInvalid, FieldValueRequired
  std::string message;
  std::string field;    // e.g. metadata.name
};

class Error {
 public:
  Error() = default;
  Error(int code, std::string reason, std::string message)
      : code(code), reason(std::move(reason)), message(std::move(message)) {}

  int code = 500;
  std::string reason = "InternalError";
  std::string message;
  std::vector<StatusCause> causes;
  // StatusDetails: which object the error is about.
  std::string detail_name;
  std::string detail_group;
  std::string detail_kind;
  int retry_after_seconds = 0;

  Error& with_details(std::string group, std::string kind, std::string name) {
    detail_group = std::move(group);
    detail_kind = std::move(kind);
    detail_name = std::move(name);
    return *this;
  }

  static Error bad_request(std::string msg) { return {400, "BadRequest", std::move(msg)}; }
  static Error unauthorized(std::string msg) { return {401, "Unauthorized", std::move(msg)}; }
  static Error forbidden(std::string msg) { return {403, "Forbidden", std::move(msg)}; }
  static Error not_found(std::string msg) { return {404, "NotFound", std::move(msg)}; }
  static Error method_not_allowed(std::string msg) { return {405, "MethodNotAllowed", std::move(msg)}; }
  static Error not_acceptable(std::string msg) { return {406, "NotAcceptable", std::move(msg)}; }
  static Error already_exists(std::string msg) { return {409, "AlreadyExists", std::move(msg)}; }
  static Error conflict(std::string msg) { return {409, "Conflict", std::move(msg)}; }
  static Error gone(std::string msg) { return {410, "Gone", std::move(msg)}; }
  static Error expired(std::string msg) { return {410, "Expired", std::move(msg)}; }
  static Error too_large(std::string msg) { return {413, "RequestEntityTooLarge", std::move(msg)}; }
  static Error unsupported_media_type(std::string msg) { return {415, "UnsupportedMediaType", std::move(msg)}; }
  static Error invalid(std::string msg) { return {422, "Invalid", std::move(msg)}; }
  static Error too_many_requests(std::string msg) { return {429, "TooManyRequests", std::move(msg)}; }
  static Error internal(std::string msg) { return {500, "InternalError", std::move(msg)}; }
  static Error timeout(std::string msg) { return {504, "Timeout", std::move(msg)}; }
  static Error service_unavailable(std::string msg) { return {503, "ServiceUnavailable", std::move(msg)}; }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}        // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}        // NOLINT

  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { assert(!ok()); return *e_; }
  Error&& error() && { assert(!ok()); return std::move(*e_); }

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace skiff

// Propagate an error from an expression returning Result<...>.
#define SKIFF_TRY(expr)                                  \
  do {                                                   \
    auto _skiff_r = (expr);                              \
    if (!_skiff_r.ok()) return std::move(_skiff_r).error(); \
  } while (0)

#define SKIFF_CONCAT_INNER(a, b) a##b
#define SKIFF_CONCAT(a, b) SKIFF_CONCAT_INNER(a, b)
// SKIFF_ASSIGN_OR_RETURN(auto x, expr)
#define SKIFF_ASSIGN_OR_RETURN(lhs, expr) \
  SKIFF_ASSIGN_OR_RETURN_IMPL(SKIFF_CONCAT(_skiff_r_, __LINE__), lhs, expr)
#define SKIFF_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp).error();     \
  lhs = std::move(tmp).value()
