#include "chart/template/go_fmt.h"

#include <cmath>

#include "chart/template/function.h"
#include "chart/template/go_strconv.h"

namespace skiff::chart::tmpl {
namespace {

const char kLowerDigits[] = "0123456789abcdefx";
const char kUpperDigits[] = "0123456789ABCDEFX";
constexpr int kMaxWidth = 1000000;  // fmt's tooLarge

struct Flags {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool plus_v = false, sharp_v = false;
  bool wid_present = false, prec_present = false;
  int wid = 0, prec = 0;
};

class Printer {
 public:
  std::string buf;
  Flags f;

  void clear_flags() { f = Flags{}; }

  void write_padding(int n) {
    if (n <= 0) return;
    buf.append(static_cast<size_t>(n), f.zero && !f.minus ? '0' : ' ');
  }

  void pad(std::string_view s) {
    if (!f.wid_present || f.wid == 0) {
      buf += s;
      return;
    }
    int width = f.wid - static_cast<int>(rune_count(s));
    if (!f.minus) {
      write_padding(width);
      buf += s;
    } else {
      buf += s;
      write_padding(width);
    }
  }

  std::string truncate(std::string_view s) const {
    if (f.prec_present) {
      size_t i = 0;
      for (int n = 0; i < s.size(); ++n) {
        if (n == f.prec) return std::string(s.substr(0, i));
        int w;
        decode_rune(s.substr(i), &w);
        i += w;
      }
    }
    return std::string(s);
  }

  void fmt_s(std::string_view s) { pad(truncate(s)); }

  void fmt_sx(std::string_view s, const char* digits) {
    int length = static_cast<int>(s.size());
    if (f.prec_present && f.prec < length) length = f.prec;
    int width = 2 * length;
    if (width > 0) {
      if (f.space) {
        if (f.sharp) width *= 2;
        width += length - 1;
      } else if (f.sharp) {
        width += 2;
      }
    } else {
      if (f.wid_present) write_padding(f.wid);
      return;
    }
    if (f.wid_present && f.wid > width && !f.minus) write_padding(f.wid - width);
    if (f.sharp) {
      buf += '0';
      buf += digits[16];
    }
    for (int i = 0; i < length; ++i) {
      if (f.space && i > 0) {
        buf += ' ';
        if (f.sharp) {
          buf += '0';
          buf += digits[16];
        }
      }
      auto c = static_cast<unsigned char>(s[i]);
      buf += digits[c >> 4];
      buf += digits[c & 0xF];
    }
    if (f.wid_present && f.wid > width && f.minus) write_padding(f.wid - width);
  }

  void fmt_q(std::string_view s) {
    std::string t = truncate(s);
    if (f.sharp && go_can_backquote(t)) {
      pad("`" + t + "`");
      return;
    }
    pad(go_quote(t, f.plus));
  }

  void fmt_integer(uint64_t u, int base, bool is_signed, char verb, const char* digits) {
    bool negative = is_signed && static_cast<int64_t>(u) < 0;
    if (negative) u = 0 - u;
    int prec = 0;
    if (f.prec_present) {
      prec = f.prec;
      if (prec == 0 && u == 0) {
        bool old_zero = f.zero;
        f.zero = false;
        write_padding(f.wid);
        f.zero = old_zero;
        return;
      }
    } else if (f.zero && !f.minus && f.wid_present) {
      prec = f.wid;
      if (negative || f.plus || f.space) --prec;
    }
    std::string rev;
    do {
      rev += digits[u % base];
      u /= base;
    } while (u != 0);
    while (static_cast<int>(rev.size()) < prec) rev += '0';
    if (f.sharp) {
      switch (base) {
        case 2: rev += "b0"; break;
        case 8:
          if (rev.back() != '0') rev += '0';
          break;
        case 16:
          rev += digits[16];
          rev += '0';
          break;
        default: break;
      }
    }
    if (verb == 'O') rev += "o0";
    if (negative) {
      rev += '-';
    } else if (f.plus) {
      rev += '+';
    } else if (f.space) {
      rev += ' ';
    }
    std::string s(rev.rbegin(), rev.rend());
    bool old_zero = f.zero;
    f.zero = false;
    pad(s);
    f.zero = old_zero;
  }

