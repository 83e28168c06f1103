// Sprig's b64enc/b64dec/b32enc/b32dec. Decoding errors are returned as the output
// text (Sprig returns err.Error()), in Go's encoding/base64 and base32 wording.
#include <cstring>

#include "chart/funcs/go_base64.h"
#include "chart/funcs/registry.h"
#include "util/encoding.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;

constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(unsigned char c) {
  const char* p = std::strchr(kBase64, c);
  return (c != 0 && p) ? static_cast<int>(p - kBase64) : -1;
}

}  // namespace

Result<std::string> go_base64_decode(const std::string& src) {
  std::string out;
  size_t si = 0;
  auto corrupt = [](size_t at) { return Error::invalid("illegal base64 data at input byte " + std::to_string(at)); };
  while (si < src.size()) {
    int dbuf[4] = {0, 0, 0, 0};
    int dlen = 4;
    for (int j = 0; j < 4; ++j) {
      if (si == src.size()) {
        if (j == 0) return out;
        return corrupt(si - j);
      }
      unsigned char in = src[si++];
      int v = b64_value(in);
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (in == '\n' || in == '\r') {
        --j;
        continue;
      }
      if (in != '=') return corrupt(si - 1);
      if (j == 0 || j == 1) return corrupt(si - 1);
      if (j == 2) {
        while (si < src.size() && (src[si] == '\n' || src[si] == '\r')) ++si;
        if (si == src.size()) return corrupt(src.size());
        if (src[si] != '=') return corrupt(si - 1);
        ++si;
      }
      while (si < src.size() && (src[si] == '\n' || src[si] == '\r')) ++si;
      if (si < src.size()) return corrupt(si);
      dlen = j;
      break;
    }
    unsigned val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3];
    char bytes[3] = {static_cast<char>(val >> 16), static_cast<char>(val >> 8), static_cast<char>(val)};
    out.append(bytes, dlen - 1);
  }
  return out;
}

namespace {

std::string base32_encode(const std::string& in) {
  std::string out;
  size_t i = 0;
  while (i < in.size()) {
    unsigned char block[5] = {0, 0, 0, 0, 0};
    size_t n = std::min<size_t>(5, in.size() - i);
    std::memcpy(block, in.data() + i, n);
    uint64_t bits = 0;
    for (unsigned char b : block) bits = bits << 8 | b;
    static const int kChars[6] = {0, 2, 4, 5, 7, 8};
    int chars = kChars[n];
    for (int c = 0; c < 8; ++c) {
      out += c < chars ? kBase32[(bits >> (35 - 5 * c)) & 31] : '=';
    }
    i += n;
  }
  return out;
}

// Go's StdEncoding (base32) DecodeString, quantum by quantum after removing \r and \n.
std::string base32_decode_go(const std::string& src_in) {
  std::string src;
  for (char c : src_in) {
    if (c != '\n' && c != '\r') src += c;
  }
  auto corrupt = [](int64_t at) { return "illegal base32 data at input byte " + std::to_string(at); };
  const int64_t olen = static_cast<int64_t>(src.size());
  std::string out;
  size_t pos = 0;
  bool end = false;
  while (pos < src.size() && !end) {
    int dbuf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int dlen = 8;
    for (int j = 0; j < 8;) {
      int64_t left = static_cast<int64_t>(src.size() - pos);
      if (left == 0) return corrupt(olen - left - j);
      char in = src[pos++];
      --left;
      if (in == '=' && j >= 2 && left < 8) {
        if (left + j < 8 - 1) return corrupt(olen);
        for (int k = 0; k < 8 - 1 - j; ++k) {
          if (left > k && src[pos + k] != '=') return corrupt(olen - left + k - 1);
        }
        dlen = j;
        end = true;
        if (dlen == 1 || dlen == 3 || dlen == 6) return corrupt(olen - left - 1);
        break;
      }
      const char* p = std::strchr(kBase32, in);
      if (in == 0 || !p) return corrupt(olen - left - 1);
      dbuf[j++] = static_cast<int>(p - kBase32);
    }
    uint64_t bits = 0;
    for (int v : dbuf) bits = bits << 5 | static_cast<uint64_t>(v);
    static const int kBytes[9] = {0, 0, 1, 0, 2, 3, 0, 4, 5};
    for (int b = 0; b < kBytes[dlen]; ++b) out += static_cast<char>(bits >> (32 - 8 * b));
  }
  return out;
}

}  // namespace

void register_encoding_functions(tmpl::TemplateSet& set) {
  add(set, "b64enc", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::string(base64_encode(a[0].as_string())); });
  add(set, "b64dec", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { auto d = go_base64_decode(a[0].as_string());
        return Value::string(d.ok() ? std::move(d).value() : d.error().message); });
  add(set, "b32enc", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::string(base32_encode(a[0].as_string())); });
  add(set, "b32dec", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::string(base32_decode_go(a[0].as_string())); });
}

}  // namespace skiff::chart::funcs
