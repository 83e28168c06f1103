// JSON patch (RFC 6902) with the behaviour and error texts of the library kube-apiserver
// uses (evanphx/json-patch v4): negative array indices count from the end, a missing `value`
// means null, a missing member tests equal to null, copies may grow the document by 3 MiB.
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/patch.h"

namespace skiff::api {
namespace {

constexpr size_t kMaxOperations = 10000;
constexpr size_t kMaxCopyBytes = 3 * 1024 * 1024;

// Thrown inside this file only: the reason one operation could not be applied.
struct OpFailure {
  std::string detail;
};

[[noreturn]] void fail(std::string detail) { throw OpFailure{std::move(detail)}; }

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string go_type_name(const Json& v) {
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "bool";
  if (v.is_number()) return "number";
  return "null";
}

// RFC 6901 reference token: "~1" is "/", "~0" is "~", decoded left to right in one pass.
std::string decode_token(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
      out += raw[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += raw[i];
    }
  }
  return out;
}

// nullopt: not a pointer (it must be empty or start with "/").
std::optional<std::vector<std::string>> parse_pointer(const std::string& path) {
  std::vector<std::string> tokens;
  if (path.empty()) return tokens;
  if (path[0] != '/') return std::nullopt;
  size_t start = 1;
  while (true) {
    size_t slash = path.find('/', start);
    tokens.push_back(decode_token(std::string_view(path).substr(start, slash - start)));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return tokens;
}

// Go's strconv.Atoi: optional sign, then decimal digits.
long long parse_index(const std::string& token) {
  std::string_view digits = token;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  long long value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ptr != digits.data() + digits.size() || digits[0] == '-') {
    fail("strconv.Atoi: parsing " + in_quotes(token) + ": invalid syntax");
  }
  if (ec == std::errc::result_out_of_range) fail("strconv.Atoi: parsing " + in_quotes(token) + ": value out of range");
  return negative ? -value : value;
}

std::string invalid_index(long long idx) {
  return "Unable to access invalid index: " + std::to_string(idx) + ": invalid index referenced";
}

// Index of an existing element; negative indices count from the end.
size_t existing_index(const Json& array, const std::string& token) {
  long long idx = parse_index(token);
  long long size = static_cast<long long>(array.size());
  if (idx < 0) {
    if (idx < -size) fail(invalid_index(idx));
    idx += size;
  }
  if (idx >= size) fail(invalid_index(idx));
  return static_cast<size_t>(idx);
}

// The container holding the pointer's last token, or nullptr when the path does not exist.
Json* find_parent(Json& doc, const std::vector<std::string>& tokens) {
  if (tokens.empty()) return nullptr;
  Json* cur = &doc;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (cur->is_object()) {
      auto it = cur->find(tokens[i]);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      try {
        cur = &(*cur)[existing_index(*cur, tokens[i])];
      } catch (const OpFailure&) {
        return nullptr;
      }
    } else {
      return nullptr;
    }
  }
  return cur->is_object() || cur->is_array() ? cur : nullptr;
}

// The member or element `key` of `parent`; nullptr for an absent object member.
const Json* get_child(const Json& parent, const std::string& key) {
  if (parent.is_object()) {
    auto it = parent.find(key);
    return it == parent.end() ? nullptr : &*it;
  }
  return &parent[existing_index(parent, key)];
}

void insert_child(Json& parent, const std::string& key, Json value) {
  if (parent.is_object()) {
    parent[key] = std::move(value);
    return;
  }
  if (key == "-") {
    parent.push_back(std::move(value));
    return;
  }
  long long idx;
  try {
    idx = parse_index(key);
  } catch (const OpFailure& e) {
    fail("value was not a proper array index: '" + key + "': " + e.detail);
  }
  long long new_size = static_cast<long long>(parent.size()) + 1;
  if (idx >= new_size) fail(invalid_index(idx));
  if (idx < 0) {
    if (idx < -new_size) fail(invalid_index(idx));
    idx += new_size;
  }
  parent.insert(parent.begin() + idx, std::move(value));
}

