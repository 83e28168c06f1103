#include "apiserver/upgrade_tunnel.h"

#include <poll.h>

#include <cerrno>

#include "apiserver/api_handler.h"
#include "apiserver/backend_connection.h"
#include "util/strings.h"

namespace skiff::apiserver {
namespace {

constexpr std::chrono::seconds kDialTimeout{30};

// Moves what `from` has without waiting: 1 when bytes moved, 0 when nothing was there, -1 when
// either side closed or failed.
int pump(RawConnection& from, RawConnection& to, char* buf, size_t size) {
  long n = from.read_some(buf, size, false);
  if (n == -1) return 0;
  if (n == 0 || !to.write_all(std::string_view(buf, static_cast<size_t>(n)))) return -1;
  return 1;
}

}  // namespace

std::string forwarded_upgrade_request(const HttpRequest& req, const std::string& target, const std::string& host) {
  std::string out = req.method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n";
  for (const auto& [name, value] : req.header_list) {
    std::string lower = to_lower(name);
    if (lower == "host" || lower == "authorization" || lower == "content-length" || lower == "transfer-encoding")
      continue;
    out += name + ": " + value + "\r\n";
  }
  return out + "\r\n";
}

void relay(RawConnection& a, RawConnection& b) {
  char buf[64 * 1024];
  while (true) {
    // One read per side per round, so a busy direction does not starve the other. TLS may hold
    // decrypted bytes a poll does not see: poll only once neither side had anything.
    int moved_ab = pump(a, b, buf, sizeof buf);
    if (moved_ab < 0) return;
    int moved_ba = pump(b, a, buf, sizeof buf);
    if (moved_ba < 0) return;
    if (moved_ab > 0 || moved_ba > 0) continue;
    pollfd fds[2] = {{a.fd(), POLLIN, 0}, {b.fd(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
  }
}

void tunnel_upgrade(const HttpRequest& req, const StreamBackend& backend, HttpExchange& ex, int& code) {
  auto fail = [&](const Error& e) {
    code = e.code;
    ex.respond(status_response(e));
  };
  auto url = parse_backend_url(backend.url);
  if (!url.ok()) return fail(url.error());
  auto conn = dial_backend(*url, backend.identity.get(), kDialTimeout);
  if (!conn.ok()) return fail(Error(500, "", "error dialing backend: " + conn.error().message));
  if (!(*conn)->write_all(forwarded_upgrade_request(req, url->target, url->authority())))
    return fail(Error(500, "", "error dialing backend: the connection to " + url->authority() + " closed"));
  code = 101;
  RawConnection& client = ex.take_over();
  relay(client, **conn);
}

}  // namespace skiff::apiserver
