#include "apiserver/http_server.h"

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "apiserver/pki.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strings.h"

namespace skiff::apiserver {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

UserInfo user_from_certificate(SSL* ssl) {
  UserInfo user{"system:anonymous", {"system:unauthenticated"}, false};
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return user;
  // The verify callback lets every handshake through; only a verified chain authenticates.
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    if (auto id = identity_from_peer_cert(cert); id.ok() && !id->user.empty()) {
      user.name = id->user;
      user.groups = id->groups;
      user.groups.push_back("system:authenticated");
      user.authenticated = true;
    }
  }
  X509_free(cert);
  return user;
}

std::string header_text(const http::response_header<>& head) {
  std::string out = "HTTP/" + std::to_string(head.version() / 10) + "." + std::to_string(head.version() % 10) + " " +
                    std::to_string(head.result_int()) + " ";
  auto reason = http::obsolete_reason(head.result());
  out.append(reason.data(), reason.size());
  out += "\r\n";
  for (const auto& field : head) {
    out.append(field.name_string().data(), field.name_string().size());
    out += ": ";
    out.append(field.value().data(), field.value().size());
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

template <class Stream>
class Exchange final : public HttpExchange, public ResponseStream, public RawConnection {
 public:
  Exchange(Stream& stream, int fd, unsigned http_version, bool keep_alive, beast::flat_buffer* leftover = nullptr)
      : stream_(stream), fd_(fd), version_(http_version), keep_alive_(keep_alive), leftover_(leftover) {}

  RawConnection& take_over() override {
    responded_ = true;
    taken_over_ = true;
    return *this;
  }
  int fd() const override { return fd_; }
  long read_some(char* out, size_t n, bool wait) override {
    if (leftover_ && leftover_->size() > 0) {
      size_t copied = net::buffer_copy(net::buffer(out, n), leftover_->data());
      leftover_->consume(copied);
      return static_cast<long>(copied);
    }
    auto& socket = beast::get_lowest_layer(stream_);
    beast::error_code ec, ignored;
    if (!wait) socket.non_blocking(true, ignored);
    size_t got = stream_.read_some(net::buffer(out, n), ec);
    if (!wait) socket.non_blocking(false, ignored);
    if (ec == net::error::would_block || ec == net::error::try_again) return -1;
    return ec ? 0 : static_cast<long>(got);
  }
  bool write_all(std::string_view bytes) override {
    beast::error_code ec;
    net::write(stream_, net::buffer(bytes.data(), bytes.size()), ec);
    return !ec;
  }

  // The head and (up to a size) the body go out in one write: over TLS every write is its own
  // record and system call, which for small responses cost more than the copy.
  void respond(HttpResponse r) override {
    std::string out = head_text(r.status, r.content_type, r.headers, r.body.size());
    constexpr size_t kCopiedBody = 256 * 1024;
    beast::error_code ec;
    if (r.body.size() <= kCopiedBody) {
      out += r.body;
      net::write(stream_, net::buffer(out), ec);
    } else {
      net::write(stream_, net::buffer(out), ec);
      if (!ec) net::write(stream_, net::buffer(r.body), ec);
    }
    if (ec) failed_ = true;
    responded_ = true;
  }

  ResponseStream& start_stream(int status, const std::string& content_type,
                               const std::vector<std::pair<std::string, std::string>>& headers) override {
    http::response<http::empty_body> res{static_cast<http::status>(status), version_};
    res.set(http::field::server, "skiff");
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-cache, private");
    for (auto& [k, v] : headers) res.insert(k, v);
    res.chunked(true);
    res.keep_alive(false);  // the stream ends the connection; clients reconnect
    http::response_serializer<http::empty_body> sr{res};
    beast::error_code ec;
    http::write_header(stream_, sr, ec);
    if (ec) failed_ = true;
    responded_ = true;
    streaming_ = true;
    return *this;
  }

  ResponseStream& start_sized(int status, const std::string& content_type, uint64_t content_length) override {
    std::string text = head_text(status, content_type, {}, content_length);
    beast::error_code ec;
    net::write(stream_, net::buffer(text), ec);
    if (ec) failed_ = true;
    responded_ = true;
    streaming_ = true;
    sized_remaining_ = content_length;
    sized_ = true;
    return *this;
  }

  bool write(std::string_view chunk) override {
    if (failed_) return false;
    if (chunk.empty()) return true;
    beast::error_code ec;
    if (sized_) {
      if (chunk.size() > sized_remaining_) {  // more than announced: the connection can not be reused
        failed_ = true;
        return false;
      }
      sized_remaining_ -= chunk.size();
      net::write(stream_, net::buffer(chunk.data(), chunk.size()), ec);
      if (ec) failed_ = true;
      return !failed_;
    }
    net::write(stream_, http::make_chunk(net::buffer(chunk.data(), chunk.size())), ec);
    if (ec) failed_ = true;
    return !failed_;
  }

  bool client_gone() override {
    if (failed_) return true;
    pollfd p{fd_, POLLRDHUP, 0};
    if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) failed_ = true;
    return failed_;
  }

  void finish_stream() {
    if (!streaming_ || failed_ || sized_) return;
    beast::error_code ec;
    net::write(stream_, http::make_chunk_last(), ec);
  }

  bool responded() const { return responded_; }
  bool taken_over() const { return taken_over_; }
  bool failed() const { return failed_; }
  bool streaming() const { return streaming_; }
  // A sized response that received all its bytes: the connection can serve the next request.
  bool sized_complete() const { return sized_ && !failed_ && sized_remaining_ == 0; }

 private:
  std::string head_text(int status, const std::string& content_type,
                        const std::vector<std::pair<std::string, std::string>>& headers, uint64_t content_length) const {
    http::response_header<> head;
    head.result(static_cast<http::status>(status));
    head.version(version_);
    head.set(http::field::server, "skiff");
    head.set(http::field::content_type, content_type);
    for (const auto& [k, v] : headers) head.insert(k, v);
    head.set(http::field::content_length, std::to_string(content_length));
    if (version_ >= 11 && !keep_alive_) head.set(http::field::connection, "close");
    else if (version_ < 11 && keep_alive_) head.set(http::field::connection, "keep-alive");
    return header_text(head);
  }

  Stream& stream_;
  int fd_;
  unsigned version_;
  bool keep_alive_;
  bool responded_ = false;
  bool streaming_ = false;
  bool failed_ = false;
  bool sized_ = false;
  uint64_t sized_remaining_ = 0;
  beast::flat_buffer* leftover_;
  bool taken_over_ = false;
};

HttpResponse status_response(int code, const std::string& reason, const std::string& message) {
  HttpResponse r;
  r.status = code;
  r.body = Json{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", Json::object()}, {"status", "Failure"},
                {"message", message}, {"reason", reason}, {"code", code}}
               .dump();
  return r;
}

class Server final : public HttpServer {
 public:
  Server(const HttpServerOptions& options, HttpHandler& handler)
      : options_(options), handler_(handler), ssl_ctx_(ssl::context::tls_server), acceptor_(io_) {}

  ~Server() override { stop(); }

  Status start() {
    if (options_.tls) {
      SKIFF_TRY(configure_tls());
    }
    beast::error_code ec;
    auto addr = net::ip::make_address(options_.host, ec);
    if (ec) return Error::bad_request("invalid listen address " + options_.host + ": " + ec.message());
    tcp::endpoint ep{addr, options_.port};
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return Error::internal("cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " +
                                   ec.message());
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
    return ok_status();
  }

  uint16_t port() const override { return port_; }

  void stop() override {
    if (stopped_.exchange(true)) return;
    beast::error_code ec;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    acceptor_.close(ec);
    if (accept_thread_.joinable()) accept_thread_.join();
    std::unique_lock lk(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    done_cv_.wait_for(lk, std::chrono::seconds(5), [&] { return open_fds_.empty(); });
  }

 private:
  Status configure_tls() {
    ssl_ctx_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    SKIFF_TRY(load_serving_certificate());
    SKIFF_TRY(load_client_ca());
    SSL_CTX_set_alpn_select_cb(
        ssl_ctx_.native_handle(),
        [](SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned inlen, void*) {
          static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
          unsigned char* selected = nullptr;
          if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) ==
              OPENSSL_NPN_NEGOTIATED) {
            *out = selected;
            return SSL_TLSEXT_ERR_OK;
          }
          return SSL_TLSEXT_ERR_NOACK;
        },
        nullptr);
    return ok_status();
  }

  Status load_serving_certificate() {
    const TlsFiles& f = options_.tls_files;
    beast::error_code ec;
    if (!f.cert_pem.empty()) ssl_ctx_.use_certificate_chain(net::buffer(f.cert_pem), ec);
    else ssl_ctx_.use_certificate_chain_file(f.cert_file, ec);
    if (ec) return Error::internal("loading the serving certificate " + f.cert_file + ": " + ec.message());
    if (!f.key_pem.empty()) ssl_ctx_.use_private_key(net::buffer(f.key_pem), ssl::context::pem, ec);
    else ssl_ctx_.use_private_key_file(f.key_file, ssl::context::pem, ec);
    if (ec) return Error::internal("loading the serving key " + f.key_file + ": " + ec.message());
    return ok_status();
  }

  Status load_client_ca() {
    const TlsFiles& f = options_.tls_files;
    if (f.client_ca_file.empty() && f.client_ca_pem.empty()) return ok_status();
    std::string pem = f.client_ca_pem;
    if (pem.empty()) {
      auto text = read_text_file(f.client_ca_file);
      if (!text.ok()) return Error::internal("loading " + f.client_ca_file + ": " + text.error().message);
      pem = std::move(*text);
    }
    SSL_CTX* ctx = ssl_ctx_.native_handle();
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    int loaded = 0;
    while (X509* ca = bio ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr) {
      if (X509_STORE_add_cert(store, ca) == 1) ++loaded;
      SSL_CTX_add_client_CA(ctx, ca);  // named in the handshake, so clients pick the right certificate
      X509_free(ca);
    }
    BIO_free(bio);
    ERR_clear_error();
    if (loaded == 0)
      return Error::internal("no CA certificate in " + (f.client_ca_file.empty() ? "the client CA" : f.client_ca_file));
    // Ask for a certificate but let unauthenticated clients through (health checks, 401 later).
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
    return ok_status();
  }

  static Result<std::string> read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::not_found(std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  void accept_loop() {
    while (!stopped_) {
      beast::error_code ec;
      tcp::socket sock(io_);
      acceptor_.accept(sock, ec);
      if (ec) {
        if (stopped_) return;
        continue;
      }
      sock.set_option(tcp::no_delay(true), ec);
      int fd = sock.native_handle();
      {
        std::lock_guard lk(mu_);
        open_fds_.insert(fd);
      }
      std::thread([this, s = std::move(sock), fd]() mutable {
        serve_connection(std::move(s));
        std::lock_guard lk(mu_);
        open_fds_.erase(fd);
        done_cv_.notify_all();
      }).detach();
    }
  }

  void serve_connection(tcp::socket sock) {
    int fd = sock.native_handle();
    if (!options_.tls) {
      UserInfo loopback_admin{"admin", {"system:masters", "system:authenticated"}, true};
      request_loop(sock, fd, loopback_admin);
      beast::error_code ec;
      sock.shutdown(tcp::socket::shutdown_both, ec);
      return;
    }
    ssl::stream<tcp::socket> stream(std::move(sock), ssl_ctx_);
    beast::error_code ec;
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    stream.handshake(ssl::stream_base::server, ec);
    tv = {0, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (ec) return;
    UserInfo user = user_from_certificate(stream.native_handle());
    request_loop(stream, fd, user);
    stream.shutdown(ec);
  }

  template <class Stream>
  void request_loop(Stream& stream, int fd, const UserInfo& user) {
    beast::flat_buffer buffer;
    while (!stopped_) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options_.max_body_bytes);
      parser.header_limit(64 * 1024);
      beast::error_code ec;
      http::read(stream, buffer, parser, ec);
      if (ec == http::error::body_limit) {
        Exchange<Stream> ex(stream, fd, 11, false);
        ex.respond(status_response(413, "RequestEntityTooLarge",
                                   "the request body exceeds the limit of " +
                                       std::to_string(options_.max_body_bytes) + " bytes"));
        drain(stream, fd);
        return;
      }
      if (ec) return;
      auto& msg = parser.get();
      HttpRequest req;
      req.method = std::string(msg.method_string());
      std::string_view target(msg.target().data(), msg.target().size());
      auto q = target.find('?');
      req.path = url_decode(target.substr(0, q), false);
      if (q != std::string_view::npos) {
        req.raw_query = std::string(target.substr(q + 1));
        req.query = parse_query(req.raw_query);
      }
      for (const auto& f : msg) {
        std::string name(f.name_string().data(), f.name_string().size());
        req.headers[to_lower(name)] = std::string(f.value());
        req.header_list.emplace_back(std::move(name), std::string(f.value()));
      }
      req.body = std::move(msg.body());
      req.user = user;
      bool keep_alive = msg.keep_alive();
      Exchange<Stream> ex(stream, fd, msg.version(), keep_alive, &buffer);
      handler_.handle(req, ex);
      if (ex.taken_over()) return;
      if (!ex.responded()) ex.respond(status_response(500, "InternalError", "no response produced"));
      if (ex.streaming() && !ex.sized_complete()) {
        ex.finish_stream();
        return;
      }
      if (ex.failed() || !keep_alive) return;
    }
  }

  // Reads and discards what the client is still sending (bounded in bytes and time), so that
  // closing the connection does not reset it before the client has read our response.
  template <class Stream>
  static void drain(Stream& stream, int fd) {
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char scratch[65536];
    size_t total = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (total < 64 * 1024 * 1024 && std::chrono::steady_clock::now() < deadline) {
      beast::error_code ec;
      size_t n = stream.read_some(net::buffer(scratch), ec);
      if (ec || n == 0) break;
      total += n;
    }
  }

  HttpServerOptions options_;
  HttpHandler& handler_;
  net::io_context io_;
  ssl::context ssl_ctx_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::thread accept_thread_;
  std::atomic<bool> stopped_{false};
  std::mutex mu_;
  std::condition_variable done_cv_;
  std::set<int> open_fds_;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> start_http_server(const HttpServerOptions& options, HttpHandler& handler) {
  auto server = std::make_unique<Server>(options, handler);
  SKIFF_TRY(server->start());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace skiff::apiserver
