#include "util/json_duplicates.h"

#include <set>

#include "util/json.h"

namespace skiff {
namespace {

// A SAX walk keeping, per open container, the keys seen so far and the path to it.
class DuplicateFinder : public nlohmann::json_sax<Json> {
 public:
  std::vector<std::string> duplicates;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }

  bool start_object(std::size_t) override {
    stack_.push_back({true, child_path(), {}, 0});
    return true;
  }
  bool end_object() override { return end_container(); }
  bool start_array(std::size_t) override {
    stack_.push_back({false, child_path(), {}, 0});
    return true;
  }
  bool end_array() override { return end_container(); }

  bool key(string_t& k) override {
    Frame& f = stack_.back();
    if (!f.keys.insert(k).second) duplicates.push_back(join(f.path, k));
    f.current_key = k;
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    duplicates.clear();
    return false;
  }

 private:
  struct Frame {
    bool object;
    std::string path;
    std::set<std::string> keys;
    size_t index;
    std::string current_key;
  };

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  // The path of the value about to start inside the innermost container.
  std::string child_path() {
    if (stack_.empty()) return "";
    Frame& f = stack_.back();
    if (f.object) return join(f.path, f.current_key);
    return f.path + "[" + std::to_string(f.index++) + "]";
  }

  bool value() {
    if (!stack_.empty() && !stack_.back().object) ++stack_.back().index;
    return true;
  }

  bool end_container() {
    stack_.pop_back();
    return true;
  }

  std::vector<Frame> stack_;
};

}  // namespace

std::vector<std::string> find_duplicate_json_fields(std::string_view text) {
  DuplicateFinder finder;
  Json::sax_parse(text.begin(), text.end(), &finder, nlohmann::detail::input_format_t::json, false);
  return finder.duplicates;
}

}  // namespace skiff
