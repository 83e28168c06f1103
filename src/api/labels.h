// Label selectors (equality- and set-based, string and metav1.LabelSelector forms) and
// field selectors, with Kubernetes' parsing rules and error messages.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/json.h"

namespace skiff::api {

struct LabelRequirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist, kGreaterThan, kLessThan };
  std::string key;
  Op op = Op::kEquals;
  std::vector<std::string> values;  // sorted, as Kubernetes keeps them
};

class LabelSelector {
 public:
  // "a=b,c==d,e!=f,g in (x,y),h notin (z),i,!j". Empty string selects everything.
  // Errors (400 BadRequest) read like Kubernetes': `unable to parse requirement: ...`.
  static Result<LabelSelector> parse(std::string_view text);
  // metav1.LabelSelector JSON ({matchLabels, matchExpressions}); null/absent selects everything.
  static Result<LabelSelector> from_json(const Json& selector);

  // labels: a JSON object of string values, or null.
  bool matches(const Json& labels) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<LabelRequirement>& requirements() const { return requirements_; }
  std::string to_string() const;

 private:
  std::vector<LabelRequirement> requirements_;
};

struct FieldRequirement {
  std::string field;  // e.g. metadata.name
  bool negate = false;  // != vs = / ==
  std::string value;
};

class FieldSelector {
 public:
  // "metadata.name=x,status.phase!=Running"; values may escape ',', '=' and '!' with '\'.
  static Result<FieldSelector> parse(std::string_view text);

  // lookup returns the object's value for a field, or nullopt when the field is unsupported.
  bool matches(const std::function<std::optional<std::string>(std::string_view field)>& lookup) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<FieldRequirement>& requirements() const { return requirements_; }

 private:
  std::vector<FieldRequirement> requirements_;
};

// Validation of label keys and values (qualified names, 63-char values), used by object validation.
std::optional<std::string> validate_label_key(std::string_view key);    // error message or nullopt
std::optional<std::string> validate_label_value(std::string_view value);

}  // namespace skiff::api