  void fmt_c(uint64_t u) {
    int32_t r = u > static_cast<uint64_t>(kMaxRune) ? kRuneError : static_cast<int32_t>(u);
    std::string s;
    append_rune(s, r);
    pad(s);
  }

  void fmt_qc(uint64_t u) {
    int32_t r = u > static_cast<uint64_t>(kMaxRune) ? kRuneError : static_cast<int32_t>(u);
    if (f.sharp && r < 0x80 && r != '`' && is_print(r) && r != '\'') {
      std::string s = "`";
      s += static_cast<char>(r);
      s += '`';
      pad(s);
      return;
    }
    pad(go_quote_rune(r, f.plus));
  }

  void fmt_unicode(uint64_t u) {
    int prec = 4;
    if (f.prec_present && f.prec > 4) prec = f.prec;
    std::string hex;
    uint64_t v = u;
    do {
      hex.insert(hex.begin(), kUpperDigits[v % 16]);
      v /= 16;
    } while (v != 0);
    while (static_cast<int>(hex.size()) < prec) hex.insert(hex.begin(), '0');
    std::string s = "U+" + hex;
    if (f.sharp && u <= static_cast<uint64_t>(kMaxRune) && is_print(static_cast<int32_t>(u))) {
      s += " '";
      append_rune(s, static_cast<int32_t>(u));
      s += '\'';
    }
    bool old_zero = f.zero;
    f.zero = false;
    pad(s);
    f.zero = old_zero;
  }

  void fmt_float(double v, int bits, char verb, int prec) {
    if (f.prec_present) prec = f.prec;
    std::string num = go_format_float(v, verb, prec, bits);
    if (num[0] != '-' && num[0] != '+') num.insert(num.begin(), '+');
    if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      bool old_zero = f.zero;
      f.zero = false;
      if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
      pad(num);
      f.zero = old_zero;
      return;
    }
    if (f.plus || num[0] != '+') {
      if (f.zero && !f.minus && f.wid_present && f.wid > static_cast<int>(num.size())) {
        buf += num[0];
        write_padding(f.wid - static_cast<int>(num.size()));
        buf.append(num, 1);
        return;
      }
      pad(num);
      return;
    }
    pad(std::string_view(num).substr(1));
  }

  void bad_verb(char32_t verb, const Value* arg) {
    buf += "%!";
    append_rune(buf, static_cast<int32_t>(verb));
    buf += '(';
    if (arg != nullptr && arg->is_valid()) {
      buf += arg->type_name();
      buf += '=';
      print_arg(*arg, 'v');
    } else {
      buf += "<nil>";
    }
    buf += ')';
  }

  void print_integer(const Value& v, char32_t verb) {
    bool is_signed = is_signed_int_kind(v.kind());
    uint64_t u = is_signed ? static_cast<uint64_t>(v.as_int()) : v.as_uint();
    switch (verb) {
      case 'v':
        if (f.sharp_v && !is_signed) {
          bool old = f.sharp;
          f.sharp = true;
          fmt_integer(u, 16, false, 'v', kLowerDigits);
          f.sharp = old;
        } else {
          fmt_integer(u, 10, is_signed, 'v', kLowerDigits);
        }
        return;
      case 'd': fmt_integer(u, 10, is_signed, 'd', kLowerDigits); return;
      case 'b': fmt_integer(u, 2, is_signed, 'b', kLowerDigits); return;
      case 'o':
      case 'O': fmt_integer(u, 8, is_signed, static_cast<char>(verb), kLowerDigits); return;
      case 'x': fmt_integer(u, 16, is_signed, 'x', kLowerDigits); return;
      case 'X': fmt_integer(u, 16, is_signed, 'X', kUpperDigits); return;
      case 'c': fmt_c(u); return;
      case 'q': fmt_qc(u); return;
      case 'U': fmt_unicode(u); return;
      default: bad_verb(verb, &v); return;
    }
  }