void remove_child(Json& parent, const std::string& key) {
  if (parent.is_object()) {
    if (parent.erase(key) == 0) fail("Unable to remove nonexistent key: " + key + ": missing value");
    return;
  }
  parent.erase(parent.begin() + static_cast<std::ptrdiff_t>(existing_index(parent, key)));
}

class JsonPatcher {
 public:
  explicit JsonPatcher(Json doc) : doc_(std::move(doc)) {}

  void apply(const Json& op) {
    std::string kind = op_kind(op);
    if (kind == "add") return add(op);
    if (kind == "remove") return remove(op);
    if (kind == "replace") return replace(op);
    if (kind == "move") return move(op);
    if (kind == "copy") return copy(op);
    if (kind == "test") return test(op);
    fail("Unexpected kind: " + kind);
  }

  Json take() && { return std::move(doc_); }

 private:
  static std::string op_kind(const Json& op) {
    auto it = op.find("op");
    return it != op.end() && it->is_string() ? it->get<std::string>() : "unknown";
  }

  // "path"/"from" member; nullopt when absent or null.
  static std::optional<std::string> string_member(const Json& op, const char* name, const std::string& context) {
    auto it = op.find(name);
    if (it == op.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
      fail(context + ": json: cannot unmarshal " + go_type_name(*it) + " into Go value of type string");
    }
    return it->get<std::string>();
  }

  static std::string required_path(const Json& op, const std::string& kind) {
    std::string context = kind + " operation failed to decode path";
    auto path = string_member(op, "path", context);
    if (!path) fail(context + ": operation missing path field: missing value");
    return *path;
  }

  static std::string required_from(const Json& op, const std::string& kind) {
    std::string context = kind + " operation failed to decode from";
    auto from = string_member(op, "from", context);
    if (!from) fail(context + ": operation, missing from field: missing value");
    return *from;
  }

  static Json value_of(const Json& op) {
    auto it = op.find("value");
    return it == op.end() ? Json(nullptr) : *it;
  }

  struct Location {
    Json* parent;
    std::string key;
  };

  std::optional<Location> locate(const std::string& path) {
    auto tokens = parse_pointer(path);
    if (!tokens) return std::nullopt;
    Json* parent = find_parent(doc_, *tokens);
    if (parent == nullptr) return std::nullopt;
    return Location{parent, tokens->back()};
  }

  void add(const Json& op) {
    std::string path = required_path(op, "add");
    auto loc = locate(path);
    if (!loc) fail("add operation does not apply: doc is missing path: " + in_quotes(path) + ": missing value");
    try {
      insert_child(*loc->parent, loc->key, value_of(op));
    } catch (const OpFailure& e) {
      fail("error in add for path: '" + path + "': " + e.detail);
    }
  }

  void remove(const Json& op) {
    std::string path = required_path(op, "remove");
    auto loc = locate(path);
    if (!loc) fail("remove operation does not apply: doc is missing path: " + in_quotes(path) + ": missing value");
    try {
      remove_child(*loc->parent, loc->key);
    } catch (const OpFailure& e) {
      fail("error in remove for path: '" + path + "': " + e.detail);
    }
  }

  void replace(const Json& op) {
    std::string path = required_path(op, "replace");
    Json value = value_of(op);
    if (path.empty()) {
      if (!value.is_object() && !value.is_array()) fail("replace operation value must be object or array");
      doc_ = std::move(value);
      return;
    }
    auto loc = locate(path);
    if (!loc) fail("replace operation does not apply: doc is missing path: " + path + ": missing value");
    const Json* existing = nullptr;
    try {
      existing = get_child(*loc->parent, loc->key);
    } catch (const OpFailure&) {
    }
    if (existing == nullptr) fail("replace operation does not apply: doc is missing key: " + path + ": missing value");
    if (loc->parent->is_object()) {
      (*loc->parent)[loc->key] = std::move(value);
    } else {
      (*loc->parent)[existing_index(*loc->parent, loc->key)] = std::move(value);
    }
  }

