// Label selectors (equality- and set-based, string and metav1.LabelSelector forms) and
// field selectors, with Kubernetes' parsing rules and error messages.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/json.h"
#include "util/result.h"

namespace skiff::api {

struct LabelRequirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist, kGreaterThan, kLessThan };
  std::string key;
  Op op = Op::kEquals;
  std::vector<std::string> values;  // sorted, as Kubernetes keeps them
};

class LabelSelector {
 public:
  // "a=b,c==d,e!=f,g in (x,y),h notin (z),i,!j,k>1,l<2". Empty string selects everything.
  // Requirements come out sorted by key; "==" is kept as kEquals (printed back as "=").
  // Errors (400 BadRequest) read like Kubernetes': `unable to parse requirement: ...`.
  static Result<LabelSelector> parse(std::string_view text);
  // metav1.LabelSelector JSON ({matchLabels, matchExpressions}); null/absent selects everything
  // (Kubernetes' LabelSelectorAsSelector maps a nil selector to "nothing": callers that need
  // that must check for null first). Errors are labels.NewRequirement's, as 400 BadRequest.
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
  // "metadata.name=x,status.phase!=Running"; values escape '\\', ',' and '=' with '\\' (Kubernetes
  // accepts no other escape). Requirements keep the order of the sorted terms, as Kubernetes does.
  static Result<FieldSelector> parse(std::string_view text);

  // lookup returns the object's value for a field, or nullopt when the field is unsupported.
  // A field the lookup does not know reads as "" (fields.Set semantics); reject unsupported
  // fields before matching.
  bool matches(const std::function<std::optional<std::string>(std::string_view field)>& lookup) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<FieldRequirement>& requirements() const { return requirements_; }
  std::string to_string() const;  // "field=value,field!=value", values escaped

 private:
  std::vector<FieldRequirement> requirements_;
};

// Validation of label keys and values (qualified names, 63-char values), used by object validation.
std::optional<std::string> validate_label_key(std::string_view key);    // error message or nullopt
std::optional<std::string> validate_label_value(std::string_view value);

// Field errors for a labels map (metav1 validation.ValidateLabels), e.g. field_path "metadata.labels".
std::vector<StatusCause> validate_labels(const Json& labels, const std::string& field_path);
// Field errors for a metav1.LabelSelector (validation.ValidateLabelSelector), e.g. "spec.selector".
std::vector<StatusCause> validate_label_selector(const Json& selector, const std::string& field_path);

}  // namespace skiff::api
