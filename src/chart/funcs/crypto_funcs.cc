// Sprig's crypto.go: digests, bcrypt/htpasswd, randBytes, uuidv4, derivePassword
// (Master Password), AES-256-CBC, private keys and X.509 certificates (genCA,
// genSelfSignedCert, genSignedCert and their WithKey forms, buildCustomCert).

// The SHA*_Init family is deprecated in OpenSSL 3 but remains the provider-free path.
#define OPENSSL_SUPPRESS_DEPRECATED

#include <crypt.h>
#include <zlib.h>

#include <cstring>

#include "chart/funcs/certs.h"
#include "chart/funcs/go_values.h"
#include "chart/funcs/random.h"
#include "chart/funcs/go_base64.h"
#include "chart/funcs/registry.h"
#include "util/encoding.h"
#include "util/random.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/sha.h>

#include <map>

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;

// The low-level SHA interfaces run OpenSSL's hash code directly; EVP_Digest (and, in
// OpenSSL 3, the one-shot SHA256()) first load the OpenSSL configuration and providers,
// which costs a `chart template` run milliseconds and megabytes of touched library pages.
template <typename Ctx, int (*Init)(Ctx*), int (*Update)(Ctx*, const void*, size_t),
          int (*Final)(unsigned char*, Ctx*), size_t kLen>
std::string digest_hex(const std::string& in) {
  Ctx ctx;
  unsigned char out[kLen];
  Init(&ctx);
  Update(&ctx, in.data(), in.size());
  Final(out, &ctx);
  return hex_encode(std::string_view(reinterpret_cast<char*>(out), kLen));
}

std::string bcrypt_hash(const std::string& password) {
  if (password.size() > 72) {
    return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes";
  }
  std::string salt_bytes = random_bytes(16);
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2a$", 10, salt_bytes.data(), static_cast<int>(salt_bytes.size()), setting,
                        sizeof setting)) {
    return "failed to encrypt string with bcrypt: salt generation failed";
  }
  struct crypt_data data;
  std::memset(&data, 0, sizeof data);
  const char* hash = crypt_rn(password.c_str(), setting, &data, sizeof data);
  if (!hash || hash[0] == '*') return "failed to encrypt string with bcrypt: hashing failed";
  return hash;
}

// Master Password templates and character classes (Sprig's derivePassword).
const std::map<std::string, std::vector<std::string>>& password_templates() {
  static const std::map<std::string, std::vector<std::string>> kTemplates = {
      {"maximum", {"anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"}},
      {"long",
       {"CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
        "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
        "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
        "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
        "CvccCvcvCvccno"}},
      {"medium", {"CvcnoCvc", "CvcCvcno"}},
      {"short", {"Cvcn"}},
      {"basic", {"aaanaaan", "aannaaan", "aaannaaa"}},
      {"pin", {"nnnn"}},
  };
  return kTemplates;
}

const char* template_chars(char c) {
  switch (c) {
    case 'V': return "AEIOU";
    case 'C': return "BCDFGHJKLMNPQRSTVWXYZ";
    case 'v': return "aeiou";
    case 'c': return "bcdfghjklmnpqrstvwxyz";
    case 'A': return "AEIOUBCDFGHJKLMNPQRSTVWXYZ";
    case 'a': return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
    case 'n': return "0123456789";
    case 'o': return "@&%?,=[]_:-+*$#!'^~;()/.";
    case 'x': return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()";
    default: return "";
  }
}

void put_be32(std::string& b, uint32_t v) {
  b += static_cast<char>(v >> 24);
  b += static_cast<char>(v >> 16);
  b += static_cast<char>(v >> 8);
  b += static_cast<char>(v);
}

std::string derive_password(uint32_t counter, const std::string& type, const std::string& password,
                            const std::string& user, const std::string& site) {
  auto it = password_templates().find(type);
  if (it == password_templates().end()) return "cannot find password template " + type;
  const std::string seed_prefix = "com.lyndir.masterpassword";
  std::string salt = seed_prefix;
  put_be32(salt, static_cast<uint32_t>(user.size()));
  salt += user;
  unsigned char key[64];
  if (EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                     salt.size(), 32768, 8, 2, 64ULL * 1024 * 1024, key, sizeof key) != 1) {
    return "failed to derive password: scrypt failed";
  }
  std::string msg = seed_prefix;
  put_be32(msg, static_cast<uint32_t>(site.size()));
  msg += site;
  put_be32(msg, counter);
  unsigned char seed[EVP_MAX_MD_SIZE];
  unsigned int seed_len = 0;
  HMAC(EVP_sha256(), key, sizeof key, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), seed,
       &seed_len);
  const auto& templates = it->second;
  const std::string& tmpl_text = templates[seed[0] % templates.size()];
  std::string out;
  for (size_t i = 0; i < tmpl_text.size(); ++i) {
    const char* chars = template_chars(tmpl_text[i]);
    out += chars[seed[i + 1] % std::strlen(chars)];
  }
  return out;
}

