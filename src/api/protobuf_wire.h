// Protocol-buffer wire primitives shared by the Kubernetes protobuf codec and the OpenAPI v2
// (gnostic) encoder: a bounds-checked reader and an append-only writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace skiff::api::wire {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kStartGroup = 3, kEndGroup = 4, kFixed32 = 5 };

struct Tag {
  uint32_t field;
  WireType type;
};

// Reads one message's bytes; every error is a 400 BadRequest naming the byte offset.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  bool done() const { return pos_ >= data_.size(); }
  size_t offset() const { return pos_; }

  Result<uint64_t> varint();
  Result<Tag> tag();
  Result<std::string_view> length_delimited();
  // Skips the value of an unknown field (groups are not supported: no Kubernetes type has them).
  Status skip(WireType type);

 private:
  Error error(std::string what) const;

  std::string_view data_;
  size_t pos_ = 0;
};

// Appends encoded fields to a string.
class Writer {
 public:
  void varint(uint64_t v);
  void tag(uint32_t field, WireType type) { varint((uint64_t{field} << 3) | type); }
  void varint_field(uint32_t field, uint64_t v) {
    tag(field, kVarint);
    varint(v);
  }
  // int32 and int64 alike: negative values are sign-extended to ten bytes, as protobuf does.
  void int_field(uint32_t field, int64_t v) { varint_field(field, static_cast<uint64_t>(v)); }
  void bytes_field(uint32_t field, std::string_view bytes);
  void double_field(uint32_t field, double v);

  const std::string& data() const& { return out_; }
  std::string data() && { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace skiff::api::wire
