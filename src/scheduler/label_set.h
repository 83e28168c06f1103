// Labels and selectors in a compact form for the scheduling hot loop: a sorted vector of
// pairs instead of JSON, and requirements pre-parsed (Gt/Lt values as integers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/json.h"
#include "util/result.h"

namespace skiff::scheduler {

class LabelSet {
 public:
  LabelSet() = default;
  // A JSON object of string values (null or absent: empty).
  static LabelSet from_json(const Json* labels);

  const std::string* find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }
  void set(std::string key, std::string value);
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  friend bool operator==(const LabelSet&, const LabelSet&) = default;

 private:
  std::vector<std::pair<std::string, std::string>> items_;  // sorted by key
};

struct Requirement {
  enum class Op { kIn, kNotIn, kExists, kDoesNotExist, kGt, kLt };
  std::string key;
  Op op = Op::kIn;
  std::vector<std::string> values;
  int64_t number = 0;  // Gt/Lt
  bool matches(const LabelSet& labels) const;
};

// An AND of requirements. match_nothing: Kubernetes' nil selector in affinity terms.
struct Selector {
  std::vector<Requirement> requirements;
  bool match_nothing = false;
  bool matches(const LabelSet& labels) const;
  // Canonical text, used to key caches of match counts.
  std::string signature() const;
};

// metav1.LabelSelector JSON; null or absent gives a selector matching nothing.
Result<Selector> selector_from_json(const Json* selector);
// A v1.NodeSelectorRequirement list (matchExpressions of node affinity): ops In, NotIn,
// Exists, DoesNotExist, Gt, Lt.
Result<std::vector<Requirement>> node_requirements_from_json(const Json* expressions);

}  // namespace skiff::scheduler
