#include "client/rest_client.h"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "util/json.h"
#include "util/strings.h"

namespace skiff::client {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

struct ServerUrl {
  bool tls = true;
  std::string host;
  std::string port;
  std::string base_path;  // "" or "/prefix"
};

Result<ServerUrl> parse_server_url(const std::string& url) {
  ServerUrl out;
  std::string_view rest = url;
  if (starts_with(rest, "https://")) {
    rest.remove_prefix(8);
  } else if (starts_with(rest, "http://")) {
    out.tls = false;
    rest.remove_prefix(7);
  } else {
    return Error::bad_request("server URL must start with https:// or http://: \"" + url + "\"");
  }
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.base_path = std::string(rest.substr(slash));
  while (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return Error::bad_request("bad IPv6 address in server URL \"" + url + "\"");
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') out.port = std::string(authority.substr(close + 2));
  } else {
    auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) out.port = std::string(authority.substr(colon + 1));
  }
  if (out.host.empty()) return Error::bad_request("no host in server URL \"" + url + "\"");
  if (out.port.empty()) out.port = out.tls ? "443" : "80";
  return out;
}

const char* reason_for(int code) {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 406: return "NotAcceptable";
    case 409: return "Conflict";
    case 410: return "Expired";
    case 413: return "RequestEntityTooLarge";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return "InternalError";
  }
}

// A Status object (from an error response or a watch ERROR event) as an Error.
Error error_from_status(int http_code, const Json& status, const std::string& raw) {
  if (!status.is_object() || status.value("kind", "") != "Status") {
    std::string text = raw.size() > 512 ? raw.substr(0, 512) + "..." : raw;
    return Error(http_code, reason_for(http_code),
                 "the server responded with status " + std::to_string(http_code) + (text.empty() ? "" : ": " + text));
  }
  int code = status.value("code", http_code);
  Error e(code ? code : http_code, status.value("reason", reason_for(code)), status.value("message", ""));
  if (e.reason.empty()) e.reason = reason_for(e.code);
  if (auto d = status.find("details"); d != status.end() && d->is_object()) {
    e.detail_name = d->value("name", "");
    e.detail_group = d->value("group", "");
    e.detail_kind = d->value("kind", "");
    e.retry_after_seconds = d->value("retryAfterSeconds", 0);
    if (auto causes = d->find("causes"); causes != d->end() && causes->is_array())
      for (const auto& c : *causes)
        e.causes.push_back(StatusCause{c.value("reason", ""), c.value("message", ""), c.value("field", "")});
  }
  return e;
}

int64_t revision_of(const Json& obj) {
  const Json* rv = find_path(obj, "metadata.resourceVersion");
  if (!rv || !rv->is_string()) return 0;
  try {
    return std::stoll(rv->get<std::string>());
  } catch (...) {
    return 0;
  }
}

// One TCP (optionally TLS) connection; used by one request at a time.
class Connection {
 public:
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;

  static Result<std::unique_ptr<Connection>> open(net::io_context& io, ssl::context* tls_ctx, const ServerUrl& url,
                                                  const std::string& verify_name) {
    auto c = std::unique_ptr<Connection>(new Connection());
    beast::error_code ec;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) return Error::service_unavailable("resolving " + url.host + ": " + ec.message());
    if (tls_ctx) {
      c->tls_ = std::make_unique<TlsStream>(io, *tls_ctx);
      beast::get_lowest_layer(*c->tls_).connect(endpoints, ec);
    } else {
      c->plain_ = std::make_unique<beast::tcp_stream>(io);
      c->plain_->connect(endpoints, ec);
    }
    if (ec) return Error::service_unavailable("connecting to " + url.host + ":" + url.port + ": " + ec.message());
    c->socket().set_option(tcp::no_delay(true), ec);
    if (c->tls_) {
      SSL* ssl = c->tls_->native_handle();
      beast::error_code addr_ec;
      net::ip::make_address(verify_name, addr_ec);  // an IP address or a host name?
      if (addr_ec) SSL_set_tlsext_host_name(ssl, verify_name.c_str());
      if (tls_ctx->native_handle() && SSL_CTX_get_verify_mode(tls_ctx->native_handle()) != SSL_VERIFY_NONE) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        if (!addr_ec) X509_VERIFY_PARAM_set1_ip_asc(param, verify_name.c_str());
        else X509_VERIFY_PARAM_set1_host(param, verify_name.c_str(), 0);
      }
      c->tls_->handshake(ssl::stream_base::client, ec);
      if (ec) return Error::service_unavailable("TLS handshake with " + url.host + ":" + url.port + ": " + ec.message());
    }
    return c;
  }

  template <class Fn>
  auto with_stream(Fn&& fn) {
    if (tls_) return fn(*tls_);
    return fn(*plain_);
  }

  beast::tcp_stream::socket_type& socket() { return tls_ ? beast::get_lowest_layer(*tls_).socket() : plain_->socket(); }
  beast::flat_buffer& buffer() { return buffer_; }
  // Unblocks a read in another thread (a watch being closed).
  void shut_down() {
    beast::error_code ec;
    socket().shutdown(tcp::socket::shutdown_both, ec);
  }

 private:
  Connection() = default;
  std::unique_ptr<beast::tcp_stream> plain_;
  std::unique_ptr<TlsStream> tls_;
  beast::flat_buffer buffer_;
};

