// Sprig's crypto functions: digests against known values, round trips, and
// certificates checked by parsing them back with OpenSSL.
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <crypt.h>

#include "sprig_test_util.h"

namespace skiff::chart::funcs::testing {
namespace {

class SprigCrypto : public SprigTest {};
TEST_P(SprigCrypto, MatchesSprig) { expect_case(GetParam()); }

const SprigCase kCases[] = {
    {"sha1sum", R"({{ sha1sum "abc" }})", "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {"sha256sum", R"({{ sha256sum "abc" }})", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"sha512sum", R"({{ sha512sum "abc" | trunc 16 }})", "ddaf35a193617aba"},
    {"adler32sum", R"({{ adler32sum "Wikipedia" }})", "300286872"},
    {"derive_password", R"({{ derivePassword 1 "long" "password" "user" "example.com" }})", "ZedaFaxcZaso9*"},
    {"derive_password_unknown_template", R"({{ derivePassword 1 "nope" "p" "u" "s" }})",
     "cannot find password template nope"},
    {"htpasswd_rejects_colon", R"({{ htpasswd "a:b" "pw" }})", "invalid username: a:b"},
    {"aes_round_trip", R"({{ encryptAES "secretkey" "plaintext" | decryptAES "secretkey" }})", "plaintext"},
    {"aes_empty", R"({{ encryptAES "k" "" }}|{{ decryptAES "k" "" }})", "|"},
    {"uuid_shape", R"({{ uuidv4 | len }})", "36"},
    {"rand_bytes", R"({{ randBytes 12 | b64dec | len }})", "12"},
    {"gen_private_key_unknown", R"({{ genPrivateKey "foo" }})", "Unknown type foo"},
    {"gen_signed_cert_needs_certificate", R"({{ genSignedCert "a" nil nil 1 (dict) }})",
     "template: t:1:32: executing \"t\" at <dict>: wrong type for value; expected sprig.certificate; got map[string]interface {}",
     false},
    {"gen_self_signed_bad_ip", R"({{ genSelfSignedCert "a" (list "nope") nil 1 }})",
     "template: t:1:3: executing \"t\" at <genSelfSignedCert \"a\" (list \"nope\") nil 1>: error calling genSelfSignedCert: error parsing ip: nope",
     false},
};

INSTANTIATE_TEST_SUITE_P(Crypto, SprigCrypto, ::testing::ValuesIn(kCases), case_name);

X509* parse_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

std::string common_name(X509* cert, bool issuer) {
  char buf[256] = {};
  X509_NAME_get_text_by_NID(issuer ? X509_get_issuer_name(cert) : X509_get_subject_name(cert), NID_commonName, buf,
                            sizeof buf);
  return buf;
}

TEST(SprigCertificates, SignedCertificateChainsToCa) {
  auto r = render_sprig(
      R"({{ $ca := genCA "my-ca" 365 }}{{ $c := genSignedCert "svc" (list "10.0.0.1") (list "svc.local") 30 $ca }})"
      R"({{ $ca.Cert }}@@{{ $c.Cert }}@@{{ $c.Key }})");
  ASSERT_TRUE(r.ok) << r.text;
  size_t a = r.text.find("@@");
  size_t b = r.text.find("@@", a + 2);
  std::string ca_pem = r.text.substr(0, a);
  std::string cert_pem = r.text.substr(a + 2, b - a - 2);
  std::string key_pem = r.text.substr(b + 2);
  EXPECT_EQ(key_pem.rfind("-----BEGIN RSA PRIVATE KEY-----", 0), 0u);
  X509* ca = parse_cert(ca_pem);
  X509* cert = parse_cert(cert_pem);
  ASSERT_NE(ca, nullptr);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(common_name(ca, false), "my-ca");
  EXPECT_EQ(common_name(cert, false), "svc");
  EXPECT_EQ(common_name(cert, true), "my-ca");
  EXPECT_EQ(X509_check_ca(ca), 1);
  EVP_PKEY* ca_key = X509_get_pubkey(ca);
  EXPECT_EQ(X509_verify(cert, ca_key), 1);
  EXPECT_EQ(X509_check_host(cert, "svc.local", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "10.0.0.1", 0), 1);
  EVP_PKEY_free(ca_key);
  X509_free(ca);
  X509_free(cert);
}

TEST(SprigCertificates, SelfSignedWithGivenKeyUsesThatKey) {
  auto r = render_sprig(
      R"({{ $k := genPrivateKey "ecdsa" }}{{ $c := genSelfSignedCertWithKey "me" nil (list "me.example") 1 $k }})"
      R"({{ $k }}@@{{ $c.Key }}@@{{ $c.Cert }})");
  ASSERT_TRUE(r.ok) << r.text;
  size_t a = r.text.find("@@");
  size_t b = r.text.find("@@", a + 2);
  EXPECT_EQ(r.text.substr(0, a), r.text.substr(a + 2, b - a - 2));
  EXPECT_EQ(r.text.rfind("-----BEGIN EC PRIVATE KEY-----", 0), 0u);
  X509* cert = parse_cert(r.text.substr(b + 2));
  ASSERT_NE(cert, nullptr);
  EVP_PKEY* own = X509_get_pubkey(cert);
  EXPECT_EQ(X509_verify(cert, own), 1);
  EVP_PKEY_free(own);
  X509_free(cert);
}

TEST(SprigCertificates, CertificatePrintsAsGoStruct) {
  auto r = render_sprig(R"({{ $c := genCA "x" 1 }}{{ typeOf $c }} {{ kindOf $c }} {{ hasPrefix "{-----BEGIN CERTIFICATE" (toString $c) }})");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.text, "sprig.certificate struct true");
}

TEST(SprigBcrypt, HtpasswdVerifiesWithCrypt) {
  auto r = render_sprig(R"({{ htpasswd "admin" "s3cret" }})");
  ASSERT_TRUE(r.ok) << r.text;
  ASSERT_EQ(r.text.rfind("admin:$2a$10$", 0), 0u) << r.text;
  std::string hash = r.text.substr(6);
  struct crypt_data data = {};
  const char* again = crypt_r("s3cret", hash.c_str(), &data);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(hash, again);
}

}  // namespace
}  // namespace skiff::chart::funcs::testing
