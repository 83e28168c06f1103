#include "controllers/job_indexes.h"

#include <charconv>

#include "util/strings.h"

namespace skiff::controllers {
namespace {

std::optional<int64_t> parse_index(std::string_view s) {
  int64_t v = -1;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::optional<int64_t> pod_completion_index(const Json& pod, int64_t completions) {
  std::string text;
  if (const Json* a = find_path(pod, "metadata.annotations"); a && a->is_object())
    text = a->value(kJobCompletionIndexKey, "");
  if (text.empty())
    if (const Json* l = find_path(pod, "metadata.labels"); l && l->is_object()) text = l->value(kJobCompletionIndexKey, "");
  auto index = parse_index(text);
  if (!index || *index >= completions) return std::nullopt;
  return index;
}

std::set<int64_t> parse_index_ranges(std::string_view text, int64_t completions) {
  std::set<int64_t> out;
  for (const auto& part : split(text, ',')) {
    if (part.empty()) continue;
    auto dash = part.find('-');
    auto first = parse_index(std::string_view(part).substr(0, dash));
    auto last = dash == std::string::npos ? first : parse_index(std::string_view(part).substr(dash + 1));
    if (!first || !last) continue;
    for (int64_t i = *first; i <= *last && i < completions; ++i) out.insert(i);
  }
  return out;
}

std::string format_index_ranges(const std::set<int64_t>& indexes) {
  std::string out;
  for (auto it = indexes.begin(); it != indexes.end();) {
    int64_t first = *it, last = *it;
    for (++it; it != indexes.end() && *it == last + 1; ++it) last = *it;
    if (!out.empty()) out += ',';
    out += std::to_string(first);
    // Two neighbours are listed, longer runs are ranges: "0,1" but "0-2".
    if (last > first) out += (last == first + 1 ? ',' : '-') + std::to_string(last);
  }
  return out;
}

}  // namespace skiff::controllers
