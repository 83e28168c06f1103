#include <gtest/gtest.h>

#include "storage/store.h"

namespace skiff::storage {
namespace {

TEST(PrefixEnd, IncrementsTheLastByte) {
  EXPECT_EQ(prefix_end("/registry/pods/"), "/registry/pods0");
  EXPECT_EQ(prefix_end("a"), "b");
}

TEST(PrefixEnd, CarriesOverTrailing0xff) {
  EXPECT_EQ(prefix_end(std::string("a\xff\xff", 3)), "b");
  EXPECT_EQ(prefix_end(std::string("a\xfe\xff", 3)), std::string("a\xff", 2));
}

TEST(PrefixEnd, IsUnboundedWhenNoGreaterPrefixExists) {
  EXPECT_EQ(prefix_end(""), "");
  EXPECT_EQ(prefix_end(std::string("\xff\xff", 2)), "");
}

TEST(KeyInRange, IsHalfOpen) {
  EXPECT_TRUE(key_in_range("b", "b", "c"));
  EXPECT_FALSE(key_in_range("c", "b", "c"));
  EXPECT_FALSE(key_in_range("a", "b", "c"));
}

TEST(KeyInRange, EmptyEndIsUnbounded) {
  EXPECT_TRUE(key_in_range(std::string("\xff\xff", 2), "b", ""));
  EXPECT_FALSE(key_in_range("a", "b", ""));
}

}  // namespace
}  // namespace skiff::storage
