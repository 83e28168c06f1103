#include "apiserver/backend_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "util/strings.h"

namespace skiff::apiserver {
namespace {

using Clock = std::chrono::steady_clock;

// errno text as Go spells it: "connection refused", not "Connection refused".
std::string go_errno_text(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string openssl_errors() {
  std::string out;
  for (unsigned long code; (code = ERR_get_error()) != 0;) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out += out.empty() ? "" : "; ";
    out += buf;
  }
  return out.empty() ? "the connection closed" : out;
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Waits for `events` on fd; false on timeout or error.
bool wait_for(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  while (true) {
    int n = ::poll(&p, 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    return n > 0;
  }
}

class PlainConnection final : public RawConnection {
 public:
  explicit PlainConnection(int fd) : fd_(fd) {}
  ~PlainConnection() override { ::close(fd_); }
  int fd() const override { return fd_; }

  long read_some(char* out, size_t n, bool wait) override {
    while (true) {
      ssize_t got = ::recv(fd_, out, n, wait ? 0 : MSG_DONTWAIT);
      if (got >= 0) return static_cast<long>(got);
      if (errno == EINTR) continue;
      if (!wait && (errno == EAGAIN || errno == EWOULDBLOCK)) return -1;
      return 0;
    }
  }

  bool write_all(std::string_view bytes) override {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

 private:
  int fd_;
};

class TlsIdentity final : public TlsClientIdentity {
 public:
  explicit TlsIdentity(SSL_CTX* ctx) : ctx_(ctx) {}
  ~TlsIdentity() override { SSL_CTX_free(ctx_); }
  SSL_CTX* context() const { return ctx_; }

 private:
  SSL_CTX* ctx_;
};

// The socket stays non-blocking: a read that finds only TLS housekeeping (session tickets) must
// not wait for application data that may never come while the other direction has bytes to relay.
class TlsConnection final : public RawConnection {
 public:
  TlsConnection(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~TlsConnection() override {
    SSL_shutdown(ssl_);  // best effort: a close_notify if the socket takes it now
    SSL_free(ssl_);
    ::close(fd_);
  }
  int fd() const override { return fd_; }

  long read_some(char* out, size_t n, bool wait) override {
    while (true) {
      int got = SSL_read(ssl_, out, static_cast<int>(std::min<size_t>(n, 1 << 30)));
      if (got > 0) return got;
      int err = SSL_get_error(ssl_, got);
      if (err == SSL_ERROR_WANT_READ) {
        if (!wait) return -1;
        if (!wait_for(fd_, POLLIN, -1)) return 0;
      } else if (err == SSL_ERROR_WANT_WRITE) {
        if (!wait_for(fd_, POLLOUT, -1)) return 0;
      } else {
        ERR_clear_error();
        return 0;
      }
    }
  }

  bool write_all(std::string_view bytes) override {
    while (!bytes.empty()) {
      int n = SSL_write(ssl_, bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), 1 << 30)));
      if (n > 0) {
        bytes.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      int err = SSL_get_error(ssl_, n);
      short wanted = err == SSL_ERROR_WANT_READ ? POLLIN : err == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
      if (!wanted || !wait_for(fd_, wanted, -1)) {
        ERR_clear_error();
        return false;
      }
    }
    return true;
  }

  // Completes the handshake before the deadline.
  Status handshake(Clock::time_point deadline) {
    while (true) {
      int r = SSL_connect(ssl_);
      if (r == 1) return ok_status();
      int err = SSL_get_error(ssl_, r);
      short wanted = err == SSL_ERROR_WANT_READ ? POLLIN : err == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
      if (!wanted) return Error::service_unavailable("tls: " + openssl_errors());
      if (!wait_for(fd_, wanted, remaining_ms(deadline)))
        return Error::service_unavailable("net/http: TLS handshake timeout");
    }
  }

 private:
  int fd_;
  SSL* ssl_;
};

Result<int> connect_socket(const addrinfo& a, Clock::time_point deadline) {
  int fd = ::socket(a.ai_family, a.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a.ai_protocol);
  if (fd < 0) return Error::service_unavailable("socket: " + go_errno_text(errno));
  int err = 0;
  if (::connect(fd, a.ai_addr, a.ai_addrlen) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      if (!wait_for(fd, POLLOUT, remaining_ms(deadline))) {
        ::close(fd);
        return Error::timeout("i/o timeout");
      }
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    }
  }
  if (err != 0) {
    ::close(fd);
    return Error::service_unavailable("connect: " + go_errno_text(err));
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// The first address that accepts; errors name the address as Go's dialer does.
Result<int> connect_tcp(const BackendUrl& url, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int gai = ::getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found);
  if (gai != 0 || !found) return Error::service_unavailable("dial tcp: lookup " + url.host + ": no such host");
  Error last = Error::service_unavailable("no address");
  for (addrinfo* a = found; a; a = a->ai_next) {
    auto fd = connect_socket(*a, deadline);
    if (fd.ok()) {
      freeaddrinfo(found);
      return fd;
    }
    last = fd.error();
  }
  freeaddrinfo(found);
  last.message = "dial tcp " + url.authority() + ": " + last.message;
  return last;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

Result<std::unique_ptr<RawConnection>> start_tls(int fd, const BackendUrl& url, const TlsIdentity& identity,
                                                 Clock::time_point deadline) {
  SSL* ssl = SSL_new(identity.context());
  if (!ssl || SSL_set_fd(ssl, fd) != 1) {
    if (ssl) SSL_free(ssl);
    ::close(fd);
    return Error::internal("tls: " + openssl_errors());
  }
  if (!is_ip_literal(url.host)) SSL_set_tlsext_host_name(ssl, url.host.c_str());
  auto conn = std::make_unique<TlsConnection>(fd, ssl);
  SKIFF_TRY(conn->handshake(deadline));
  return std::unique_ptr<RawConnection>(std::move(conn));
}

template <auto Free>
struct OpenSslFree {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};

}  // namespace

std::string BackendUrl::authority() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

std::string BackendUrl::text() const { return std::string(tls ? "https://" : "http://") + authority() + target; }

Result<BackendUrl> parse_backend_url(const std::string& url) {
  BackendUrl out;
  std::string_view rest = url;
  if (starts_with(rest, "https://")) {
    out.tls = true;
    rest.remove_prefix(8);
  } else if (starts_with(rest, "http://")) {
    rest.remove_prefix(7);
  } else {
    return Error::internal("not an http or https URL: " + url);
  }
  size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.front() == '?') out.target = "/" + out.target;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error::internal("bad IPv6 address in URL: " + url);
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') out.port = std::string(authority.substr(close + 2));
  } else {
    size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) out.port = std::string(authority.substr(colon + 1));
  }
  // A server that listens on every address is reached on this machine.
  if (out.host.empty() || out.host == "0.0.0.0" || out.host == "::") out.host = "127.0.0.1";
  if (out.port.empty()) out.port = out.tls ? "443" : "80";
  return out;
}

Result<std::shared_ptr<const TlsClientIdentity>> TlsClientIdentity::from_pem(const std::string& cert_pem,
                                                                             const std::string& key_pem) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) return Error::internal("tls: " + openssl_errors());
  auto identity = std::make_shared<TlsIdentity>(ctx);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(ctx, kHttp11, sizeof kHttp11);
  std::unique_ptr<BIO, OpenSslFree<BIO_free>> cert_bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  std::unique_ptr<BIO, OpenSslFree<BIO_free>> key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  std::unique_ptr<X509, OpenSslFree<X509_free>> cert(
      cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr) : nullptr);
  std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY_free>> key(
      key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert || !key || SSL_CTX_use_certificate(ctx, cert.get()) != 1 || SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1)
    return Error::internal("the client certificate and key do not load: " + openssl_errors());
  return std::shared_ptr<const TlsClientIdentity>(std::move(identity));
}

Result<std::unique_ptr<RawConnection>> dial_backend(const BackendUrl& url, const TlsClientIdentity* identity,
                                                    std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  SKIFF_ASSIGN_OR_RETURN(int fd, connect_tcp(url, deadline));
  if (!url.tls) {
    int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return std::unique_ptr<RawConnection>(std::make_unique<PlainConnection>(fd));
  }
  const auto* tls = dynamic_cast<const TlsIdentity*>(identity);
  if (!tls) {
    ::close(fd);
    return Error::internal("no client certificate to call " + url.text() + " with");
  }
  return start_tls(fd, url, *tls, deadline);
}

}  // namespace skiff::apiserver
