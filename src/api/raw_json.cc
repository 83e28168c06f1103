#include "api/raw_json.h"

#include <array>
#include <cstring>

#include "util/json.h"

namespace skiff::api {
namespace {

constexpr size_t kBad = std::string_view::npos;

size_t skip_space(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  return i;
}

// i at an opening quote; returns the index after the closing one.
size_t skip_string(std::string_view s, size_t i) {
  ++i;
  while (i < s.size()) {
    const void* q = std::memchr(s.data() + i, '"', s.size() - i);
    if (!q) return kBad;
    size_t end = static_cast<const char*>(q) - s.data();
    size_t backslashes = 0;
    while (end - backslashes > i && s[end - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return end + 1;
    i = end + 1;
  }
  return kBad;
}

// i at the first character of a value; returns the index after it.
size_t skip_value(std::string_view s, size_t i) {
  if (i >= s.size()) return kBad;
  char c = s[i];
  if (c == '"') return skip_string(s, i);
  if (c == '{' || c == '[') {
    // Only quotes and brackets matter inside a container: a table finds them fastest.
    static constexpr auto kStructural = [] {
      std::array<bool, 256> t{};
      for (unsigned char ch : {'"', '{', '[', '}', ']'}) t[ch] = true;
      return t;
    }();
    int depth = 0;
    const size_t n = s.size();
    while (i < n) {
      while (i < n && !kStructural[static_cast<unsigned char>(s[i])]) ++i;
      if (i >= n) break;
      char d = s[i];
      if (d == '"') {
        i = skip_string(s, i);
        if (i == kBad) return kBad;
        continue;
      }
      if (d == '{' || d == '[') {
        ++depth;
      } else if (--depth == 0) {
        return i + 1;
      }
      ++i;
    }
    return kBad;
  }
  size_t start = i;
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n' && s[i] != '\r' &&
         s[i] != '\t')
    ++i;
  return i == start ? kBad : i;
}

}  // namespace

bool for_each_raw_member(std::string_view s,
                         const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  size_t i = skip_space(s, 0);
  if (i >= s.size() || s[i] != '{') return false;
  i = skip_space(s, i + 1);
  if (i < s.size() && s[i] == '}') return true;
  while (i < s.size()) {
    if (s[i] != '"') return false;
    size_t key_end = skip_string(s, i);
    if (key_end == kBad) return false;
    std::string_view key = s.substr(i + 1, key_end - i - 2);
    i = skip_space(s, key_end);
    if (i >= s.size() || s[i] != ':') return false;
    i = skip_space(s, i + 1);
    size_t value_end = skip_value(s, i);
    if (value_end == kBad) return false;
    if (!visit(key, s.substr(i, value_end - i))) return true;
    i = skip_space(s, value_end);
    if (i >= s.size()) return false;
    if (s[i] == '}') return true;
    if (s[i] != ',') return false;
    i = skip_space(s, i + 1);
  }
  return false;
}

std::optional<std::string_view> raw_member(std::string_view object, std::string_view key) {
  std::optional<std::string_view> found;
  for_each_raw_member(object, [&](std::string_view k, std::string_view v) {
    if (k != key) return true;
    found = v;
    return false;
  });
  return found;
}

std::optional<std::string> raw_string_value(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return std::nullopt;
  std::string_view inner = raw.substr(1, raw.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  Json parsed = Json::parse(raw, nullptr, false);
  if (!parsed.is_string()) return std::nullopt;
  return parsed.get<std::string>();
}

std::optional<std::string> with_resource_version(std::string_view object, std::string_view resource_version) {
  auto meta = raw_member(object, "metadata");
  if (!meta) return std::nullopt;
  return with_resource_version(object, *meta, resource_version);
}

std::optional<std::string> with_resource_version(std::string_view object, std::string_view metadata,
                                                 std::string_view resource_version) {
  const std::string_view* meta = &metadata;
  if (meta->empty() || meta->front() != '{') return std::nullopt;
  constexpr std::string_view kKey = "resourceVersion";
  const std::string member = "\"resourceVersion\":\"" + std::string(resource_version) + "\"";
  // Where the member goes: replacing [at, at + replaced), or inserted at `at`.
  size_t at = kBad, replaced = 0;
  bool any_member = false, insert_before_member = false;
  bool ok = for_each_raw_member(*meta, [&](std::string_view key, std::string_view value) {
    any_member = true;
    if (key == kKey) {
      at = key.data() - 1 - object.data();
      replaced = value.data() + value.size() - (key.data() - 1);
      return false;
    }
    if (key > kKey) {
      at = key.data() - 1 - object.data();
      insert_before_member = true;
      return false;
    }
    return true;
  });
  if (!ok) return std::nullopt;
  std::string out;
  out.reserve(object.size() + member.size() + 1);
  if (at != kBad) {
    out.append(object.substr(0, at));
    out.append(member);
    if (insert_before_member) out.push_back(',');
    out.append(object.substr(at + replaced));
    return out;
  }
  size_t close = meta->data() + meta->size() - 1 - object.data();  // the metadata object's '}'
  out.append(object.substr(0, close));
  if (any_member) out.push_back(',');
  out.append(member);
  out.append(object.substr(close));
  return out;
}

std::optional<std::string> without_managed_fields(std::string_view object) {
  auto meta = raw_member(object, "metadata");
  if (!meta || meta->empty() || meta->front() != '{') return std::nullopt;
  // The cut takes one comma with the member: the one before it, or (when it comes first) the
  // one after it, up to the next key.
  size_t cut_begin = kBad, cut_end = kBad;
  size_t previous_end = kBad;
  bool found = false;
  auto offset = [&](const char* p) { return static_cast<size_t>(p - object.data()); };
  bool ok = for_each_raw_member(*meta, [&](std::string_view key, std::string_view value) {
    if (found) {  // the member after a leading managedFields
      cut_end = offset(key.data()) - 1;
      return false;
    }
    size_t value_end = offset(value.data()) + value.size();
    if (key == "managedFields") {
      found = true;
      cut_begin = previous_end != kBad ? previous_end : offset(key.data()) - 1;
      cut_end = value_end;
      return previous_end == kBad;
    }
    previous_end = value_end;
    return true;
  });
  if (!ok || !found) return std::nullopt;
  std::string out;
  out.reserve(object.size() - (cut_end - cut_begin));
  out.append(object.substr(0, cut_begin));
  out.append(object.substr(cut_end));
  return out;
}

}  // namespace skiff::api
