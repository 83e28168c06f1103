#include "scheduler/label_set.h"

#include <algorithm>
#include <charconv>

#include "api/labels.h"

namespace skiff::scheduler {
namespace {

std::optional<int64_t> parse_int(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

Result<Requirement::Op> parse_op(const std::string& op) {
  using Op = Requirement::Op;
  if (op == "In") return Op::kIn;
  if (op == "NotIn") return Op::kNotIn;
  if (op == "Exists") return Op::kExists;
  if (op == "DoesNotExist") return Op::kDoesNotExist;
  if (op == "Gt") return Op::kGt;
  if (op == "Lt") return Op::kLt;
  return Error::bad_request("\"" + op + "\" is not a valid label selector operator");
}

}  // namespace

LabelSet LabelSet::from_json(const Json* labels) {
  LabelSet out;
  if (!labels || !labels->is_object()) return out;
  out.items_.reserve(labels->size());
  for (auto it = labels->begin(); it != labels->end(); ++it)
    out.items_.emplace_back(it.key(), it.value().is_string() ? it.value().get<std::string>() : "");
  // nlohmann::json objects iterate in key order already; keep the invariant explicit.
  std::sort(out.items_.begin(), out.items_.end());
  return out;
}

const std::string* LabelSet::find(std::string_view key) const {
  if (items_.size() < 8) {
    for (const auto& [k, v] : items_)
      if (k == key) return &v;
    return nullptr;
  }
  auto it = std::lower_bound(items_.begin(), items_.end(), key,
                             [](const auto& item, std::string_view k) { return item.first < k; });
  return it != items_.end() && it->first == key ? &it->second : nullptr;
}

void LabelSet::set(std::string key, std::string value) {
  auto it = std::lower_bound(items_.begin(), items_.end(), key,
                             [](const auto& item, const std::string& k) { return item.first < k; });
  if (it != items_.end() && it->first == key) it->second = std::move(value);
  else items_.insert(it, {std::move(key), std::move(value)});
}

bool Requirement::matches(const LabelSet& labels) const {
  const std::string* value = labels.find(key);
  switch (op) {
    case Op::kIn:
      return value && std::find(values.begin(), values.end(), *value) != values.end();
    case Op::kNotIn:
      return !value || std::find(values.begin(), values.end(), *value) == values.end();
    case Op::kExists:
      return value != nullptr;
    case Op::kDoesNotExist:
      return value == nullptr;
    case Op::kGt:
    case Op::kLt: {
      if (!value) return false;
      auto n = parse_int(*value);
      if (!n) return false;
      return op == Op::kGt ? *n > number : *n < number;
    }
  }
  return false;
}

bool Selector::matches(const LabelSet& labels) const {
  if (match_nothing) return false;
  for (const auto& r : requirements)
    if (!r.matches(labels)) return false;
  return true;
}

std::string Selector::signature() const {
  if (match_nothing) return "<none>";
  std::string out;
  for (const auto& r : requirements) {
    out += r.key;
    out += '\x1f';
    out += std::to_string(static_cast<int>(r.op));
    for (const auto& v : r.values) {
      out += '\x1f';
      out += v;
    }
    out += '\x1e';
  }
  return out;
}

Result<Selector> selector_from_json(const Json* selector) {
  Selector out;
  if (!selector || selector->is_null()) {
    out.match_nothing = true;
    return out;
  }
  SKIFF_ASSIGN_OR_RETURN(auto parsed, api::LabelSelector::from_json(*selector));
  using ApiOp = api::LabelRequirement::Op;
  for (const auto& r : parsed.requirements()) {
    Requirement req;
    req.key = r.key;
    req.values = r.values;
    switch (r.op) {
      case ApiOp::kEquals: case ApiOp::kIn: req.op = Requirement::Op::kIn; break;
      case ApiOp::kNotEquals: case ApiOp::kNotIn: req.op = Requirement::Op::kNotIn; break;
      case ApiOp::kExists: req.op = Requirement::Op::kExists; break;
      case ApiOp::kDoesNotExist: req.op = Requirement::Op::kDoesNotExist; break;
      case ApiOp::kGreaterThan: case ApiOp::kLessThan: {
        req.op = r.op == ApiOp::kGreaterThan ? Requirement::Op::kGt : Requirement::Op::kLt;
        auto n = r.values.empty() ? std::nullopt : parse_int(r.values[0]);
        if (!n) return Error::bad_request("invalid integer value for " + r.key);
        req.number = *n;
        break;
      }
    }
    out.requirements.push_back(std::move(req));
  }
  return out;
}

Result<std::vector<Requirement>> node_requirements_from_json(const Json* expressions) {
  std::vector<Requirement> out;
  if (!expressions || !expressions->is_array()) return out;
  for (const auto& e : *expressions) {
    Requirement req;
    req.key = get_string(e, "key");
    SKIFF_ASSIGN_OR_RETURN(req.op, parse_op(get_string(e, "operator")));
    if (const Json* values = find_path(e, "values"); values && values->is_array())
      for (const auto& v : *values)
        if (v.is_string()) req.values.push_back(v.get<std::string>());
    if (req.op == Requirement::Op::kGt || req.op == Requirement::Op::kLt) {
      auto n = req.values.size() == 1 ? parse_int(req.values[0]) : std::nullopt;
      if (!n) return Error::bad_request("a Gt/Lt requirement needs one integer value: " + req.key);
      req.number = *n;
    }
    out.push_back(std::move(req));
  }
  return out;
}

}  // namespace skiff::scheduler
