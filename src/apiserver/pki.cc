#include "apiserver/pki.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/buffer.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "util/encoding.h"
#include "util/json.h"
#include "util/yaml.h"

namespace skiff::apiserver {

namespace {

template <auto Free>
struct OpenSslDeleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;
using StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;

constexpr std::chrono::seconds kTenYears{10L * 365 * 24 * 3600};
constexpr std::chrono::seconds kRenewWithin{30L * 24 * 3600};
// Certificates start an hour in the past so that clients with a lagging clock accept them.
constexpr long kBackdateSeconds = 3600;

constexpr const char* kCaName = "skiff-ca";
constexpr const char* kServerName = "skiff-apiserver";
constexpr const char* kAdminUser = "admin";
constexpr const char* kAdminGroup = "system:masters";
constexpr std::chrono::seconds kOneYear{365L * 24 * 3600};

// Drains the thread's OpenSSL error queue into the message.
Error openssl_error(std::string what) {
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    what += ": ";
    what += buf;
  }
  return Error::internal(std::move(what));
}

// ---- files ----

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::not_found(path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Written to a temporary file and renamed, so a crash never leaves half a key behind.
Status write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error::internal("create " + tmp + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, mode) == 0;  // the umask may have narrowed or the file pre-existed
  size_t written = 0;
  while (ok && written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    written += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  int saved_errno = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) saved_errno = errno;
    ::unlink(tmp.c_str());
    return Error::internal("write " + path + ": " + std::strerror(saved_errno));
  }
  return ok_status();
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// ---- PEM ----

std::string bio_contents(BIO* bio) {
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio, &mem);
  return mem ? std::string(mem->data, mem->length) : std::string();
}

Result<std::string> cert_to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return openssl_error("encode certificate");
  return bio_contents(bio.get());
}

Result<std::string> key_to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return openssl_error("encode private key");
  }
  return bio_contents(bio.get());
}

std::optional<X509Ptr> load_cert(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return std::nullopt;
  BioPtr bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  if (!cert) return std::nullopt;
  return cert;
}

std::optional<PKeyPtr> load_key(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return std::nullopt;
  BioPtr bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
  PKeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  if (!key) return std::nullopt;
  return key;
}

// ---- names ----

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The binary form of an IPv4 or IPv6 address; nullopt for anything else.
std::optional<std::string> parse_ip(std::string text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 4);
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 16);
  return std::nullopt;
}

struct SubjectAltNames {
  std::set<std::string> dns;  // lower case
  std::set<std::string> ips;  // binary, 4 or 16 bytes
};

void add_hosts(SubjectAltNames& names, const std::vector<std::string>& hosts) {
  for (const std::string& host : hosts) {
    if (host.empty()) continue;
    if (auto ip = parse_ip(host)) {
      names.ips.insert(*ip);
    } else {
      names.dns.insert(lower(host));
    }
  }
}

SubjectAltNames required_server_names(const std::vector<std::string>& hosts) {
  SubjectAltNames names;
  for (const char* dns : {"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                          "kubernetes.default.svc.cluster.local"}) {
    names.dns.insert(dns);
  }
  char hostname[256] = {};
  if (::gethostname(hostname, sizeof hostname - 1) == 0 && hostname[0] != '\0') names.dns.insert(lower(hostname));
  names.ips.insert(*parse_ip("127.0.0.1"));
  names.ips.insert(*parse_ip("::1"));
  add_hosts(names, hosts);
  return names;
}

SubjectAltNames names_in(const X509* cert) {
  SubjectAltNames names;
  GeneralNamesPtr sans(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!sans) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(sans.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans.get(), i);
    if (gn->type == GEN_DNS) {
      const ASN1_STRING* s = gn->d.dNSName;
      names.dns.insert(lower(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s))));
    } else if (gn->type == GEN_IPADD) {
      const ASN1_STRING* s = gn->d.iPAddress;
      names.ips.insert(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s)));
    }
  }
  return names;
}

bool covers(const SubjectAltNames& have, const SubjectAltNames& want) {
  return std::includes(have.dns.begin(), have.dns.end(), want.dns.begin(), want.dns.end()) &&
         std::includes(have.ips.begin(), have.ips.end(), want.ips.begin(), want.ips.end());
}

