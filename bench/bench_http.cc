#include "bench_http.h"

#include <utility>  // before Boost 1.74 asio, which uses std::exchange without it
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace skiff::bench {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

}  // namespace

struct HttpClient::Impl {
  net::io_context io;
  ssl::context ctx{ssl::context::tls_client};
  std::optional<ssl::stream<tcp::socket>> tls;
  std::optional<tcp::socket> plain;
  beast::flat_buffer buffer;

  template <class F>
  auto with_stream(F&& f) {
    if (tls) return f(*tls);
    return f(*plain);
  }
};

HttpClient::HttpClient(int port, const TlsFiles& files) : impl_(std::make_unique<Impl>()) {
  tcp::resolver resolver(impl_->io);
  auto endpoints = resolver.resolve("127.0.0.1", std::to_string(port));
  if (files.ca.empty()) {
    impl_->plain.emplace(impl_->io);
    net::connect(*impl_->plain, endpoints);
    impl_->plain->set_option(tcp::no_delay(true));
    return;
  }
  // The SSL object copies the context's certificate when created, so configure the context first.
  impl_->ctx.load_verify_file(files.ca);
  impl_->ctx.use_certificate_chain_file(files.cert);
  impl_->ctx.use_private_key_file(files.key, ssl::context::pem);
  impl_->tls.emplace(impl_->io, impl_->ctx);
  impl_->tls->set_verify_mode(ssl::verify_peer);
  net::connect(beast::get_lowest_layer(*impl_->tls), endpoints);
  beast::get_lowest_layer(*impl_->tls).set_option(tcp::no_delay(true));
  impl_->tls->handshake(ssl::stream_base::client);
}

HttpClient::~HttpClient() = default;

int HttpClient::request(std::string_view method, const std::string& target, const std::string& body,
                        std::string* out) {
  http::request<http::string_body> req{http::string_to_verb(beast::string_view(method.data(), method.size())), target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::accept, "application/json");
  req.keep_alive(true);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  return impl_->with_stream([&](auto& stream) {
    http::write(stream, req);
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 34);
    http::read(stream, impl_->buffer, parser);
    if (out) *out = std::move(parser.get().body());
    return static_cast<int>(parser.get().result_int());
  });
}

int HttpClient::stream_lines(const std::string& target, const std::function<void(int status)>& on_status,
                             const std::function<bool(std::string_view line)>& on_line) {
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::accept, "application/json");
  return impl_->with_stream([&](auto& stream) {
    http::write(stream, req);
    http::response_parser<http::empty_body> parser;
    parser.body_limit(boost::none);
    http::read_header(stream, impl_->buffer, parser);
    int status = static_cast<int>(parser.get().result_int());
    on_status(status);
    std::string pending;
    bool wanted = true;
    auto on_chunk = [&](uint64_t, beast::string_view data, beast::error_code&) -> size_t {
      pending.append(data.data(), data.size());
      size_t start = 0;
      for (size_t nl; wanted && (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1)
        wanted = on_line(std::string_view(pending).substr(start, nl - start));
      pending.erase(0, start);
      return data.size();
    };
    parser.on_chunk_body(on_chunk);
    beast::error_code ec;
    while (wanted && !parser.is_done() && !ec) http::read_some(stream, impl_->buffer, parser, ec);
    return status;
  });
}

}  // namespace skiff::bench