  void print_float(const Value& v, char32_t verb) {
    int bits = v.kind() == Kind::kFloat32 ? 32 : 64;
    switch (verb) {
      case 'v': fmt_float(v.as_float(), bits, 'g', -1); return;
      case 'g':
      case 'G': fmt_float(v.as_float(), bits, static_cast<char>(verb), -1); return;
      case 'f':
      case 'F': fmt_float(v.as_float(), bits, 'f', 6); return;
      case 'e':
      case 'E': fmt_float(v.as_float(), bits, static_cast<char>(verb), 6); return;
      default: bad_verb(verb, &v); return;
    }
  }

  void print_string(const std::string& s, char32_t verb, const Value* arg) {
    switch (verb) {
      case 'v':
        if (f.sharp_v) {
          fmt_q(s);
        } else {
          fmt_s(s);
        }
        return;
      case 's': fmt_s(s); return;
      case 'x': fmt_sx(s, kLowerDigits); return;
      case 'X': fmt_sx(s, kUpperDigits); return;
      case 'q': fmt_q(s); return;
      default: bad_verb(verb, arg); return;
    }
  }

  // Go's handleMethods: a Stringer formats through its String().
  bool handle_methods(const Value& v, char32_t verb) {
    const auto& type = v.type_info();
    if (!type || !type->stringer) return false;
    print_string(type->stringer(v), verb, &v);
    return true;
  }

  // printValue for values nested in containers (depth > 0) and non-basic kinds.
  void print_value(const Value& v, char32_t verb, int depth) {
    if (depth > 0 && !v.is_valid()) {
      // a nil interface{} element
      if (f.sharp_v) {
        buf += "interface {}(nil)";
      } else {
        fmt_s("<nil>");
      }
      return;
    }
    if (depth > 0 && handle_methods(v, verb)) return;
    print_kind(v, verb, depth);
  }

  void print_kind(const Value& v, char32_t verb, int depth) {
    Kind k = v.kind();
    if (k == Kind::kBool) {
      if (verb == 't' || verb == 'v') {
        pad(v.as_bool() ? "true" : "false");
      } else {
        bad_verb(verb, &v);
      }
    } else if (is_signed_int_kind(k) || is_unsigned_int_kind(k)) {
      print_integer(v, verb);
    } else if (is_float_kind(k)) {
      print_float(v, verb);
    } else if (k == Kind::kString) {
      print_string(v.as_string(), verb, &v);
    } else if (k == Kind::kMap) {
      // %#v spells Go syntax: map[string]interface {}{"a":1, "b":2}.
      if (f.sharp_v && v.is_nil_container()) {
        buf += v.type_name() + "(nil)";
        return;
      }
      buf += f.sharp_v ? v.type_name() + "{" : "map[";
      bool first = true;
      for (const auto& [key, val] : v.map_entries()) {
        if (!first) buf += f.sharp_v ? ", " : " ";
        first = false;
        print_value(Value::string(key), verb, depth + 1);
        buf += ':';
        print_value(val, verb, depth + 1);
      }
      buf += f.sharp_v ? '}' : ']';
    } else if (k == Kind::kSlice) {
      // A []byte reads as the string it holds under %s, %q, %x and %X.
      if (v.elem_kind() == Kind::kUint8 && (verb == 's' || verb == 'q' || verb == 'x' || verb == 'X')) {
        std::string bytes;
        for (const auto& item : v.list_items()) bytes += static_cast<char>(item.unboxed().as_uint());
        print_string(bytes, verb, &v);
        return;
      }
      if (f.sharp_v && v.is_nil_container()) {
        buf += v.type_name() + "(nil)";
        return;
      }
      buf += f.sharp_v ? v.type_name() + "{" : "[";
      bool first = true;
      for (const auto& item : v.list_items()) {
        if (!first) buf += f.sharp_v ? ", " : " ";
        first = false;
        print_value(item, verb, depth + 1);
      }
      buf += f.sharp_v ? '}' : ']';
    } else if (k == Kind::kFunc) {
      // Go prints a function's address; there is none to show here.
      if (verb == 'v' || verb == 'p') {
        pad(v.function_def() ? "0x1" : "<nil>");
      } else {
        bad_verb(verb, &v);
      }
    } else {
      if (verb == 'v') {
        pad("<nil>");
      } else {
        bad_verb(verb, nullptr);
      }
    }
  }

