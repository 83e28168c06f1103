#include "chart/chart/tar_reader.h"

#include <zlib.h>

#include <cstring>

namespace skiff::chart {

namespace {

constexpr size_t kBlock = 512;

// Go's gzip reader reads concatenated members as one stream; so does this.
Result<std::string> gunzip(std::string_view in) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return Error::internal("gzip: cannot initialise zlib");
  std::string out;
  out.reserve(in.size() * 4);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char buf[64 * 1024];
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (rc == Z_STREAM_END) {
      // Trailing bytes that are not another member (padding) end the stream.
      if (zs.avail_in < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b) break;
      inflateReset(&zs);
      continue;
    }
    if (rc != Z_OK || (zs.avail_in == 0 && zs.avail_out != 0)) {
      std::string msg = zs.msg ? zs.msg : (zs.avail_in == 0 ? "unexpected EOF" : "invalid data");
      inflateEnd(&zs);
      return Error::invalid("gzip: " + msg);
    }
  }
  inflateEnd(&zs);
  return out;
}

// A NUL-terminated field of at most `len` bytes.
std::string_view field(const char* header, size_t offset, size_t len) {
  const char* p = header + offset;
  return std::string_view(p, strnlen(p, len));
}

// Octal numbers, space or NUL padded; GNU's base-256 form when the high bit is set.
bool parse_number(const char* header, size_t offset, size_t len, long long* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(header + offset);
  long long v = 0;
  if (p[0] & 0x80) {
    v = p[0] & 0x3f;
    for (size_t i = 1; i < len; ++i) v = (v << 8) | p[i];
    *out = v;
    return true;
  }
  size_t i = 0;
  while (i < len && (p[i] == ' ' || p[i] == 0)) ++i;
  for (; i < len && p[i] >= '0' && p[i] <= '7'; ++i) v = v * 8 + (p[i] - '0');
  for (; i < len; ++i) {
    if (p[i] != ' ' && p[i] != 0) return false;
  }
  *out = v;
  return true;
}

bool checksum_ok(const char* header) {
  long long stored = 0;
  if (!parse_number(header, 148, 8, &stored)) return false;
  long long unsigned_sum = 0, signed_sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    bool in_field = i >= 148 && i < 156;
    unsigned_sum += in_field ? ' ' : static_cast<unsigned char>(header[i]);
    signed_sum += in_field ? ' ' : static_cast<signed char>(header[i]);
  }
  return stored == unsigned_sum || stored == signed_sum;
}

bool all_zero(const char* block) {
  for (size_t i = 0; i < kBlock; ++i) {
    if (block[i] != 0) return false;
  }
  return true;
}

// Pax records: "LEN key=value\n", LEN counting the whole record.
void apply_pax(std::string_view records, std::string* path, long long* mtime) {
  while (!records.empty()) {
    size_t space = records.find(' ');
    if (space == std::string_view::npos) return;
    size_t len = 0;
    for (char c : records.substr(0, space)) {
      if (c < '0' || c > '9') return;
      len = len * 10 + static_cast<size_t>(c - '0');
    }
    if (len <= space + 1 || len > records.size()) return;
    std::string_view record = records.substr(space + 1, len - space - 1);
    if (!record.empty() && record.back() == '\n') record.remove_suffix(1);
    size_t eq = record.find('=');
    if (eq != std::string_view::npos) {
      std::string_view key = record.substr(0, eq), value = record.substr(eq + 1);
      if (key == "path") *path = std::string(value);
      if (key == "mtime") {
        long long secs = 0;
        for (char c : value.substr(0, value.find('.'))) {
          if (c >= '0' && c <= '9') secs = secs * 10 + (c - '0');
        }
        *mtime = secs;
      }
    }
    records.remove_prefix(len);
  }
}

}  // namespace

Result<std::vector<TarEntry>> read_tar_gz(std::string_view bytes) {
  std::string inflated;
  std::string_view tar = bytes;
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
      static_cast<unsigned char>(bytes[1]) == 0x8b) {
    SKIFF_ASSIGN_OR_RETURN(inflated, gunzip(bytes));
    tar = inflated;
  }
  std::vector<TarEntry> entries;
  std::string long_name, pax_path;
  long long pax_mtime = -1;
  size_t pos = 0;
  while (pos + kBlock <= tar.size()) {
    const char* h = tar.data() + pos;
    if (all_zero(h)) break;
    if (!checksum_ok(h)) return Error::invalid("archive/tar: invalid tar header (damaged archive)");
    long long size = 0, mtime = 0;
    if (!parse_number(h, 124, 12, &size) || size < 0 || !parse_number(h, 136, 12, &mtime)) {
      return Error::invalid("archive/tar: invalid tar header (bad number)");
    }
    pos += kBlock;
    if (static_cast<unsigned long long>(size) > tar.size() - pos) {
      return Error::invalid("archive/tar: truncated archive (unexpected EOF)");
    }
    std::string_view data = tar.substr(pos, static_cast<size_t>(size));
    pos += (static_cast<size_t>(size) + kBlock - 1) / kBlock * kBlock;
    char type = h[156];
    if (type == 'L') {
      long_name = std::string(data.substr(0, data.find('\0')));
      continue;
    }
    if (type == 'x') {
      apply_pax(data, &pax_path, &pax_mtime);
      continue;
    }
    if (type == 'g' || type == 'K') continue;
    std::string name;
    if (!pax_path.empty()) {
      name = std::move(pax_path);
    } else if (!long_name.empty()) {
      name = std::move(long_name);
    } else {
      name = std::string(field(h, 0, 100));
      // ustar keeps a path prefix; the GNU format ("ustar  ") uses that space for other fields.
      if (std::memcmp(h + 257, "ustar\0", 6) == 0) {
        std::string_view prefix = field(h, 345, 155);
        if (!prefix.empty()) name = std::string(prefix) + "/" + name;
      }
    }
    if (pax_mtime >= 0) mtime = pax_mtime;
    pax_path.clear();
    long_name.clear();
    pax_mtime = -1;
    if (type == '0' || type == '\0' || type == '7') entries.push_back({std::move(name), std::string(data), mtime});
  }
  return entries;
}

}  // namespace skiff::chart
