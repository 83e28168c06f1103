// TLS material for `skiff server`: a private CA, the serving certificate, the admin client
// certificate, the certificate the API server presents to node agents, and the admin kubeconfig,
// created in the data directory on first start; and a node agent's self-signed serving certificate.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "util/result.h"

struct x509_st;  // OpenSSL's X509

namespace skiff::apiserver {

// Who the API server is when it calls a node agent's kubelet API (kubeadm's apiserver-kubelet-client).
inline constexpr const char* kKubeletClientUser = "kube-apiserver-kubelet-client";

// File names inside the data directory.
struct PkiFiles {
  std::string ca_cert;      // ca.crt: self-signed CA "skiff-ca"
  std::string ca_key;       // ca.key
  std::string server_cert;  // server.crt: CN skiff-apiserver, serverAuth, SANs for every host
  std::string server_key;   // server.key
  std::string admin_cert;   // admin.crt: CN admin, O system:masters, clientAuth
  std::string admin_key;    // admin.key
  std::string kubelet_client_cert;  // apiserver-kubelet-client.crt: CN kube-apiserver-kubelet-client,
                                    // O system:masters, clientAuth
  std::string kubelet_client_key;   // apiserver-kubelet-client.key

  static PkiFiles in(const std::string& data_dir);
};

// Creates whatever is missing (keys ECDSA P-256, key files 0600) and keeps what is valid.
// The server certificate is reissued from the CA when it lacks one of the names it must carry
// (localhost, this machine's host name, kubernetes, kubernetes.default, kubernetes.default.svc,
// kubernetes.default.svc.cluster.local, 127.0.0.1, ::1 and every entry of hosts: an IP when it
// parses as one, else a DNS name), no longer chains to the CA, or expires within 30 days; the
// admin and kubelet-client certificates likewise. A ca.crt whose ca.key is missing or does not
// match is an error, never silently replaced.
Status ensure_server_pki(const std::string& data_dir, const std::vector<std::string>& hosts);

// An admin kubeconfig (cluster, user and context "skiff") embedding the CA, the admin
// certificate and key from data_dir; written with mode 0600, parent directories created.
Status write_kubeconfig(const std::string& path, const std::string& server_url, const std::string& data_dir);

// A client certificate signed by the data directory's CA: CN user, one O per group.
struct IssuedCertificate {
  std::string cert_pem;
  std::string key_pem;
};
Result<IssuedCertificate> issue_client_certificate(const std::string& data_dir, const std::string& user,
                                                   const std::vector<std::string>& groups,
                                                   std::chrono::seconds validity);

// A self-signed serving certificate (serverAuth, one year) naming `hosts` (an IP when it parses as
// one, else a DNS name), as the kubelet makes for its API when it is given none.
Result<IssuedCertificate> self_signed_serving_certificate(const std::string& common_name,
                                                         const std::vector<std::string>& hosts);

// Who a verified client certificate names, as Kubernetes reads it: the user is the subject's
// common name, the groups its organizations. 401 Unauthorized without a certificate or a CN.
struct ClientIdentity {
  std::string user;
  std::vector<std::string> groups;
};
Result<ClientIdentity> identity_from_peer_cert(const x509_st* cert);

}  // namespace skiff::apiserver