Status add_alt_names(X509* cert, const SubjectAltNames& names) {
  GeneralNamesPtr sans(sk_GENERAL_NAME_new_null());
  auto push = [&](int type, ASN1_STRING* value) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    if (!gn || !value) {
      GENERAL_NAME_free(gn);
      ASN1_STRING_free(value);
      return false;
    }
    GENERAL_NAME_set0_value(gn, type, value);
    if (sk_GENERAL_NAME_push(sans.get(), gn) <= 0) {
      GENERAL_NAME_free(gn);
      return false;
    }
    return true;
  };
  for (const std::string& dns : names.dns) {
    ASN1_IA5STRING* s = ASN1_IA5STRING_new();
    if (s && ASN1_STRING_set(s, dns.data(), static_cast<int>(dns.size())) != 1) {
      ASN1_STRING_free(s);
      s = nullptr;
    }
    if (!push(GEN_DNS, s)) return openssl_error("add DNS name " + dns);
  }
  for (const std::string& ip : names.ips) {
    ASN1_OCTET_STRING* s = ASN1_OCTET_STRING_new();
    if (s && ASN1_OCTET_STRING_set(s, reinterpret_cast<const unsigned char*>(ip.data()), static_cast<int>(ip.size())) != 1) {
      ASN1_OCTET_STRING_free(s);
      s = nullptr;
    }
    if (!push(GEN_IPADD, s)) return openssl_error("add IP address");
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, sans.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return openssl_error("add subjectAltName");
  }
  return ok_status();
}

// ---- certificates ----

struct CertificateSpec {
  std::string common_name;
  std::vector<std::string> organizations;
  bool is_ca = false;
  const char* extended_key_usage = nullptr;  // "serverAuth", "clientAuth"
  SubjectAltNames alt_names;
  std::chrono::seconds validity = kTenYears;
};

struct KeyPair {
  X509Ptr cert;
  PKeyPtr key;
};

Result<PKeyPtr> generate_key() {
  PKeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return openssl_error("generate ECDSA P-256 key");
  return key;
}

Status add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return openssl_error(std::string("add extension ") + value);
  return ok_status();
}

