#include "chart/chart/archive_writer.h"

#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "chart/chart/chartfile.h"
#include "util/json.h"

namespace skiff::chart {

namespace fs = std::filesystem;

namespace {

// gzip's FEXTRA payload and comment as helm's writer sets them.
constexpr const char* kHelmGzipExtra = "+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=";
constexpr const char* kHelmGzipComment = "Helm";

void put_octal(char* field, size_t width, unsigned long long value) {
  // width-1 octal digits then NUL, as Go's tar formatter writes numeric fields.
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), value);
}

// Go's splitUSTARPath: a long name goes into prefix/name at a slash.
bool split_ustar(const std::string& name, std::string& prefix, std::string& base) {
  if (name.size() <= 100) {
    base = name;
    return true;
  }
  size_t length = name.size();
  size_t i;
  if (length > 156) {
    i = 156;
  } else if (name[length - 1] == '/') {
    i = length - 1;
  } else {
    i = length;
  }
  auto slash = name.rfind('/', i - 1);
  if (slash == std::string::npos || slash == 0) return false;
  size_t nlen = length - slash - 1;
  if (nlen == 0 || nlen > 100) return false;
  prefix = name.substr(0, slash);
  base = name.substr(slash + 1);
  return true;
}

class TarWriter {
 public:
  Status add(const std::string& name, const std::string& body, long long mtime_ns) {
    std::string prefix, base;
    if (!split_ustar(name, prefix, base)) return Error::invalid("archive/tar: cannot encode header: " + name);
    char h[512];
    std::memset(h, 0, sizeof h);
    std::memcpy(h, base.data(), base.size());
    put_octal(h + 100, 8, 0644);
    put_octal(h + 108, 8, 0);
    put_octal(h + 116, 8, 0);
    put_octal(h + 124, 12, body.size());
    // Go rounds ModTime to whole seconds when it picks the ustar format.
    long long secs = (mtime_ns + 500000000LL) / 1000000000LL;
    put_octal(h + 136, 12, static_cast<unsigned long long>(secs));
    h[156] = '0';
    std::memcpy(h + 257, "ustar\0" "00", 8);
    put_octal(h + 329, 8, 0);
    put_octal(h + 337, 8, 0);
    std::memcpy(h + 345, prefix.data(), prefix.size());
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 7, "%06o", sum);
    h[155] = ' ';
    out_.append(h, sizeof h);
    out_ += body;
    if (body.size() % 512) out_.append(512 - body.size() % 512, '\0');
    return ok_status();
  }
  std::string finish() {
    out_.append(1024, '\0');
    return std::move(out_);
  }

 private:
  std::string out_;
};

Result<std::string> gzip_like_helm(const std::string& data) {
  std::string out;
  const unsigned char header[10] = {0x1f, 0x8b, 8, 0x14, 0, 0, 0, 0, 0, 0xff};
  out.append(reinterpret_cast<const char*>(header), sizeof header);
  size_t xlen = std::strlen(kHelmGzipExtra);
  out += static_cast<char>(xlen & 0xff);
  out += static_cast<char>(xlen >> 8);
  out += kHelmGzipExtra;
  out += kHelmGzipComment;
  out += '\0';
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Error::internal("gzip: deflateInit failed");
  }
  std::string body(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(body.data());
  zs.avail_out = static_cast<uInt>(body.size());
  int rc = deflate(&zs, Z_FINISH);
  body.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Error::internal("gzip: deflate failed");
  out += body;
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
  for (int i = 0; i < 4; ++i) out += static_cast<char>((crc >> (8 * i)) & 0xff);
  uint32_t isize = static_cast<uint32_t>(data.size());
  for (int i = 0; i < 4; ++i) out += static_cast<char>((isize >> (8 * i)) & 0xff);
  return out;
}

// Seconds of an RFC 3339 time ("2024-01-02T03:04:05.123+01:00"), as ns; 0 when unparsable.
long long parse_rfc3339_ns(const std::string& s) {
  struct tm tm {};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  long long secs = timegm(&tm);
  long long frac_ns = 0;
  size_t i = static_cast<size_t>(consumed);
  if (i < s.size() && s[i] == '.') {
    long long scale = 100000000;
    for (++i; i < s.size() && isdigit(static_cast<unsigned char>(s[i])); ++i, scale /= 10) frac_ns += (s[i] - '0') * scale;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int hh = 0, mm = 0;
    std::sscanf(s.c_str() + i + 1, "%2d:%2d", &hh, &mm);
    long long off = hh * 3600 + mm * 60;
    secs -= s[i] == '+' ? off : -off;
  }
  return secs * 1000000000LL + frac_ns;
}

Status write_chart(TarWriter& tar, const Chart& c, const std::string& prefix, long long now_ns) {
  if (c.name().find('/') != std::string::npos || c.name() == "." || c.name() == "..") {
    return Error::invalid("chart name \"" + c.name() + "\" is invalid");
  }
  std::string base = prefix.empty() ? c.name() : prefix + "/" + c.name();
  auto when = [&](long long t) { return t == 0 ? now_ns : t; };
  Metadata md = c.metadata;
  if (md.api_version == "v1") md.dependencies.clear();
  SKIFF_ASSIGN_OR_RETURN(std::string chart_yaml, marshal_metadata(md));
  SKIFF_TRY(tar.add(base + "/Chart.yaml", chart_yaml, when(c.metadata_mtime_ns)));
  if (c.metadata.api_version == "v2" && c.lock_file && c.lock_file->name == "Chart.lock") {
    SKIFF_ASSIGN_OR_RETURN(Lock lock, parse_lock(c.lock_file->data, "Chart.lock"));
    SKIFF_ASSIGN_OR_RETURN(std::string lock_yaml, marshal_lock(lock));
    SKIFF_TRY(tar.add(base + "/Chart.lock", lock_yaml, when(parse_rfc3339_ns(lock.generated))));
  }
  if (c.values_file) SKIFF_TRY(tar.add(base + "/values.yaml", c.values_file->data, when(c.values_file->mtime_ns)));
  if (c.schema_file) {
    if (!parse_json(c.schema_file->data).ok()) return Error::invalid("invalid JSON in values.schema.json");
    SKIFF_TRY(tar.add(base + "/values.schema.json", c.schema_file->data, when(c.schema_file->mtime_ns)));
  }
  for (const auto* list : {&c.templates, &c.files}) {
    for (const auto& f : *list) SKIFF_TRY(tar.add(base + "/" + f.name, f.data, when(f.mtime_ns)));
  }
  for (const auto& dep : c.dependencies) SKIFF_TRY(write_chart(tar, *dep, base + "/charts", now_ns));
  return ok_status();
}

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::string> chart_archive_bytes(const Chart& chart, long long now) {
  TarWriter tar;
  SKIFF_TRY(write_chart(tar, chart, "", now));
  return gzip_like_helm(tar.finish());
}

Result<std::string> save_chart_archive(const Chart& chart, const std::string& out_dir) {
  SKIFF_ASSIGN_OR_RETURN(std::string bytes, chart_archive_bytes(chart, now_ns()));
  fs::path dir(out_dir);
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) return Error::internal("mkdir " + dir.string() + ": " + ec.message());
  } else if (!fs::is_directory(dir, ec)) {
    return Error::invalid("is not a directory: " + dir.string());
  }
  fs::path file = dir / (chart.name() + "-" + chart.metadata.version + ".tgz");
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) return Error::internal("open " + file.string() + ": cannot create");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) return Error::internal("write " + file.string() + " failed");
  return file.lexically_normal().string();
}

}  // namespace skiff::chart