struct Reply {
  int status = 0;
  std::string body;
};

class RestWatchStream final : public WatchStream {
 public:
  RestWatchStream(std::unique_ptr<Connection> conn, std::unique_ptr<http::response_parser<http::buffer_body>> parser,
                  bool without_managed_fields)
      : conn_(std::move(conn)), parser_(std::move(parser)), without_managed_fields_(without_managed_fields) {
    reader_ = std::thread([this] { read_loop(); });
  }
  ~RestWatchStream() override {
    stopping_ = true;
    conn_->shut_down();
    reader_.join();
  }

  bool next(std::vector<WatchEvent>& out, std::chrono::milliseconds timeout) override {
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, timeout, [&] { return !events_.empty() || ended_; });
    while (!events_.empty()) {
      out.push_back(std::move(events_.front()));
      events_.pop_front();
    }
    return !ended_;
  }

  Status error() const override {
    std::lock_guard lk(mu_);
    if (error_) return *error_;
    return ok_status();
  }

 private:
  void read_loop() {
    std::string pending;
    char chunk[64 * 1024];
    beast::error_code ec;
    while (!stopping_ && !parser_->is_done()) {
      parser_->get().body().data = chunk;
      parser_->get().body().size = sizeof chunk;
      // read_some: return with whatever arrived (read() would wait for the buffer to fill).
      conn_->with_stream([&](auto& s) { http::read_some(s, conn_->buffer(), *parser_, ec); });
      if (ec == http::error::need_buffer) ec = {};
      if (ec) break;
      size_t n = sizeof chunk - parser_->get().body().size;
      pending.append(chunk, n);
      size_t start = 0, eol;
      while ((eol = pending.find('\n', start)) != std::string::npos) {
        if (!handle_line(std::string_view(pending).substr(start, eol - start))) {
          finish({});
          return;
        }
        start = eol + 1;
      }
      pending.erase(0, start);
    }
    if (!pending.empty() && !ec) handle_line(pending);
    // A closed stream is a normal end (timeouts, server restarts): resume from the last revision.
    finish({});
  }

  // false once an ERROR event ended the stream.
  bool handle_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) return true;
    auto parsed = parse_json(line);
    if (!parsed.ok() || !parsed->is_object()) return true;
    std::string type = parsed->value("type", "");
    Json& object = (*parsed)["object"];
    if (type == "ERROR") {
      finish(error_from_status(object.value("code", 500), object, object.dump()));
      return false;
    }
    WatchEvent e;
    e.resource_version = revision_of(object);
    if (type == "ADDED") e.type = WatchEvent::Type::kAdded;
    else if (type == "MODIFIED") e.type = WatchEvent::Type::kModified;
    else if (type == "DELETED") e.type = WatchEvent::Type::kDeleted;
    else if (type == "BOOKMARK") e.type = WatchEvent::Type::kBookmark;
    else return true;
    if (e.type != WatchEvent::Type::kBookmark) {
      if (without_managed_fields_) drop_managed_fields(object);
      e.object = std::make_shared<const Json>(std::move(object));
    }
    {
      std::lock_guard lk(mu_);
      events_.push_back(std::move(e));
    }
    cv_.notify_one();
    return true;
  }

  void finish(std::optional<Error> error) {
    {
      std::lock_guard lk(mu_);
      if (ended_) return;
      ended_ = true;
      if (error) error_ = std::move(error);
    }
    cv_.notify_all();
  }

  std::unique_ptr<Connection> conn_;
  std::unique_ptr<http::response_parser<http::buffer_body>> parser_;
  const bool without_managed_fields_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<WatchEvent> events_;
  bool ended_ = false;
  std::optional<Error> error_;
  std::atomic<bool> stopping_{false};
  std::thread reader_;
};