// Signed by issuer, or self-signed when issuer is null. Never outlives its issuer.
Result<X509Ptr> make_certificate(const CertificateSpec& spec, EVP_PKEY* subject_key, const KeyPair* issuer) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return openssl_error("create certificate");

  BignumPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) {
    return openssl_error("choose serial number");
  }

  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(spec.validity.count()))) {
    return openssl_error("set validity");
  }
  if (issuer && ASN1_TIME_compare(X509_get0_notAfter(cert.get()), X509_get0_notAfter(issuer->cert.get())) > 0) {
    X509_set1_notAfter(cert.get(), X509_get0_notAfter(issuer->cert.get()));
  }

  X509_NAME* subject = X509_get_subject_name(cert.get());
  for (const std::string& org : spec.organizations) {
    if (X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(org.c_str()),
                                   -1, -1, 0) != 1) {
      return openssl_error("set organization " + org);
    }
  }
  if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0) != 1) {
    return openssl_error("set common name " + spec.common_name);
  }
  X509_NAME* issuer_name = issuer ? X509_get_subject_name(issuer->cert.get()) : subject;
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1 || X509_set_pubkey(cert.get(), subject_key) != 1) {
    return openssl_error("set issuer and public key");
  }

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer->cert.get() : cert.get(), cert.get(), nullptr, nullptr, 0);
  if (spec.is_ca) {
    SKIFF_TRY(add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE"));
    SKIFF_TRY(add_extension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign"));
  } else {
    SKIFF_TRY(add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE"));
    SKIFF_TRY(add_extension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature"));
  }
  if (spec.extended_key_usage) {
    SKIFF_TRY(add_extension(cert.get(), &ctx, NID_ext_key_usage, spec.extended_key_usage));
  }
  SKIFF_TRY(add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  if (issuer) SKIFF_TRY(add_extension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  if (!spec.alt_names.dns.empty() || !spec.alt_names.ips.empty()) {
    SKIFF_TRY(add_alt_names(cert.get(), spec.alt_names));
  }

  EVP_PKEY* signing_key = issuer ? issuer->key.get() : subject_key;
  if (X509_sign(cert.get(), signing_key, EVP_sha256()) <= 0) return openssl_error("sign certificate");
  return cert;
}

Result<KeyPair> issue(const CertificateSpec& spec, const KeyPair* issuer) {
  SKIFF_ASSIGN_OR_RETURN(PKeyPtr key, generate_key());
  SKIFF_ASSIGN_OR_RETURN(X509Ptr cert, make_certificate(spec, key.get(), issuer));
  return KeyPair{std::move(cert), std::move(key)};
}

// Key first: a crash between the two writes leaves a mismatched pair, which is reissued.
Status write_pair(const KeyPair& pair, const std::string& cert_path, const std::string& key_path) {
  SKIFF_ASSIGN_OR_RETURN(std::string key_pem, key_to_pem(pair.key.get()));
  SKIFF_ASSIGN_OR_RETURN(std::string cert_pem, cert_to_pem(pair.cert.get()));
  SKIFF_TRY(write_file_atomic(key_path, key_pem, 0600));
  return write_file_atomic(cert_path, cert_pem, 0644);
}

bool chains_to(X509* cert, X509* ca) {
  StorePtr store(X509_STORE_new());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  bool ok = store && ctx && X509_STORE_add_cert(store.get(), ca) == 1 &&
            X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr) == 1 && X509_verify_cert(ctx.get()) == 1;
  ERR_clear_error();
  return ok;
}

bool expires_soon(const X509* cert) {
  std::time_t limit = std::time(nullptr) + static_cast<std::time_t>(kRenewWithin.count());
  return X509_cmp_time(X509_get0_notAfter(cert), &limit) <= 0;
}

std::optional<KeyPair> load_pair(const std::string& cert_path, const std::string& key_path) {
  auto cert = load_cert(cert_path);
  auto key = load_key(key_path);
  if (!cert || !key) return std::nullopt;
  bool matches = X509_check_private_key(cert->get(), key->get()) == 1;
  ERR_clear_error();
  if (!matches) return std::nullopt;
  return KeyPair{std::move(*cert), std::move(*key)};
}

struct CertificateAuthority {
  KeyPair pair;
  bool created = false;
};

Result<CertificateAuthority> ensure_ca(const PkiFiles& files) {
  if (!file_exists(files.ca_cert)) {
    CertificateSpec spec;
    spec.common_name = kCaName;
    spec.is_ca = true;
    SKIFF_ASSIGN_OR_RETURN(KeyPair pair, issue(spec, nullptr));
    SKIFF_TRY(write_pair(pair, files.ca_cert, files.ca_key));
    return CertificateAuthority{std::move(pair), true};
  }
  auto cert = load_cert(files.ca_cert);
  if (!cert) return Error::internal(files.ca_cert + " is not a PEM certificate");
  auto key = load_key(files.ca_key);
  if (!key) {
    return Error::internal(files.ca_key + " is missing or unreadable while " + files.ca_cert +
                           " exists; restore the key, or remove both to create a new CA");
  }
  bool matches = X509_check_private_key(cert->get(), key->get()) == 1;
  ERR_clear_error();
  if (!matches) return Error::internal(files.ca_key + " does not match " + files.ca_cert);
  return CertificateAuthority{KeyPair{std::move(*cert), std::move(*key)}, false};
}

// Keeps the existing pair when it is still good for `acceptable`, else issues a new one.
template <class Acceptable>
Status ensure_leaf(const CertificateAuthority& ca, const CertificateSpec& spec, const std::string& cert_path,
                   const std::string& key_path, Acceptable acceptable) {
  if (!ca.created) {
    auto existing = load_pair(cert_path, key_path);
    if (existing && chains_to(existing->cert.get(), ca.pair.cert.get()) && !expires_soon(existing->cert.get()) &&
        acceptable(existing->cert.get())) {
      return ok_status();
    }
  }
  SKIFF_ASSIGN_OR_RETURN(KeyPair pair, issue(spec, &ca.pair));
  return write_pair(pair, cert_path, key_path);
}

// A client certificate for `user` in `group`, kept while it still names both.
Status ensure_client_leaf(const CertificateAuthority& ca, const std::string& user, const std::string& group,
                          const std::string& cert_path, const std::string& key_path) {
  CertificateSpec spec;
  spec.common_name = user;
  spec.organizations = {group};
  spec.extended_key_usage = "clientAuth";
  return ensure_leaf(ca, spec, cert_path, key_path, [&](const X509* cert) {
    auto id = identity_from_peer_cert(cert);
    return id.ok() && id->user == user && std::find(id->groups.begin(), id->groups.end(), group) != id->groups.end();
  });
}

Result<IssuedCertificate> to_pem(const KeyPair& pair) {
  SKIFF_ASSIGN_OR_RETURN(std::string cert_pem, cert_to_pem(pair.cert.get()));
  SKIFF_ASSIGN_OR_RETURN(std::string key_pem, key_to_pem(pair.key.get()));
  return IssuedCertificate{std::move(cert_pem), std::move(key_pem)};
}

}  // namespace

PkiFiles PkiFiles::in(const std::string& data_dir) {
  auto file = [&](const char* name) { return (std::filesystem::path(data_dir) / name).string(); };
  return {file("ca.crt"),    file("ca.key"),    file("server.crt"),
          file("server.key"), file("admin.crt"), file("admin.key"),
          file("apiserver-kubelet-client.crt"), file("apiserver-kubelet-client.key")};
}

Status ensure_server_pki(const std::string& data_dir, const std::vector<std::string>& hosts) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Error::internal("create " + data_dir + ": " + ec.message());
  PkiFiles files = PkiFiles::in(data_dir);

  SKIFF_ASSIGN_OR_RETURN(CertificateAuthority ca, ensure_ca(files));

  CertificateSpec server;
  server.common_name = kServerName;
  server.extended_key_usage = "serverAuth";
  server.alt_names = required_server_names(hosts);
  SKIFF_TRY(ensure_leaf(ca, server, files.server_cert, files.server_key,
                        [&](const X509* cert) { return covers(names_in(cert), server.alt_names); }));

  SKIFF_TRY(ensure_client_leaf(ca, kAdminUser, kAdminGroup, files.admin_cert, files.admin_key));
  return ensure_client_leaf(ca, kKubeletClientUser, kAdminGroup, files.kubelet_client_cert, files.kubelet_client_key);
}

Status write_kubeconfig(const std::string& path, const std::string& server_url, const std::string& data_dir) {
  PkiFiles files = PkiFiles::in(data_dir);
  SKIFF_ASSIGN_OR_RETURN(std::string ca, read_file(files.ca_cert));
  SKIFF_ASSIGN_OR_RETURN(std::string cert, read_file(files.admin_cert));
  SKIFF_ASSIGN_OR_RETURN(std::string key, read_file(files.admin_key));

  Json config = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"clusters",
       Json::array({{{"name", "skiff"},
                     {"cluster", {{"server", server_url}, {"certificate-authority-data", base64_encode(ca)}}}}})},
      {"users", Json::array({{{"name", "skiff"},
                              {"user",
                               {{"client-certificate-data", base64_encode(cert)},
                                {"client-key-data", base64_encode(key)}}}}})},
      {"contexts", Json::array({{{"name", "skiff"}, {"context", {{"cluster", "skiff"}, {"user", "skiff"}}}}})},
      {"current-context", "skiff"},
      {"preferences", Json::object()},
  };

  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return Error::internal("create " + parent.string() + ": " + ec.message());
  }
  return write_file_atomic(path, to_yaml(config), 0600);
}

