#include "apiserver/pki.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "util/encoding.h"
#include "util/yaml.h"

namespace skiff::apiserver {
namespace {

namespace fs = std::filesystem;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PKeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PKeyPtr = std::unique_ptr<EVP_PKEY, PKeyFree>;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

X509Ptr cert_from_pem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

X509Ptr load_cert(const std::string& path) { return cert_from_pem(slurp(path)); }

PKeyPtr load_key(const std::string& path) {
  std::string pem = slurp(path);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  PKeyPtr key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return key;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

// `openssl verify -CAfile ca.crt -purpose <purpose> cert` through the library.
bool verifies(X509* cert, X509* ca, int purpose) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert, nullptr);
  X509_STORE_CTX_set_purpose(ctx, purpose);
  bool ok = X509_verify_cert(ctx) == 1;
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return ok;
}

std::string common_name(X509* cert) {
  char buf[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
  return buf;
}

std::string local_hostname() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  std::string s = buf;
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class PkiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/skiff-pki-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/data";
    files_ = PkiFiles::in(dir_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void ensure(const std::vector<std::string>& hosts = {}) {
    auto status = ensure_server_pki(dir_, hosts);
    ASSERT_TRUE(status.ok()) << status.error().message;
  }

  std::string root_;
  std::string dir_;
  PkiFiles files_;
};

TEST_F(PkiTest, CreatesEveryFileWithPrivateKeyModes) {
  ensure();
  for (const auto& key : {files_.ca_key, files_.server_key, files_.admin_key, files_.kubelet_client_key})
    EXPECT_EQ(mode_of(key), 0600u) << key;
  for (const auto& cert : {files_.ca_cert, files_.server_cert, files_.admin_cert, files_.kubelet_client_cert}) {
    EXPECT_EQ(mode_of(cert), 0644u) << cert;
  }
}

TEST_F(PkiTest, CaIsSelfSignedSkiffCa) {
  ensure();
  X509Ptr ca = load_cert(files_.ca_cert);
  ASSERT_TRUE(ca);
  EXPECT_EQ(common_name(ca.get()), "skiff-ca");
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_TRUE(verifies(ca.get(), ca.get(), X509_PURPOSE_ANY));
}

TEST_F(PkiTest, CaIsValidForAboutTenYears) {
  ensure();
  X509Ptr ca = load_cert(files_.ca_cert);
  int days = 0, seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(ca.get()), X509_get0_notAfter(ca.get())), 1);
  EXPECT_GE(days, 3649);
  EXPECT_LE(days, 3652);
}

TEST_F(PkiTest, KeysAreEcdsaP256MatchingTheirCertificates) {
  ensure();
  for (const auto& [cert_path, key_path] : {std::pair{files_.ca_cert, files_.ca_key},
                                            std::pair{files_.server_cert, files_.server_key},
                                            std::pair{files_.admin_cert, files_.admin_key}}) {
    PKeyPtr key = load_key(key_path);
    ASSERT_TRUE(key) << key_path;
    EXPECT_EQ(EVP_PKEY_get_base_id(key.get()), EVP_PKEY_EC);
    EXPECT_EQ(EVP_PKEY_get_bits(key.get()), 256);
    X509Ptr cert = load_cert(cert_path);
    EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1) << cert_path;
  }
}

TEST_F(PkiTest, ServerCertVerifiesAgainstCaForServerAuth) {
  ensure();
  X509Ptr ca = load_cert(files_.ca_cert);
  X509Ptr server = load_cert(files_.server_cert);
  ASSERT_TRUE(ca && server);
  EXPECT_EQ(common_name(server.get()), "skiff-apiserver");
  EXPECT_TRUE(verifies(server.get(), ca.get(), X509_PURPOSE_SSL_SERVER));
  EXPECT_EQ(X509_check_ca(server.get()), 0);
}

TEST_F(PkiTest, ServerCertCarriesDefaultAndRequestedNames) {
  ensure({"10.96.0.1", "skiff.example.com", "fd00::1"});
  X509Ptr server = load_cert(files_.server_cert);
  for (const char* dns : {"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                          "skiff.example.com"}) {
    EXPECT_EQ(X509_check_host(server.get(), dns, 0, 0, nullptr), 1) << dns;
  }
  EXPECT_EQ(X509_check_host(server.get(), local_hostname().c_str(), 0, 0, nullptr), 1);
  for (const char* ip : {"127.0.0.1", "::1", "10.96.0.1", "fd00::1"}) {
    EXPECT_EQ(X509_check_ip_asc(server.get(), ip, 0), 1) << ip;
  }
  EXPECT_NE(X509_check_host(server.get(), "other.example.com", 0, 0, nullptr), 1);
  EXPECT_NE(X509_check_ip_asc(server.get(), "10.96.0.2", 0), 1);
}

TEST_F(PkiTest, AdminCertIsSystemMastersClient) {
  ensure();
  X509Ptr ca = load_cert(files_.ca_cert);
  X509Ptr admin = load_cert(files_.admin_cert);
  ASSERT_TRUE(admin);
  EXPECT_TRUE(verifies(admin.get(), ca.get(), X509_PURPOSE_SSL_CLIENT));
  EXPECT_FALSE(verifies(admin.get(), ca.get(), X509_PURPOSE_SSL_SERVER));
  auto id = identity_from_peer_cert(admin.get());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->user, "admin");
  EXPECT_EQ(id->groups, std::vector<std::string>{"system:masters"});
}

