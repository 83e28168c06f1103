// Sprig's urlParse and urlJoin over Go's net/url parsing and URL.String rules.
#include "chart/funcs/go_values.h"
#include "chart/funcs/registry.h"
#include "chart/template/go_strconv.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;

enum class Mode { kPath, kHost, kUserPassword, kFragment };

bool should_escape(unsigned char c, Mode mode) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return false;
  if (mode == Mode::kHost) {
    switch (c) {
      case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';':
      case '=': case ':': case '[': case ']': case '<': case '>': case '"':
        return false;
      default: break;
    }
  }
  switch (c) {
    case '-': case '_': case '.': case '~': return false;
    case '$': case '&': case '+': case ',': case '/': case ':': case ';': case '=': case '?': case '@':
      switch (mode) {
        case Mode::kPath: return c == '?';
        case Mode::kUserPassword: return c == '@' || c == '/' || c == '?' || c == ':';
        case Mode::kFragment: return false;
        default: break;
      }
      break;
    default: break;
  }
  if (mode == Mode::kFragment && (c == '!' || c == '(' || c == ')' || c == '*')) return false;
  return true;
}

std::string escape(const std::string& s, Mode mode) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (should_escape(c, mode)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

int unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || unhex(s[i + 1]) < 0 || unhex(s[i + 2]) < 0) {
      std::string bad = s.substr(i, 3);
      return Error::invalid("invalid URL escape " + tmpl::go_quote(bad));
    }
    out += static_cast<char>(unhex(s[i + 1]) << 4 | unhex(s[i + 2]));
    i += 2;
  }
  return out;
}

struct Url {
  std::string scheme, opaque, host, path, raw_path, raw_query, fragment;
  bool has_user = false;
  std::string username, password;
  bool has_password = false;
  bool force_query = false;

  std::string userinfo() const {
    if (!has_user) return "";
    std::string s = escape(username, Mode::kUserPassword);
    if (has_password) s += ":" + escape(password, Mode::kUserPassword);
    return s;
  }

  std::string hostname() const {
    std::string h = host;
    if (!h.empty() && h[0] == '[') {
      size_t end = h.find(']');
      return end == std::string::npos ? h.substr(1) : h.substr(1, end - 1);
    }
    size_t colon = h.rfind(':');
    if (colon != std::string::npos) h = h.substr(0, colon);
    return h;
  }

  std::string escaped_path() const {
    if (!raw_path.empty()) return raw_path;
    if (path == "*") return "*";
    return escape(path, Mode::kPath);
  }

  std::string str() const {
    std::string buf;
    if (!scheme.empty()) buf += scheme + ":";
    if (!opaque.empty()) {
      buf += opaque;
    } else {
      if (!scheme.empty() || !host.empty() || has_user) {
        if (!host.empty() || !path.empty() || has_user) buf += "//";
        if (has_user) buf += userinfo() + "@";
        if (!host.empty()) buf += escape(host, Mode::kHost);
      }
      std::string p = escaped_path();
      if (!p.empty() && p[0] != '/' && !host.empty()) buf += '/';
      if (buf.empty()) {
        std::string segment = p.substr(0, p.find('/'));
        if (segment.find(':') != std::string::npos) buf += "./";
      }
      buf += p;
    }
    if (force_query || !raw_query.empty()) buf += "?" + raw_query;
    if (!fragment.empty()) buf += "#" + escape(fragment, Mode::kFragment);
    return buf;
  }
};