  void print_arg(const Value& arg_in, char32_t verb) {
    Value arg = arg_in.unboxed();
    if (!arg.is_valid()) {
      if (verb == 'T' || verb == 'v') {
        pad("<nil>");
      } else {
        bad_verb(verb, nullptr);
      }
      return;
    }
    if (verb == 'T') {
      fmt_s(arg.type_name());
      return;
    }
    if (handle_methods(arg, verb)) return;
    print_kind(arg, verb, 0);
  }
};

bool parse_num(std::string_view s, size_t start, size_t end, int* num, size_t* newi) {
  *num = 0;
  bool isnum = false;
  size_t i = start;
  if (start >= end) {
    *newi = end;
    return false;
  }
  for (; i < end && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (*num > kMaxWidth || *num < -kMaxWidth) {
      *num = 0;
      *newi = end;
      return false;
    }
    *num = *num * 10 + (s[i] - '0');
    isnum = true;
  }
  *newi = i;
  return isnum;
}

// fmt's intFromArg: width or precision taken from an integer argument ('*').
bool int_from_arg(const std::vector<Value>& a, size_t* arg_num, int* num) {
  *num = 0;
  bool is_int = false;
  if (*arg_num < a.size()) {
    Value v = a[*arg_num].unboxed();
    if (is_signed_int_kind(v.kind())) {
      *num = static_cast<int>(v.as_int());
      is_int = static_cast<int64_t>(*num) == v.as_int();
    } else if (is_unsigned_int_kind(v.kind())) {
      is_int = v.as_uint() <= static_cast<uint64_t>(INT32_MAX);
      if (is_int) *num = static_cast<int>(v.as_uint());
    }
    ++*arg_num;
    if (*num > kMaxWidth || *num < -kMaxWidth) {
      *num = 0;
      is_int = false;
    }
  }
  return is_int;
}

}  // namespace

std::string go_sprint(const std::vector<Value>& args) {
  Printer p;
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_string = args[i].unboxed().kind() == Kind::kString;
    if (i > 0 && !is_string && !prev_string) p.buf += ' ';
    p.print_arg(args[i], 'v');
    prev_string = is_string;
  }
  return std::move(p.buf);
}

std::string go_sprintln(const std::vector<Value>& args) {
  Printer p;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) p.buf += ' ';
    p.print_arg(args[i], 'v');
  }
  p.buf += '\n';
  return std::move(p.buf);
}

std::string go_format_value(const Value& v) {
  Printer p;
  p.print_arg(v, 'v');
  return std::move(p.buf);
}

