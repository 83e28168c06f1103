#include "api/protobuf_wire.h"

#include <cstring>

namespace skiff::api::wire {

Error Reader::error(std::string what) const {
  return Error::bad_request(what + " at byte " + std::to_string(pos_));
}

Result<uint64_t> Reader::varint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) return error("truncated varint");
    auto byte = static_cast<uint8_t>(data_[pos_++]);
    if (shift == 63 && byte > 1) return error("varint overflows 64 bits");
    value |= uint64_t{byte & 0x7Fu} << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return error("varint longer than 10 bytes");
}

Result<Tag> Reader::tag() {
  SKIFF_ASSIGN_OR_RETURN(uint64_t key, varint());
  uint64_t field = key >> 3;
  if (field == 0 || field > 0x1FFFFFFF) return error("invalid field number " + std::to_string(field));
  return Tag{static_cast<uint32_t>(field), static_cast<WireType>(key & 7)};
}

Result<std::string_view> Reader::length_delimited() {
  SKIFF_ASSIGN_OR_RETURN(uint64_t len, varint());
  if (len > data_.size() - pos_) {
    return error("length " + std::to_string(len) + " runs past the end of the message");
  }
  auto bytes = data_.substr(pos_, len);
  pos_ += len;
  return bytes;
}

Status Reader::skip(WireType type) {
  switch (type) {
    case kVarint: {
      auto r = varint();
      if (!r.ok()) return std::move(r).error();
      return ok_status();
    }
    case kFixed64:
    case kFixed32: {
      size_t n = type == kFixed64 ? 8 : 4;
      if (data_.size() - pos_ < n) return error("truncated fixed-width value");
      pos_ += n;
      return ok_status();
    }
    case kLengthDelimited: {
      auto r = length_delimited();
      if (!r.ok()) return std::move(r).error();
      return ok_status();
    }
    default:
      return error("unsupported wire type " + std::to_string(type));
  }
}

void Writer::varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void Writer::bytes_field(uint32_t field, std::string_view bytes) {
  tag(field, kLengthDelimited);
  varint(bytes.size());
  out_.append(bytes);
}

void Writer::double_field(uint32_t field, double v) {
  tag(field, kFixed64);
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

}  // namespace skiff::api::wire
