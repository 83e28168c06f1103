#include "chart/funcs/certs.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "chart/funcs/go_values.h"
#include "chart/funcs/registry.h"
#include "chart/template/go_fmt.h"
#include "util/encoding.h"

namespace skiff::chart::funcs {

namespace {

using P = ParamKind;
using tmpl::CallContext;
using tmpl::TypeInfo;

constexpr const char* kCertType = "sprig.certificate";

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using Bio = std::unique_ptr<BIO, BioFree>;

std::string bio_string(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return std::string(data, n > 0 ? n : 0);
}

Pkey generate_rsa(int bits) { return Pkey(EVP_RSA_gen(bits)); }

Pkey generate_key(const std::string& type, std::string* error) {
  if (type.empty() || type == "rsa") return generate_rsa(4096);
  if (type == "ecdsa") return Pkey(EVP_EC_gen("P-256"));
  if (type == "ed25519") return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (type == "dsa") {
    EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "DSA", nullptr);
    EVP_PKEY* params = nullptr;
    if (!pctx || EVP_PKEY_paramgen_init(pctx) <= 0 || EVP_PKEY_CTX_set_dsa_paramgen_bits(pctx, 2048) <= 0 ||
        EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pctx, 256) <= 0 || EVP_PKEY_paramgen(pctx, &params) <= 0) {
      EVP_PKEY_CTX_free(pctx);
      *error = "failed to generate dsa params: parameter generation failed";
      return nullptr;
    }
    EVP_PKEY_CTX_free(pctx);
    EVP_PKEY_CTX* kctx = EVP_PKEY_CTX_new(params, nullptr);
    EVP_PKEY* key = nullptr;
    if (!kctx || EVP_PKEY_keygen_init(kctx) <= 0 || EVP_PKEY_keygen(kctx, &key) <= 0) key = nullptr;
    EVP_PKEY_CTX_free(kctx);
    EVP_PKEY_free(params);
    return Pkey(key);
  }
  *error = "Unknown type " + type;
  return nullptr;
}

// Go's pemBlockForKey: PKCS#1 / SEC 1 / DSA structures for RSA, EC and DSA keys,
// PKCS#8 for the rest.
std::string key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_RSA || id == EVP_PKEY_EC || id == EVP_PKEY_DSA) {
    PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  return bio_string(bio.get());
}

Result<Pkey> parse_private_key(const std::string& pem) {
  if (pem.find("-----BEGIN") == std::string::npos) return Error::invalid("no PEM data in input");
  size_t begin = pem.find("-----BEGIN ");
  size_t end = pem.find("-----", begin + 11);
  std::string type = end == std::string::npos ? "" : pem.substr(begin + 11, end - begin - 11);
  if (type != "PRIVATE KEY" && (type.size() < 12 || type.compare(type.size() - 12, 12, " PRIVATE KEY") != 0)) {
    return Error::invalid("no private key data in PEM block of type " + type);
  }
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    if (type == "PRIVATE KEY") return Error::invalid("decoding PEM as PKCS#8: asn1: structure error");
    std::string kind = type.substr(0, type.size() - 12);
    if (kind != "RSA" && kind != "EC" && kind != "DSA") return Error::invalid("invalid private key type " + type);
    return Error::invalid("parsing " + kind + " private key from PEM: asn1: structure error");
  }
  return key;
}

std::shared_ptr<const TypeInfo> certificate_type() {
  static const auto kType = [] {
    auto t = std::make_shared<TypeInfo>();
    t->name = kCertType;
    t->is_struct = true;
    t->stringer = [](const Value& v) {
      const auto& m = v.map_entries();
      return "{" + m.at("Cert").as_string() + " " + m.at("Key").as_string() + "}";
    };
    return std::shared_ptr<const TypeInfo>(t);
  }();
  return kType;
}

Value certificate_value(std::string cert, std::string key) {
  ValueMap m;
  m["Cert"] = Value::string(std::move(cert));
  m["Key"] = Value::string(std::move(key));
  return Value::map(std::move(m), Kind::kString).with_type(certificate_type());
}

struct Template {
  std::string cn;
  std::vector<std::string> ips;
  std::vector<std::string> dns;
  int64_t days = 0;
  bool is_ca = false;
};