std::string go_sprintf(std::string_view format, const std::vector<Value>& a) {
  Printer p;
  size_t end = format.size();
  size_t arg_num = 0;
  bool after_index = false;
  bool reordered = false;
  bool good_arg_num = true;

  // fmt's argNumber: an explicit "[n]" argument index.
  auto arg_number = [&](size_t i, bool* found) -> size_t {
    *found = false;
    if (i >= end || format[i] != '[') return i;
    reordered = true;
    std::string_view rest = format.substr(i);
    size_t wid = 1;
    bool ok = false;
    int index = 0;
    if (rest.size() >= 3) {
      for (size_t j = 1; j < rest.size(); ++j) {
        if (rest[j] == ']') {
          size_t newi;
          int n;
          bool isnum = parse_num(rest, 1, j, &n, &newi);
          wid = j + 1;
          if (isnum && newi == j) {
            ok = true;
            index = n - 1;
          }
          break;
        }
      }
    }
    if (ok && index >= 0 && static_cast<size_t>(index) < a.size()) {
      arg_num = static_cast<size_t>(index);
      *found = true;
      return i + wid;
    }
    good_arg_num = false;
    *found = ok;
    return i + wid;
  };

  for (size_t i = 0; i < end;) {
    good_arg_num = true;
    size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    if (i > lasti) p.buf.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    ++i;
    p.clear_flags();
    bool simple_done = false;
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        p.f.sharp = true;
      } else if (c == '0') {
        p.f.zero = !p.f.minus;
      } else if (c == '+') {
        p.f.plus = true;
      } else if (c == '-') {
        p.f.minus = true;
        p.f.zero = false;
      } else if (c == ' ') {
        p.f.space = true;
      } else {
        if (c >= 'a' && c <= 'z' && arg_num < a.size()) {
          if (c == 'v') {
            p.f.sharp_v = p.f.sharp;
            p.f.sharp = false;
            p.f.plus_v = p.f.plus;
            p.f.plus = false;
          }
          p.print_arg(a[arg_num], static_cast<char32_t>(c));
          ++arg_num;
          ++i;
          simple_done = true;
        }
        break;
      }
    }
    if (simple_done) continue;

    i = arg_number(i, &after_index);

    if (i < end && format[i] == '*') {
      ++i;
      p.f.wid_present = int_from_arg(a, &arg_num, &p.f.wid);
      if (!p.f.wid_present) p.buf += "%!(BADWIDTH)";
      if (p.f.wid < 0) {
        p.f.wid = -p.f.wid;
        p.f.minus = true;
        p.f.zero = false;
      }
      after_index = false;
    } else {
      p.f.wid_present = parse_num(format, i, end, &p.f.wid, &i);
      if (after_index && p.f.wid_present) good_arg_num = false;
    }

    if (i + 1 < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg_num = false;
      i = arg_number(i, &after_index);
      if (i < end && format[i] == '*') {
        ++i;
        p.f.prec_present = int_from_arg(a, &arg_num, &p.f.prec);
        if (p.f.prec < 0) {
          p.f.prec = 0;
          p.f.prec_present = false;
        }
        if (!p.f.prec_present) p.buf += "%!(BADPREC)";
        after_index = false;
      } else {
        p.f.prec_present = parse_num(format, i, end, &p.f.prec, &i);
        if (!p.f.prec_present) {
          p.f.prec = 0;
          p.f.prec_present = true;
        }
      }
    }

    if (!after_index) i = arg_number(i, &after_index);

    if (i >= end) {
      p.buf += "%!(NOVERB)";
      break;
    }
    int size;
    int32_t verb = decode_rune(format.substr(i), &size);
    i += size;

    if (verb == '%') {
      p.buf += '%';
    } else if (!good_arg_num) {
      p.buf += "%!";
      append_rune(p.buf, verb);
      p.buf += "(BADINDEX)";
    } else if (arg_num >= a.size()) {
      p.buf += "%!";
      append_rune(p.buf, verb);
      p.buf += "(MISSING)";
    } else {
      if (verb == 'v') {
        p.f.sharp_v = p.f.sharp;
        p.f.sharp = false;
        p.f.plus_v = p.f.plus;
        p.f.plus = false;
      }
      p.print_arg(a[arg_num], static_cast<char32_t>(verb));
      ++arg_num;
    }
  }

  if (!reordered && arg_num < a.size()) {
    p.clear_flags();
    p.buf += "%!(EXTRA ";
    for (size_t i = arg_num; i < a.size(); ++i) {
      if (i > arg_num) p.buf += ", ";
      Value arg = a[i].unboxed();
      if (!arg.is_valid()) {
        p.buf += "<nil>";
      } else {
        p.buf += arg.type_name();
        p.buf += '=';
        p.print_arg(arg, 'v');
      }
    }
    p.buf += ')';
  }
  return std::move(p.buf);
}

}  // namespace skiff::chart::tmpl