TEST_F(PkiTest, KubeletClientCertIsTheApiServersIdentityForNodeAgents) {
  ensure();
  X509Ptr ca = load_cert(files_.ca_cert);
  X509Ptr client = load_cert(files_.kubelet_client_cert);
  ASSERT_TRUE(client);
  EXPECT_TRUE(verifies(client.get(), ca.get(), X509_PURPOSE_SSL_CLIENT));
  EXPECT_FALSE(verifies(client.get(), ca.get(), X509_PURPOSE_SSL_SERVER));
  auto id = identity_from_peer_cert(client.get());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->user, "kube-apiserver-kubelet-client");
  EXPECT_EQ(id->groups, std::vector<std::string>{"system:masters"});
  EXPECT_EQ(mode_of(files_.kubelet_client_key), 0600u);
  EXPECT_EQ(X509_check_private_key(client.get(), load_key(files_.kubelet_client_key).get()), 1);
}

TEST_F(PkiTest, DataDirectoryFromBeforeTheKubeletClientCertGetsOne) {
  ensure();
  std::string admin = slurp(files_.admin_cert);
  fs::remove(files_.kubelet_client_cert);
  fs::remove(files_.kubelet_client_key);
  ensure();
  EXPECT_TRUE(fs::exists(files_.kubelet_client_cert));
  EXPECT_EQ(slurp(files_.admin_cert), admin);
}

TEST(SelfSignedServingCertificate, NamesItsHostsAndServesTls) {
  auto issued = self_signed_serving_certificate("node-b", {"node-b", "10.0.0.7", "127.0.0.1"});
  ASSERT_TRUE(issued.ok()) << issued.error().message;
  X509Ptr cert = cert_from_pem(issued->cert_pem);
  ASSERT_TRUE(cert);
  EXPECT_EQ(common_name(cert.get()), "node-b");
  EXPECT_TRUE(verifies(cert.get(), cert.get(), X509_PURPOSE_SSL_SERVER));
  EXPECT_EQ(X509_check_host(cert.get(), "node-b", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "10.0.0.7", 0), 1);
  EXPECT_NE(X509_check_ip_asc(cert.get(), "10.0.0.8", 0), 1);
  int days = 0, seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert.get()), X509_get0_notAfter(cert.get())), 1);
  EXPECT_GE(days, 364);
  EXPECT_LE(days, 366);
}

TEST_F(PkiTest, SecondRunKeepsEveryFile) {
  ensure({"10.0.0.1"});
  std::string ca = slurp(files_.ca_cert), server = slurp(files_.server_cert), admin = slurp(files_.admin_cert),
              server_key = slurp(files_.server_key);
  ensure({"10.0.0.1"});
  EXPECT_EQ(slurp(files_.ca_cert), ca);
  EXPECT_EQ(slurp(files_.server_cert), server);
  EXPECT_EQ(slurp(files_.server_key), server_key);
  EXPECT_EQ(slurp(files_.admin_cert), admin);
}

TEST_F(PkiTest, NewHostReissuesOnlyTheServerCertFromTheSameCa) {
  ensure();
  std::string ca_pem = slurp(files_.ca_cert), admin = slurp(files_.admin_cert), server = slurp(files_.server_cert);
  ensure({"192.168.50.7"});
  EXPECT_EQ(slurp(files_.ca_cert), ca_pem);
  EXPECT_EQ(slurp(files_.admin_cert), admin);
  EXPECT_NE(slurp(files_.server_cert), server);
  X509Ptr ca = load_cert(files_.ca_cert);
  X509Ptr reissued = load_cert(files_.server_cert);
  EXPECT_EQ(X509_check_ip_asc(reissued.get(), "192.168.50.7", 0), 1);
  EXPECT_TRUE(verifies(reissued.get(), ca.get(), X509_PURPOSE_SSL_SERVER));
  EXPECT_EQ(X509_check_private_key(reissued.get(), load_key(files_.server_key).get()), 1);
}

TEST_F(PkiTest, MissingAdminCertIsRecreated) {
  ensure();
  fs::remove(files_.admin_cert);
  ensure();
  X509Ptr admin = load_cert(files_.admin_cert);
  ASSERT_TRUE(admin);
  EXPECT_TRUE(verifies(admin.get(), load_cert(files_.ca_cert).get(), X509_PURPOSE_SSL_CLIENT));
}