  // The value at `from`, for move and copy.
  Json read_from(const std::string& kind, const std::string& from, const std::string& error_context) {
    auto loc = locate(from);
    if (!loc) fail(kind + " operation does not apply: doc is missing from path: " + from + ": missing value");
    try {
      const Json* value = get_child(*loc->parent, loc->key);
      if (value == nullptr) fail("unable to get nonexistent key: " + loc->key + ": missing value");
      return *value;
    } catch (const OpFailure& e) {
      fail(error_context + e.detail);
    }
  }

  void move(const Json& op) {
    std::string from = required_from(op, "move");
    auto source = locate(from);
    Json value = read_from("move", from, "error in move for path: '" + (source ? source->key : from) + "': ");
    try {
      remove_child(*source->parent, source->key);
    } catch (const OpFailure& e) {
      fail("error in move for path: '" + source->key + "': " + e.detail);
    }
    std::string path = required_path(op, "move");
    auto dest = locate(path);
    if (!dest) fail("move operation does not apply: doc is missing destination path: " + path + ": missing value");
    try {
      insert_child(*dest->parent, dest->key, std::move(value));
    } catch (const OpFailure& e) {
      fail("error in move for path: '" + path + "': " + e.detail);
    }
  }

  void copy(const Json& op) {
    std::string from = required_from(op, "copy");
    Json value = read_from("copy", from, "error in copy for from: '" + from + "': ");
    std::string path = required_path(op, "copy");
    auto dest = locate(path);
    if (!dest) fail("copy operation does not apply: doc is missing destination path: " + path + ": missing value");
    copied_bytes_ += dump_json(value).size();
    if (copied_bytes_ > kMaxCopyBytes) {
      fail("Unable to complete the copy, the accumulated size increase of copy is " + std::to_string(copied_bytes_) +
           ", exceeding the limit " + std::to_string(kMaxCopyBytes));
    }
    try {
      insert_child(*dest->parent, dest->key, std::move(value));
    } catch (const OpFailure& e) {
      fail("error while adding value during copy: " + e.detail);
    }
  }

  void test(const Json& op) {
    std::string path = required_path(op, "test");
    Json expected = value_of(op);
    const Json* actual = nullptr;
    if (path.empty()) {
      actual = &doc_;
    } else {
      auto loc = locate(path);
      if (!loc) fail("test operation does not apply: is missing path: " + path + ": missing value");
      try {
        actual = get_child(*loc->parent, loc->key);
      } catch (const OpFailure& e) {
        fail("error in test for path: '" + path + "': " + e.detail);
      }
    }
    bool actual_null = actual == nullptr || actual->is_null();
    bool equal = actual_null ? expected.is_null() : *actual == expected;
    if (!equal) fail("testing value " + path + " failed: test failed");
  }

  Json doc_;
  size_t copied_bytes_ = 0;
};

}  // namespace

Error patch_not_applicable(std::string detail) {
  Error err = Error::invalid("the server rejected our request due to an error in our request");
  err.causes.push_back(StatusCause{"UnexpectedServerResponse", std::move(detail), ""});
  return err;
}

Result<Json> apply_json_patch(const Json& doc, const Json& patch) {
  if (!patch.is_array()) {
    return Error::bad_request("json: cannot unmarshal " + go_type_name(patch) +
                              " into Go value of type jsonpatch.Patch");
  }
  for (const Json& op : patch) {
    if (!op.is_object()) {
      return Error::bad_request("json: cannot unmarshal " + go_type_name(op) +
                                " into Go value of type jsonpatch.Operation");
    }
  }
  if (patch.size() > kMaxOperations) {
    return Error::too_large("The allowed maximum operations in a JSON patch is " + std::to_string(kMaxOperations) +
                            ", got " + std::to_string(patch.size()));
  }
  try {
    JsonPatcher patcher(doc);
    for (const Json& op : patch) patcher.apply(op);
    return std::move(patcher).take();
  } catch (const OpFailure& e) {
    return patch_not_applicable(e.detail);
  } catch (const Json::exception& e) {
    return patch_not_applicable(e.what());
  }
}

}  // namespace skiff::api