Result<Template> base_template(const std::string& cn, const Value& ips, const Value& dns, int64_t days) {
  Template t;
  t.cn = cn;
  t.days = days;
  for (const auto& item : ips.list_items()) {
    Value ip = item.unboxed();
    if (ip.kind() != Kind::kString || ip.type_info()) {
      return Error::invalid("error parsing ip: " + tmpl::go_format_value(ip) + " is not a string");
    }
    unsigned char buf[16];
    const std::string& s = ip.as_string();
    if (inet_pton(AF_INET, s.c_str(), buf) != 1 && inet_pton(AF_INET6, s.c_str(), buf) != 1) {
      return Error::invalid("error parsing ip: " + s);
    }
    t.ips.push_back(s);
  }
  for (const auto& item : dns.list_items()) {
    Value name = item.unboxed();
    if (name.kind() != Kind::kString || name.type_info()) {
      return Error::invalid("error processing alternate dns name: " + tmpl::go_format_value(name) +
                            " is not a string");
    }
    t.dns.push_back(name.as_string());
  }
  return t;
}

bool add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return true;
}

// x509.CreateCertificate with Sprig's template, signed by `signer_key` as `issuer`
// (the certificate itself when self-signed).
Result<Value> create_certificate(const Template& t, EVP_PKEY* key, X509* issuer, EVP_PKEY* signer_key) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  BIGNUM* serial = BN_new();
  BIGNUM* bound = BN_new();
  BN_set_bit(bound, 128);
  BN_rand_range(serial, bound);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  BN_free(bound);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!t.cn.empty()) {
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(t.cn.c_str()),
                               -1, -1, 0);
  }
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_time_adj_ex(X509_getm_notAfter(cert.get()), static_cast<int>(t.days), 0, nullptr);
  X509_set_pubkey(cert.get(), key);
  X509* issuer_cert = issuer ? issuer : cert.get();
  add_ext(cert.get(), issuer_cert, NID_key_usage,
          t.is_ca ? "critical,digitalSignature,keyEncipherment,keyCertSign" : "critical,digitalSignature,keyEncipherment");
  add_ext(cert.get(), issuer_cert, NID_ext_key_usage, "serverAuth,clientAuth");
  add_ext(cert.get(), issuer_cert, NID_basic_constraints, t.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (t.is_ca) add_ext(cert.get(), issuer_cert, NID_subject_key_identifier, "hash");
  if (issuer && X509_get_ext_by_NID(issuer, NID_subject_key_identifier, -1) >= 0) {
    add_ext(cert.get(), issuer_cert, NID_authority_key_identifier, "keyid");
  }
  std::string san;
  for (const auto& d : t.dns) san += (san.empty() ? "DNS:" : ",DNS:") + d;
  for (const auto& ip : t.ips) san += (san.empty() ? "IP:" : ",IP:") + ip;
  if (!san.empty()) {
    if (!add_ext(cert.get(), issuer_cert, NID_subject_alt_name, (t.cn.empty() ? "critical," : "") + san)) {
      return Error::invalid("error creating certificate: x509: invalid subject alternative name");
    }
  }
  int id = EVP_PKEY_get_base_id(signer_key);
  const EVP_MD* md = (id == EVP_PKEY_ED25519) ? nullptr : EVP_sha256();
  if (X509_sign(cert.get(), signer_key, md) <= 0) {
    return Error::invalid("error creating certificate: signing failed");
  }
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert.get());
  return certificate_value(bio_string(bio.get()), key_pem(key));
}

Result<Pkey> rsa_2048() {
  Pkey key = generate_rsa(2048);
  if (!key) return Error::invalid("error generating rsa key: key generation failed");
  return key;
}

Result<Pkey> key_from_pem(const std::string& pem) {
  auto key = parse_private_key(pem);
  if (!key.ok()) return Error::invalid("parsing private key: " + key.error().message);
  return std::move(key).value();
}

Result<Value> gen_ca(const std::string& cn, int64_t days, EVP_PKEY* key) {
  Template t;
  t.cn = cn;
  t.days = days;
  t.is_ca = true;
  return create_certificate(t, key, nullptr, key);
}

Result<Value> gen_self_signed(const Args& a, EVP_PKEY* key) {
  SKIFF_ASSIGN_OR_RETURN(Template t, base_template(a[0].as_string(), a[1], a[2], a[3].as_int()));
  return create_certificate(t, key, nullptr, key);
}