class RestClient final : public Client {
 public:
  RestClient(ServerUrl url, KubeConfig config, RestClientOptions options, std::unique_ptr<ssl::context> tls_ctx)
      : url_(std::move(url)), config_(std::move(config)), options_(std::move(options)), tls_ctx_(std::move(tls_ctx)) {
    verify_name_ = config_.tls_server_name.empty() ? url_.host : config_.tls_server_name;
    host_header_ = (url_.host.find(':') != std::string::npos ? "[" + url_.host + "]" : url_.host) + ":" + url_.port;
  }

  const api::SchemaRegistry& schemas() const override { return api::SchemaRegistry::builtin(); }

  Result<Json> get(const api::ResourceInfo& r, const std::string& ns, const std::string& name) override {
    return object_call(http::verb::get, path(r, ns, name), "", "");
  }

  Result<Json> server_version() override { return object_call(http::verb::get, url_.base_path + "/version", "", ""); }

  Result<ObjectList> list(const api::ResourceInfo& r, const std::string& ns, const ListOptions& opts) override {
    ObjectList out;
    std::string continue_token;
    do {
      std::string query = selectors(opts) + "&limit=" + std::to_string(options_.list_page_size);
      if (!continue_token.empty()) query += "&continue=" + url_encode(continue_token);
      SKIFF_ASSIGN_OR_RETURN(Json page, object_call(http::verb::get, path(r, ns, "") + "?" + query.substr(1), "", ""));
      if (auto items = page.find("items"); items != page.end() && items->is_array()) {
        for (auto& item : *items) {
          // Lists leave the kind off their items; callers expect whole objects.
          if (!item.contains("apiVersion")) item["apiVersion"] = api_version(r);
          if (!item.contains("kind")) item["kind"] = r.gvk.kind;
          if (opts.without_managed_fields) drop_managed_fields(item);
          out.items.push_back(std::make_shared<const Json>(std::move(item)));
        }
      }
      out.resource_version = revision_of(page);
      continue_token = find_path(page, "metadata.continue") ? get_string(page["metadata"], "continue") : "";
    } while (!continue_token.empty());
    return out;
  }

  Result<std::unique_ptr<WatchStream>> watch(const api::ResourceInfo& r, const std::string& ns,
                                             const ListOptions& opts, int64_t resource_version) override {
    std::string query = "?watch=true&allowWatchBookmarks=true" + selectors(opts);
    if (resource_version > 0) query += "&resourceVersion=" + std::to_string(resource_version);
    SKIFF_ASSIGN_OR_RETURN(auto conn, connect());
    auto req = make_request(http::verb::get, path(r, ns, "") + query, "", "");
    beast::error_code ec;
    conn->with_stream([&](auto& s) { http::write(s, req, ec); });
    if (ec) return Error::service_unavailable("watch " + r.resource + ": " + ec.message());
    auto parser = std::make_unique<http::response_parser<http::buffer_body>>();
    parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    conn->with_stream([&](auto& s) { http::read_header(s, conn->buffer(), *parser, ec); });
    if (ec) return Error::service_unavailable("watch " + r.resource + ": " + ec.message());
    int status = static_cast<int>(parser->get().result_int());
    if (status != 200) {
      std::string body;
      char chunk[8192];
      while (!parser->is_done()) {
        parser->get().body().data = chunk;
        parser->get().body().size = sizeof chunk;
        conn->with_stream([&](auto& s) { http::read(s, conn->buffer(), *parser, ec); });
        if (ec == http::error::need_buffer) ec = {};
        if (ec) break;
        body.append(chunk, sizeof chunk - parser->get().body().size);
      }
      auto parsed = parse_json(body);
      return error_from_status(status, parsed.ok() ? *parsed : Json(), body);
    }
    return std::unique_ptr<WatchStream>(std::make_unique<RestWatchStream>(std::move(conn), std::move(parser), opts.without_managed_fields));
  }