Result<Url> parse_url(const std::string& raw_in) {
  auto fail = [&](const std::string& msg) { return Error::invalid("parse " + tmpl::go_quote(raw_in) + ": " + msg); };
  Url u;
  std::string raw = raw_in;
  size_t hash = raw.find('#');
  std::string frag;
  if (hash != std::string::npos) {
    frag = raw.substr(hash + 1);
    raw = raw.substr(0, hash);
  }
  for (unsigned char c : raw) {
    if (c < 0x20 || c == 0x7f) return fail("net/url: invalid control character in URL");
  }
  if (raw == "*") {
    u.path = "*";
  } else {
    // getScheme
    std::string rest = raw;
    for (size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
      if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
        if (i == 0) break;
        continue;
      }
      if (c == ':') {
        if (i == 0) return fail("missing protocol scheme");
        u.scheme = raw.substr(0, i);
        for (auto& ch : u.scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        rest = raw.substr(i + 1);
      }
      break;
    }
    if (!rest.empty() && rest.back() == '?' && std::count(rest.begin(), rest.end(), '?') == 1) {
      u.force_query = true;
      rest.pop_back();
    } else {
      size_t q = rest.find('?');
      if (q != std::string::npos) {
        u.raw_query = rest.substr(q + 1);
        rest = rest.substr(0, q);
      }
    }
    if (rest.empty() || rest[0] != '/') {
      if (!u.scheme.empty()) {
        u.opaque = rest;
        rest.clear();
      } else {
        std::string segment = rest.substr(0, rest.find('/'));
        if (segment.find(':') != std::string::npos) return fail("first path segment in URL cannot contain colon");
      }
    }
    if (u.opaque.empty()) {
      if ((!u.scheme.empty() || rest.compare(0, 3, "///") != 0) && rest.compare(0, 2, "//") == 0) {
        std::string authority = rest.substr(2);
        size_t slash = authority.find('/');
        rest = slash == std::string::npos ? "" : authority.substr(slash);
        if (slash != std::string::npos) authority = authority.substr(0, slash);
        size_t at = authority.rfind('@');
        std::string host = at == std::string::npos ? authority : authority.substr(at + 1);
        if (at != std::string::npos) {
          std::string userinfo = authority.substr(0, at);
          for (unsigned char c : userinfo) {
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("-._:~!$&'()*+,;=%@").find(static_cast<char>(c)) != std::string_view::npos;
            if (!ok) return fail("net/url: invalid userinfo");
          }
          u.has_user = true;
          size_t colon = userinfo.find(':');
          auto name = unescape(colon == std::string::npos ? userinfo : userinfo.substr(0, colon));
          if (!name.ok()) return fail(name.error().message);
          u.username = *name;
          if (colon != std::string::npos) {
            auto pass = unescape(userinfo.substr(colon + 1));
            if (!pass.ok()) return fail(pass.error().message);
            u.password = *pass;
            u.has_password = true;
          }
        }
        // A port must be all digits.
        size_t close = host.rfind(']');
        if (!host.empty() && host[0] == '[' && close == std::string::npos) return fail("missing ']' in host");
        size_t colon = host.rfind(':');
        if (colon != std::string::npos && (close == std::string::npos || colon > close)) {
          std::string port = host.substr(colon + 1);
          for (char c : port) {
            if (c < '0' || c > '9') return fail("invalid port " + tmpl::go_quote(":" + port) + " after host");
          }
        }
        auto h = unescape(host);
        if (!h.ok()) return fail(h.error().message);
        u.host = *h;
      }
      auto p = unescape(rest);
      if (!p.ok()) return fail(p.error().message);
      u.path = *p;
      if (escape(u.path, Mode::kPath) != rest) u.raw_path = rest;
    }
  }
  auto f = unescape(frag);
  if (!f.ok()) return fail(f.error().message);
  u.fragment = *f;
  return u;
}

Result<std::string> dict_string(const Value& d, const std::string& key) {
  const auto& entries = d.map_entries();
  auto it = entries.find(key);
  if (it == entries.end()) return std::string();
  Value v = it->second.unboxed();
  if (!v.is_valid()) return Error::invalid(kNilDereference);
  if (v.kind() != Kind::kString) {
    return Error::invalid("unable to parse " + key + " key, must be of type string, but " + reflect_kind_name(v) +
                          " found");
  }
  return v.as_string();
}

}  // namespace

void register_url_functions(tmpl::TemplateSet& set) {
  add(set, "urlParse", {P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    auto parsed = parse_url(a[0].as_string());
    if (!parsed.ok()) return func_error("unable to parse url: " + parsed.error().message);
    const Url& u = *parsed;
    ValueMap m;
    m["scheme"] = Value::string(u.scheme);
    m["host"] = Value::string(u.host);
    m["hostname"] = Value::string(u.hostname());
    m["path"] = Value::string(u.path);
    m["query"] = Value::string(u.raw_query);
    m["opaque"] = Value::string(u.opaque);
    m["fragment"] = Value::string(u.fragment);
    m["userinfo"] = Value::string(u.userinfo());
    return Value::map(std::move(m));
  });
  add(set, "urlJoin", {P::kMap}, false, [](Args& a, CallContext&) -> Result<Value> {
    Url u;
    SKIFF_ASSIGN_OR_RETURN(u.scheme, dict_string(a[0], "scheme"));
    SKIFF_ASSIGN_OR_RETURN(u.host, dict_string(a[0], "host"));
    SKIFF_ASSIGN_OR_RETURN(u.path, dict_string(a[0], "path"));
    SKIFF_ASSIGN_OR_RETURN(u.raw_query, dict_string(a[0], "query"));
    SKIFF_ASSIGN_OR_RETURN(u.opaque, dict_string(a[0], "opaque"));
    SKIFF_ASSIGN_OR_RETURN(u.fragment, dict_string(a[0], "fragment"));
    SKIFF_ASSIGN_OR_RETURN(std::string userinfo, dict_string(a[0], "userinfo"));
    if (!userinfo.empty()) {
      auto parsed = parse_url("proto://" + userinfo + "@host");
      if (!parsed.ok()) return func_error("unable to parse userinfo in dict: " + parsed.error().message);
      u.has_user = parsed->has_user;
      u.username = parsed->username;
      u.password = parsed->password;
      u.has_password = parsed->has_password;
    }
    return Value::string(u.str());
  });
  // Name resolution needs the network, which a chart render never has: the lookup
  // fails and Sprig's rand.Intn(0) over the empty result panics.
  add(set, "getHostByName", {P::kString}, false,
      [](Args&, CallContext&) -> Result<Value> { return func_error("invalid argument to Intn"); });
}

}  // namespace skiff::chart::funcs
