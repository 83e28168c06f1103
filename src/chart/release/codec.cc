#include "chart/release/codec.h"

#include <zlib.h>

#include "util/encoding.h"

namespace skiff::chart::release {

Result<std::string> gzip_compress(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper, as Go's compress/gzip writes.
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Error::internal("gzip: deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, data.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Error::internal("gzip: deflate failed");
  out.resize(zs.total_out);
  return out;
}

Result<std::string> gzip_decompress(std::string_view data) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Error::internal("gzip: inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Error::bad_request(std::string("gzip: invalid data: ") + (zs.msg ? zs.msg : "corrupt stream"));
    }
    out.append(buf, sizeof buf - zs.avail_out);
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Error::bad_request("gzip: unexpected EOF");
    }
  }
  inflateEnd(&zs);
  return out;
}

Result<std::string> encode_release(const Release& r) {
  SKIFF_ASSIGN_OR_RETURN(std::string gz, gzip_compress(dump_json(release_to_json(r))));
  return base64_encode(gz);
}

Result<Release> decode_release(std::string_view data) {
  auto raw = base64_decode(data);
  if (!raw) return Error::bad_request("illegal base64 data in release");
  std::string json = std::move(*raw);
  if (json.size() > 3 && static_cast<unsigned char>(json[0]) == 0x1f && static_cast<unsigned char>(json[1]) == 0x8b &&
      static_cast<unsigned char>(json[2]) == 0x08) {
    SKIFF_ASSIGN_OR_RETURN(json, gzip_decompress(json));
  }
  SKIFF_ASSIGN_OR_RETURN(Json doc, parse_json(json));
  return release_from_json(doc);
}

}  // namespace skiff::chart::release