  Result<Json> create(const api::ResourceInfo& r, const std::string& ns, Json obj, const WriteOptions& opts) override {
    return object_call(http::verb::post, path(r, ns, "") + write_query(opts, false), dump_json(obj),
                       "application/json");
  }

  Result<Json> update(const api::ResourceInfo& r, const std::string& ns, Json obj, const std::string& subresource,
                      const WriteOptions& opts) override {
    std::string name = obj.contains("metadata") ? get_string(obj["metadata"], "name") : "";
    if (name.empty()) return Error::bad_request("update: the object has no metadata.name");
    return object_call(http::verb::put, path(r, ns, name, subresource) + write_query(opts, false), dump_json(obj),
                       "application/json");
  }

  Result<Json> patch(const api::ResourceInfo& r, const std::string& ns, const std::string& name, PatchType type,
                     const std::string& patch, const std::string& subresource, const WriteOptions& opts) override {
    const char* content_type = type == PatchType::kJson        ? "application/json-patch+json"
                               : type == PatchType::kMerge     ? "application/merge-patch+json"
                               : type == PatchType::kStrategic ? "application/strategic-merge-patch+json"
                                                               : "application/apply-patch+yaml";
    return object_call(http::verb::patch, path(r, ns, name, subresource) + write_query(opts, type == PatchType::kApply),
                       patch, content_type);
  }

  Result<Json> remove(const api::ResourceInfo& r, const std::string& ns, const std::string& name,
                      const DeleteOptions& opts) override {
    Json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
    if (opts.grace_period_seconds) body["gracePeriodSeconds"] = *opts.grace_period_seconds;
    if (!opts.propagation_policy.empty()) body["propagationPolicy"] = opts.propagation_policy;
    if (!opts.precondition_uid.empty()) body["preconditions"]["uid"] = opts.precondition_uid;
    if (!opts.precondition_resource_version.empty())
      body["preconditions"]["resourceVersion"] = opts.precondition_resource_version;
    return object_call(http::verb::delete_, path(r, ns, name), dump_json(body), "application/json");
  }

  Result<Json> create_subresource(const api::ResourceInfo& r, const std::string& ns, const std::string& name,
                                  const std::string& subresource, Json body) override {
    return object_call(http::verb::post, path(r, ns, name, subresource), dump_json(body), "application/json");
  }

 private:
  static std::string api_version(const api::ResourceInfo& r) {
    return r.gvk.group.empty() ? r.gvk.version : r.gvk.group + "/" + r.gvk.version;
  }

  std::string path(const api::ResourceInfo& r, const std::string& ns, const std::string& name,
                   const std::string& subresource = "") const {
    std::string p = url_.base_path + (r.gvk.group.empty() ? "/api/" : "/apis/" + r.gvk.group + "/") + r.gvk.version;
    if (r.namespaced && !ns.empty()) p += "/namespaces/" + url_encode(ns);
    p += "/" + r.resource;
    if (!name.empty()) p += "/" + url_encode(name);
    if (!name.empty() && !subresource.empty()) p += "/" + subresource;
    return p;
  }

  static std::string selectors(const ListOptions& opts) {
    std::string q;
    if (!opts.label_selector.empty()) q += "&labelSelector=" + url_encode(opts.label_selector);
    if (!opts.field_selector.empty()) q += "&fieldSelector=" + url_encode(opts.field_selector);
    return q;
  }

  std::string write_query(const WriteOptions& opts, bool apply) const {
    std::string manager = opts.field_manager.empty() ? options_.component : opts.field_manager;
    std::string q = "?fieldManager=" + url_encode(manager);
    if (apply && opts.force) q += "&force=true";
    return q;
  }

