#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace skiff::e2e {
namespace {

bool send_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

HttpClient::~HttpClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool HttpClient::connect() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return true;
}

HttpReply HttpClient::request(const std::string& method, const std::string& path, const std::string& body,
                              const std::string& content_type) {
  HttpReply reply;
  if (fd_ < 0 && !connect()) return reply;
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    req += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  if (!send_all(fd_, req)) {
    ::close(fd_);
    fd_ = -1;
    return reply;
  }
  std::string buf;
  char chunk[65536];
  auto read_more = [&]() {
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  };
  size_t header_end;
  while ((header_end = buf.find("\r\n\r\n")) == std::string::npos)
    if (!read_more()) {
      ::close(fd_);
      fd_ = -1;
      return reply;
    }
  std::string head = buf.substr(0, header_end);
  buf.erase(0, header_end + 4);
  reply.status = std::stoi(head.substr(head.find(' ') + 1, 3));
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    size_t next = head.find("\r\n", pos + 2);
    std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      reply.headers[name] += reply.headers.count(name) && !reply.headers[name].empty() ? "," + value : value;
    }
    pos = next;
  }
  bool closing = reply.headers["connection"] == "close";
  if (reply.headers.count("content-length")) {
    size_t len = std::stoul(reply.headers["content-length"]);
    while (buf.size() < len && read_more()) {
    }
    reply.body = buf.substr(0, len);
  } else if (reply.headers["transfer-encoding"] == "chunked") {
    while (true) {
      size_t eol;
      while ((eol = buf.find("\r\n")) == std::string::npos)
        if (!read_more()) break;
      if (eol == std::string::npos) break;
      size_t size = std::stoul(buf.substr(0, eol), nullptr, 16);
      while (buf.size() < eol + 2 + size + 2 && read_more()) {
      }
      reply.body += buf.substr(eol + 2, size);
      buf.erase(0, std::min(buf.size(), eol + 2 + size + 2));
      if (size == 0) break;
    }
    closing = true;
  } else {
    while (read_more()) {
    }
    reply.body = buf;
    closing = true;
  }
  if (closing) {
    ::close(fd_);
    fd_ = -1;
  }
  return reply;
}

}  // namespace skiff::e2e