Result<Value> gen_signed(const Args& a, EVP_PKEY* key) {
  const auto& ca = a[4].map_entries();
  const std::string& ca_cert = ca.at("Cert").as_string();
  const std::string& ca_key = ca.at("Key").as_string();
  Bio bio(BIO_new_mem_buf(ca_cert.data(), static_cast<int>(ca_cert.size())));
  if (ca_cert.find("-----BEGIN") == std::string::npos) return Error::invalid("unable to decode certificate");
  Cert signer(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!signer) {
    return Error::invalid("error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate");
  }
  auto signer_key = parse_private_key(ca_key);
  if (!signer_key.ok()) return Error::invalid("error parsing private key: " + signer_key.error().message);
  SKIFF_ASSIGN_OR_RETURN(Template t, base_template(a[0].as_string(), a[1], a[2], a[3].as_int()));
  return create_certificate(t, key, signer.get(), signer_key->get());
}

void add_named(tmpl::TemplateSet& set, const std::string& name, std::vector<ParamKind> params, tmpl::Function fn) {
  tmpl::FunctionDef def = tmpl::make_function(std::move(params), false, std::move(fn));
  for (auto& p : def.sig.params) {
    if (p.kind == ParamKind::kNamed) p.named = kCertType;
  }
  set.add_function(name, std::move(def));
}

}  // namespace

void register_certificate_functions(tmpl::TemplateSet& set) {
  add(set, "genPrivateKey", {P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    std::string error;
    Pkey key = generate_key(a[0].as_string(), &error);
    if (!key) return Value::string(error.empty() ? "failed to generate private key: key generation failed" : error);
    return Value::string(key_pem(key.get()));
  });
  add(set, "buildCustomCert", {P::kString, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    auto cert = base64_decode(a[0].as_string());
    if (!cert) return func_error("unable to decode base64 certificate");
    auto key = base64_decode(a[1].as_string());
    if (!key) return func_error("unable to decode base64 private key");
    if (cert->find("-----BEGIN") == std::string::npos) return func_error("unable to decode certificate");
    Bio bio(BIO_new_mem_buf(cert->data(), static_cast<int>(cert->size())));
    Cert parsed(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!parsed) return func_error("error parsing certificate: decodedCert.Bytes: x509: malformed certificate");
    auto pkey = parse_private_key(*key);
    if (!pkey.ok()) return func_error("error parsing private key: " + pkey.error().message);
    return certificate_value(*cert, *key);
  });
  add(set, "genCA", {P::kString, P::kInt}, false, [](Args& a, CallContext&) -> Result<Value> {
    SKIFF_ASSIGN_OR_RETURN(Pkey key, rsa_2048());
    return gen_ca(a[0].as_string(), a[1].as_int(), key.get());
  });
  add(set, "genCAWithKey", {P::kString, P::kInt, P::kString}, false, [](Args& a, CallContext&) -> Result<Value> {
    SKIFF_ASSIGN_OR_RETURN(Pkey key, key_from_pem(a[2].as_string()));
    return gen_ca(a[0].as_string(), a[1].as_int(), key.get());
  });
  add(set, "genSelfSignedCert", {P::kString, P::kSlice, P::kSlice, P::kInt}, false,
      [](Args& a, CallContext&) -> Result<Value> {
        SKIFF_ASSIGN_OR_RETURN(Pkey key, rsa_2048());
        return gen_self_signed(a, key.get());
      });
  add(set, "genSelfSignedCertWithKey", {P::kString, P::kSlice, P::kSlice, P::kInt, P::kString}, false,
      [](Args& a, CallContext&) -> Result<Value> {
        SKIFF_ASSIGN_OR_RETURN(Pkey key, key_from_pem(a[4].as_string()));
        return gen_self_signed(a, key.get());
      });
  add_named(set, "genSignedCert", {P::kString, P::kSlice, P::kSlice, P::kInt, P::kNamed},
            [](Args& a, CallContext&) -> Result<Value> {
              SKIFF_ASSIGN_OR_RETURN(Pkey key, rsa_2048());
              return gen_signed(a, key.get());
            });
  add_named(set, "genSignedCertWithKey", {P::kString, P::kSlice, P::kSlice, P::kInt, P::kNamed, P::kString},
            [](Args& a, CallContext&) -> Result<Value> {
              SKIFF_ASSIGN_OR_RETURN(Pkey key, key_from_pem(a[5].as_string()));
              return gen_signed(a, key.get());
            });
}

}  // namespace skiff::chart::funcs