Result<IssuedCertificate> issue_client_certificate(const std::string& data_dir, const std::string& user,
                                                   const std::vector<std::string>& groups,
                                                   std::chrono::seconds validity) {
  PkiFiles files = PkiFiles::in(data_dir);
  auto ca = load_pair(files.ca_cert, files.ca_key);
  if (!ca) return Error::internal("no usable CA in " + data_dir + " (ca.crt and ca.key)");
  CertificateSpec spec;
  spec.common_name = user;
  spec.organizations = groups;
  spec.extended_key_usage = "clientAuth";
  spec.validity = validity;
  SKIFF_ASSIGN_OR_RETURN(KeyPair pair, issue(spec, &*ca));
  return to_pem(pair);
}

Result<IssuedCertificate> self_signed_serving_certificate(const std::string& common_name,
                                                         const std::vector<std::string>& hosts) {
  CertificateSpec spec;
  spec.common_name = common_name;
  spec.extended_key_usage = "serverAuth";
  add_hosts(spec.alt_names, hosts);
  spec.validity = kOneYear;
  SKIFF_ASSIGN_OR_RETURN(KeyPair pair, issue(spec, nullptr));
  return to_pem(pair);
}

Result<ClientIdentity> identity_from_peer_cert(const x509_st* cert) {
  if (!cert) return Error::unauthorized("no client certificate");
  const X509_NAME* subject = X509_get_subject_name(cert);
  ClientIdentity id;
  for (int i = 0; subject && i < X509_NAME_entry_count(subject); ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(subject, i);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    if (nid != NID_commonName && nid != NID_organizationName) continue;
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (len < 0) continue;
    std::string value(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
    OPENSSL_free(utf8);
    // As Go's pkix.Name: the last common name wins; organizations accumulate in order.
    if (nid == NID_commonName) {
      id.user = std::move(value);
    } else {
      id.groups.push_back(std::move(value));
    }
  }
  if (id.user.empty()) return Error::unauthorized("client certificate has no common name");
  return id;
}

}  // namespace skiff::apiserver