Result<Value> encrypt_aes(const std::string& password, const std::string& plaintext) {
  if (plaintext.empty()) return Value::string("");
  unsigned char key[32] = {};
  std::memcpy(key, password.data(), std::min<size_t>(32, password.size()));
  size_t pad = 16 - plaintext.size() % 16;
  std::string content = plaintext + std::string(pad, static_cast<char>(pad));
  std::string iv = random_bytes(16);
  std::string out(content.size(), '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key, reinterpret_cast<const unsigned char*>(iv.data()));
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                    reinterpret_cast<const unsigned char*>(content.data()), static_cast<int>(content.size()));
  EVP_CIPHER_CTX_free(ctx);
  return Value::string(base64_encode(iv + out));
}

Result<Value> decrypt_aes(const std::string& password, const std::string& crypt64) {
  if (crypt64.empty()) return Value::string("");
  unsigned char key[32] = {};
  std::memcpy(key, password.data(), std::min<size_t>(32, password.size()));
  auto decoded = go_base64_decode(crypt64);
  if (!decoded.ok()) return func_error(decoded.error().message);
  const std::string& crypt = *decoded;
  if (crypt.size() < 16) {
    return func_error("runtime error: slice bounds out of range [:16] with capacity " + std::to_string(crypt.size()));
  }
  std::string body = crypt.substr(16);
  if (body.size() % 16 != 0) return func_error("crypto/cipher: input not full blocks");
  if (body.empty()) return func_error("runtime error: index out of range [-1]");
  std::string out(body.size(), '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key, reinterpret_cast<const unsigned char*>(crypt.data()));
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                    reinterpret_cast<const unsigned char*>(body.data()), static_cast<int>(body.size()));
  EVP_CIPHER_CTX_free(ctx);
  size_t pad = static_cast<unsigned char>(out.back());
  if (pad > out.size()) {
    return func_error("runtime error: slice bounds out of range [:" +
                      std::to_string(static_cast<int64_t>(out.size()) - static_cast<int64_t>(pad)) + "]");
  }
  return Value::string(out.substr(0, out.size() - pad));
}

}  // namespace

void register_crypto_functions(tmpl::TemplateSet& set) {
  add(set, "sha1sum", {P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    return Value::string(digest_hex<SHA_CTX, SHA1_Init, SHA1_Update, SHA1_Final, SHA_DIGEST_LENGTH>(a[0].as_string()));
  });
  add(set, "sha256sum", {P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    return Value::string(digest_hex<SHA256_CTX, SHA256_Init, SHA256_Update, SHA256_Final, SHA256_DIGEST_LENGTH>(
        a[0].as_string()));
  });
  add(set, "sha512sum", {P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    return Value::string(digest_hex<SHA512_CTX, SHA512_Init, SHA512_Update, SHA512_Final, SHA512_DIGEST_LENGTH>(
        a[0].as_string()));
  });
  add(set, "adler32sum", {P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    const std::string& s = a[0].as_string();
    uLong sum = adler32(adler32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size()));
    return Value::string(std::to_string(sum));
  });
  add(set, "bcrypt", {P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> { return Value::string(bcrypt_hash(a[0].as_string())); });
  add(set, "htpasswd", {P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    const std::string& user = a[0].as_string();
    if (user.find(':') != std::string::npos) return Value::string("invalid username: " + user);
    return Value::string(user + ":" + bcrypt_hash(a[1].as_string()));
  });
  add(set, "randBytes", {P::kInt}, false, [](Args& a, CallContext&) -> Result<Value> {
    int64_t n = a[0].as_int();
    if (n < 0) return func_error("runtime error: makeslice: len out of range");
    return Value::string(base64_encode(random_bytes(static_cast<size_t>(n))));
  });
  add(set, "uuidv4", {}, false, [](Args&, CallContext&) -> Result<Value> { return Value::string(new_uuid()); });
  add(set, "derivePassword", {P::kUint32, P::kString, P::kString, P::kString, P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> {
        return Value::string(derive_password(static_cast<uint32_t>(a[0].as_uint()), a[1].as_string(),
                                             a[2].as_string(), a[3].as_string(), a[4].as_string()));
      });
  add(set, "encryptAES", {P::kString, P::kString}, false,
      [](Args& a, CallContext&) { return encrypt_aes(a[0].as_string(), a[1].as_string()); });
  add(set, "decryptAES", {P::kString, P::kString}, false,
      [](Args& a, CallContext&) { return decrypt_aes(a[0].as_string(), a[1].as_string()); });
  register_certificate_functions(set);
}

}  // namespace skiff::chart::funcs
