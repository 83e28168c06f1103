#include "chart/engine/exec_error.h"

#include <optional>
#include <vector>

#include "chart/engine/helm_funcs.h"

namespace skiff::chart {

namespace {

std::vector<std::string> split(const std::string& s, const std::string& sep, size_t max_parts = std::string::npos) {
  std::vector<std::string> out;
  size_t start = 0;
  while (out.size() + 1 < max_parts) {
    size_t pos = s.find(sep, start);
    if (pos == std::string::npos) break;
    out.push_back(s.substr(start, pos - start));
    start = pos + sep.size();
  }
  out.push_back(s.substr(start));
  return out;
}

struct Traceable {
  std::string location, message, executed;
  bool operator==(const Traceable& o) const {
    return location == o.location && message == o.message && executed == o.executed;
  }
  std::string str() const {
    std::string out;
    if (!location.empty()) out += location + "\n  ";
    if (!executed.empty()) out += executed + "\n    ";
    if (!message.empty()) out += message + "\n";
    return out;
  }
};

std::string cut_template_tail(std::string msg) {
  size_t cut = msg.find(" template:");
  if (cut != std::string::npos) msg.resize(cut);
  return msg;
}

// parseTemplateExecErrorString; `inner` receives the wrapped error's text when the
// message is "error calling NAME: <wrapped>".
std::optional<Traceable> parse_level(const std::string& s) {
  const std::string prefix = "template: ";
  if (s.rfind(prefix, 0) != 0) return std::nullopt;
  std::string rem = s.substr(prefix.size());
  if (rem.rfind("no template ", 0) == 0) return Traceable{"", s, ""};
  size_t ex = rem.find(": executing ");
  if (ex != std::string::npos) {
    std::string name = rem.substr(0, ex);
    std::string after = rem.substr(ex + 12);
    if (after.empty() || after[0] != '"') return std::nullopt;
    size_t endq = after.find('"', 1);
    if (endq == std::string::npos) return std::nullopt;
    std::string fn = after.substr(1, endq - 1);
    std::string after_fn = after.substr(endq + 1);
    if (after_fn.rfind(" at <", 0) != 0) return std::nullopt;
    std::string after_at = after_fn.substr(5);
    size_t close = after_at.find(">: ");
    if (close == std::string::npos) return std::nullopt;
    return Traceable{name, cut_template_tail(after_at.substr(close + 3)),
                     "executing \"" + fn + "\" at <" + after_at.substr(0, close) + ">:"};
  }
  size_t sep = rem.rfind(": ");
  if (sep == std::string::npos) return std::nullopt;
  return Traceable{rem.substr(0, sep), cut_template_tail(rem.substr(sep + 2)), ""};
}

// The error Go's errors.Unwrap would reach from an "executing" error: the text after
// "error calling NAME: ", if any.
std::optional<std::string> unwrap(const std::string& s) {
  size_t at = s.find(">: ");
  if (at == std::string::npos) return std::nullopt;
  std::string msg = s.substr(at + 3);
  if (msg.rfind("error calling ", 0) != 0) return std::nullopt;
  size_t colon = msg.find(": ", 14);
  if (colon == std::string::npos) return std::nullopt;
  return msg.substr(colon + 2);
}

}  // namespace

std::string cleanup_parse_error(const std::string& filename, const std::string& message) {
  auto tokens = split(message, ": ");
  if (tokens.size() == 1) return "parse error in (" + filename + "): " + message;
  return "parse error at (" + tokens[1] + "): " + tokens.back();
}

std::string reformat_exec_error(const std::string& filename, const std::string& message) {
  auto tokens = split(message, ": ", 3);
  if (tokens.size() != 3) return "execution error in (" + filename + "): " + message;
  const std::string& location = tokens[1];
  size_t ws = tokens[2].find(kWarnStart);
  if (ws != std::string::npos) {
    size_t we = tokens[2].rfind(kWarnEnd);
    if (we != std::string::npos && we >= ws) {
      size_t b = ws + std::string(kWarnStart).size();
      return "execution error at (" + location + "): " + tokens[2].substr(b, we - b);
    }
  }
  std::vector<Traceable> levels;
  std::optional<std::string> current = message;
  while (current) {
    auto tr = parse_level(*current);
    if (!tr) return message;
    if (levels.empty() || !(levels.back() == *tr)) levels.push_back(*tr);
    current = unwrap(*current);
  }
  std::string out;
  for (const auto& l : levels) out += l.str();
  size_t b = out.find_first_not_of(" \t\r\n");
  size_t e = out.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : out.substr(b, e - b + 1);
}

}  // namespace skiff::chart