  http::request<http::string_body> make_request(http::verb method, const std::string& target, const std::string& body,
                                                const std::string& content_type) const {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, host_header_);
    req.set(http::field::user_agent, "skiff/" + options_.component);
    req.set(http::field::accept, "application/json");
    if (!config_.token.empty()) req.set(http::field::authorization, "Bearer " + config_.token);
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    return req;
  }

  Result<std::unique_ptr<Connection>> connect() {
    return Connection::open(io_, tls_ctx_.get(), url_, verify_name_);
  }

  std::unique_ptr<Connection> take_idle() {
    std::lock_guard lk(pool_mu_);
    if (idle_.empty()) return nullptr;
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }

  void give_back(std::unique_ptr<Connection> c) {
    std::lock_guard lk(pool_mu_);
    if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(c));
  }

  Result<Reply> call(http::verb method, const std::string& target, const std::string& body,
                     const std::string& content_type) {
    auto req = make_request(method, target, body, content_type);
    // A pooled connection may have been closed by the server meanwhile: then once more on a new one.
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::unique_ptr<Connection> conn = attempt == 0 ? take_idle() : nullptr;
      bool reused = conn != nullptr;
      if (!conn) {
        SKIFF_ASSIGN_OR_RETURN(conn, connect());
      }
      beast::error_code ec;
      conn->with_stream([&](auto& s) { http::write(s, req, ec); });
      http::response_parser<http::string_body> parser;
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      if (!ec) conn->with_stream([&](auto& s) { http::read(s, conn->buffer(), parser, ec); });
      if (ec) {
        if (reused) continue;
        return Error::service_unavailable(std::string(http::to_string(method)) + " " + target + ": " + ec.message());
      }
      auto res = parser.release();
      Reply reply{static_cast<int>(res.result_int()), std::move(res.body())};
      if (res.keep_alive()) give_back(std::move(conn));
      return reply;
    }
    return Error::service_unavailable(std::string(http::to_string(method)) + " " + target + ": connection lost");
  }

  Result<Json> object_call(http::verb method, const std::string& target, const std::string& body,
                           const std::string& content_type) {
    SKIFF_ASSIGN_OR_RETURN(Reply reply, call(method, target, body, content_type));
    auto parsed = parse_json(reply.body);
    if (reply.status < 200 || reply.status >= 300)
      return error_from_status(reply.status, parsed.ok() ? *parsed : Json(), reply.body);
    if (!parsed.ok()) return Error::internal("the server sent a response that is not JSON: " + parsed.error().message);
    return std::move(*parsed);
  }

  ServerUrl url_;
  KubeConfig config_;
  RestClientOptions options_;
  std::unique_ptr<ssl::context> tls_ctx_;
  std::string verify_name_;
  std::string host_header_;
  net::io_context io_;  // never run: every operation here is synchronous
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

Result<std::unique_ptr<ssl::context>> make_tls_context(const KubeConfig& config) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  beast::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3);
  if (config.insecure_skip_tls_verify) {
    ctx->set_verify_mode(ssl::verify_none);
  } else {
    ctx->set_verify_mode(ssl::verify_peer);
    if (config.ca_pem.empty()) ctx->set_default_verify_paths(ec);
    else ctx->add_certificate_authority(net::buffer(config.ca_pem), ec);
    if (ec) return Error::bad_request("kubeconfig: unusable certificate authority: " + ec.message());
  }
  if (!config.client_certificate_pem.empty()) {
    ctx->use_certificate_chain(net::buffer(config.client_certificate_pem), ec);
    if (ec) return Error::bad_request("kubeconfig: unusable client certificate: " + ec.message());
    ctx->use_private_key(net::buffer(config.client_key_pem), ssl::context::pem, ec);
    if (ec) return Error::bad_request("kubeconfig: unusable client key: " + ec.message());
  }
  return ctx;
}

}  // namespace

Result<std::unique_ptr<Client>> new_rest_client(const KubeConfig& config, RestClientOptions options) {
  SKIFF_ASSIGN_OR_RETURN(ServerUrl url, parse_server_url(config.server));
  std::unique_ptr<ssl::context> tls_ctx;
  if (url.tls) {
    SKIFF_ASSIGN_OR_RETURN(tls_ctx, make_tls_context(config));
  }
  return std::unique_ptr<Client>(
      std::make_unique<RestClient>(std::move(url), config, std::move(options), std::move(tls_ctx)));
}

}  // namespace skiff::client