TEST_F(PkiTest, ServerCertFromAnotherCaIsReplaced) {
  ensure();
  std::string other = root_ + "/other";
  ASSERT_TRUE(ensure_server_pki(other, {}).ok());
  fs::copy_file(other + "/server.crt", files_.server_cert, fs::copy_options::overwrite_existing);
  fs::copy_file(other + "/server.key", files_.server_key, fs::copy_options::overwrite_existing);
  ensure();
  EXPECT_TRUE(verifies(load_cert(files_.server_cert).get(), load_cert(files_.ca_cert).get(), X509_PURPOSE_SSL_SERVER));
}

TEST_F(PkiTest, CaCertWithoutKeyIsAnError) {
  ensure();
  std::string ca = slurp(files_.ca_cert);
  fs::remove(files_.ca_key);
  auto status = ensure_server_pki(dir_, {});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("ca.key"), std::string::npos);
  EXPECT_EQ(slurp(files_.ca_cert), ca);
}

TEST_F(PkiTest, IssuedClientCertificateCarriesUserAndGroups) {
  ensure();
  auto issued = issue_client_certificate(dir_, "system:node:node-1", {"system:nodes", "ops"}, std::chrono::hours(24));
  ASSERT_TRUE(issued.ok()) << issued.error().message;
  X509Ptr cert = cert_from_pem(issued->cert_pem);
  ASSERT_TRUE(cert);
  EXPECT_TRUE(verifies(cert.get(), load_cert(files_.ca_cert).get(), X509_PURPOSE_SSL_CLIENT));
  auto id = identity_from_peer_cert(cert.get());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->user, "system:node:node-1");
  EXPECT_EQ(id->groups, (std::vector<std::string>{"system:nodes", "ops"}));
  EXPECT_NE(issued->key_pem.find("PRIVATE KEY"), std::string::npos);
}

TEST_F(PkiTest, IssuingWithoutCaFails) {
  EXPECT_FALSE(issue_client_certificate(dir_, "x", {}, std::chrono::hours(1)).ok());
}

TEST(PkiIdentityTest, NoCertificateIsUnauthorized) {
  auto id = identity_from_peer_cert(nullptr);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, 401);
}

TEST_F(PkiTest, KubeconfigEmbedsCaAndAdminCredentials) {
  ensure();
  std::string path = root_ + "/home/.kube/config";
  auto status = write_kubeconfig(path, "https://127.0.0.1:6443", dir_);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(mode_of(path), 0600u);

  auto parsed = parse_yaml(slurp(path));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Json& config = *parsed;
  EXPECT_EQ(config["apiVersion"], "v1");
  EXPECT_EQ(config["kind"], "Config");
  EXPECT_EQ(config["current-context"], "skiff");

  const Json& cluster = config["clusters"][0];
  EXPECT_EQ(cluster["name"], "skiff");
  EXPECT_EQ(cluster["cluster"]["server"], "https://127.0.0.1:6443");
  EXPECT_EQ(base64_decode(cluster["cluster"]["certificate-authority-data"].get<std::string>()), slurp(files_.ca_cert));

  const Json& user = config["users"][0];
  EXPECT_EQ(user["name"], "skiff");
  EXPECT_EQ(base64_decode(user["user"]["client-certificate-data"].get<std::string>()), slurp(files_.admin_cert));
  EXPECT_EQ(base64_decode(user["user"]["client-key-data"].get<std::string>()), slurp(files_.admin_key));

  const Json& context = config["contexts"][0];
  EXPECT_EQ(context["name"], "skiff");
  EXPECT_EQ(context["context"]["cluster"], "skiff");
  EXPECT_EQ(context["context"]["user"], "skiff");
}

TEST_F(PkiTest, KubeconfigReplacesAWorldReadableFileWithAPrivateOne) {
  ensure();
  std::string path = root_ + "/config";
  std::ofstream(path) << "old";
  ::chmod(path.c_str(), 0644);
  ASSERT_TRUE(write_kubeconfig(path, "https://127.0.0.1:6443", dir_).ok());
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_NE(slurp(path).find("client-key-data"), std::string::npos);
}

TEST(PkiFilesTest, NamesFilesInsideTheDataDirectory) {
  PkiFiles files = PkiFiles::in("/var/lib/skiff");
  EXPECT_EQ(files.ca_cert, "/var/lib/skiff/ca.crt");
  EXPECT_EQ(files.server_key, "/var/lib/skiff/server.key");
  EXPECT_EQ(PkiFiles::in("/var/lib/skiff/").admin_cert, "/var/lib/skiff/admin.crt");
  EXPECT_EQ(files.kubelet_client_cert, "/var/lib/skiff/apiserver-kubelet-client.crt");
  EXPECT_EQ(files.kubelet_client_key, "/var/lib/skiff/apiserver-kubelet-client.key");
}

TEST_F(PkiTest, KubeconfigWithoutPkiFails) {
  auto status = write_kubeconfig(root_ + "/config", "https://127.0.0.1:6443", dir_);
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(fs::exists(root_ + "/config"));
}

}  // namespace
}  // namespace skiff::apiserver
