#include "api/quantity.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace skiff::api {
namespace {

Quantity q(std::string_view text) {
  auto r = Quantity::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Quantity();
}

std::string canonical(std::string_view text) { return q(text).to_string(); }

std::string parse_error(std::string_view text) {
  auto r = Quantity::parse(text);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, 400);
  EXPECT_EQ(r.error().reason, "BadRequest");
  return r.error().message;
}

TEST(QuantityFormat, DecimalFractionsBecomeMilliUnits) {
  EXPECT_EQ(canonical("1.5"), "1500m");
  EXPECT_EQ(canonical("0.1"), "100m");
  EXPECT_EQ(canonical("0.000001"), "1u");
}

TEST(QuantityFormat, SuffixGrowsWhileNoPrecisionIsLost) {
  EXPECT_EQ(canonical("1000m"), "1");
  EXPECT_EQ(canonical("2000m"), "2");
  EXPECT_EQ(canonical("1.0"), "1");
  EXPECT_EQ(canonical("1000k"), "1M");
  EXPECT_EQ(canonical("100M"), "100M");
}

TEST(QuantityFormat, BinarySuffixesUseLargestExactPowerOf1024) {
  EXPECT_EQ(canonical("1024Mi"), "1Gi");
  EXPECT_EQ(canonical("1536Mi"), "1536Mi");
  EXPECT_EQ(canonical("1.5Gi"), "1536Mi");
  EXPECT_EQ(canonical("2048Ki"), "2Mi");
}

TEST(QuantityFormat, BinaryValuesBelow1KiOrFractionalAreShownAsDecimal) {
  EXPECT_EQ(canonical("0.5Ki"), "512");
  EXPECT_EQ(canonical("1.1Ki"), "1126400m");
  EXPECT_EQ(Quantity::from_int(1000, Quantity::Format::kBinarySI).to_string(), "1k");
}

TEST(QuantityFormat, DecimalExponentKeepsExponentNotation) {
  EXPECT_EQ(canonical("1e3"), "1e3");
  EXPECT_EQ(canonical("12e6"), "12e6");
  EXPECT_EQ(canonical("1e4"), "10e3");
  EXPECT_EQ(q("1e0").canonical(), "1");
  EXPECT_EQ(q("1e3").format(), Quantity::Format::kDecimalExponent);
}

TEST(QuantityFormat, SubNanoPrecisionRoundsUpToOneNano) {
  EXPECT_EQ(canonical("0.9n"), "1n");
  EXPECT_EQ(canonical("0.0000000001"), "1n");
  EXPECT_EQ(canonical("1e-10"), "1e-9");
  EXPECT_EQ(canonical("-0.9n"), "-1n");
}

TEST(QuantityFormat, DecimalBeyondExaFallsBackToExponent) {
  EXPECT_EQ(canonical("1000E"), "1e21");
  EXPECT_EQ(canonical("123456789012345678901234567890"), "123456789012345678901234567890");
}

TEST(QuantityFormat, BinaryValuesAreCappedAtMaxInt64) {
  EXPECT_EQ(canonical("8Ei"), "9223372036854775807");
  EXPECT_EQ(canonical("-8Ei"), "-9223372036854775807");
}

TEST(QuantityFormat, ZeroIsAlwaysPlainZero) {
  EXPECT_EQ(canonical("0"), "0");
  EXPECT_EQ(canonical("-0"), "0");
  EXPECT_EQ(canonical("0Mi"), "0");
  EXPECT_EQ(canonical("0.000m"), "0");
  EXPECT_EQ(Quantity().to_string(), "0");
}

TEST(QuantityFormat, NegativeValuesKeepTheirSign) {
  EXPECT_EQ(canonical("-1.5"), "-1500m");
  EXPECT_EQ(canonical("-2048Ki"), "-2Mi");
}

TEST(QuantityFormat, AlreadyCanonicalSpellingsAreEchoedVerbatimLikeKubernetes) {
  EXPECT_EQ(canonical("+1k"), "+1k");
  EXPECT_EQ(q("+1k").canonical(), "1k");
  EXPECT_EQ(canonical("01Ki"), "01Ki");
  EXPECT_EQ(canonical("1E3"), "1E3");
  EXPECT_EQ(q("1E3").canonical(), "1e3");
}

TEST(QuantityFormat, ArithmeticDropsTheEchoedSpelling) {
  Quantity a = q("+1k");
  a += q("0");
  EXPECT_EQ(a.to_string(), "1k");
}

TEST(QuantityParse, AcceptsSignsAndBareDecimalPoints) {
  EXPECT_EQ(q("+5").value(), 5);
  EXPECT_EQ(q("5.").value(), 5);
  EXPECT_EQ(q(".5").milli_value(), 500);
  EXPECT_EQ(q("1.G").value(), 1000000000);
}

TEST(QuantityParse, AllSuffixesScaleTheValue) {
  EXPECT_EQ(q("1n").compare(q("0.000000001")), 0);
  EXPECT_EQ(q("1u").compare(q("0.000001")), 0);
  EXPECT_EQ(q("1k").value(), 1000);
  EXPECT_EQ(q("1M").value(), 1000000);
  EXPECT_EQ(q("1G").value(), 1000000000);
  EXPECT_EQ(q("1T").value(), 1000000000000);
  EXPECT_EQ(q("1P").value(), 1000000000000000);
  EXPECT_EQ(q("1E").value(), 1000000000000000000);
  EXPECT_EQ(q("1Ki").value(), 1024);
  EXPECT_EQ(q("1Mi").value(), 1 << 20);
  EXPECT_EQ(q("1Gi").value(), int64_t{1} << 30);
  EXPECT_EQ(q("1Ti").value(), int64_t{1} << 40);
  EXPECT_EQ(q("1Pi").value(), int64_t{1} << 50);
  EXPECT_EQ(q("1Ei").value(), int64_t{1} << 60);
  EXPECT_EQ(q("2e-3").milli_value(), 2);
  EXPECT_EQ(q("2E+3").value(), 2000);
}

TEST(QuantityParse, EmptyOrMalformedTextFailsTheRegularExpression) {
  const std::string regex_error =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  EXPECT_EQ(parse_error(""), regex_error);
  EXPECT_EQ(parse_error("abc"), regex_error);
  EXPECT_EQ(parse_error("1.2.3"), regex_error);
  EXPECT_EQ(parse_error("1 "), regex_error);
  EXPECT_EQ(parse_error("1Gix"), regex_error);
}

TEST(QuantityParse, UnknownSuffixIsReported) {
  EXPECT_EQ(parse_error("1ki"), "unable to parse quantity's suffix");
  EXPECT_EQ(parse_error("1e"), "unable to parse quantity's suffix");
  EXPECT_EQ(parse_error("1Ki5"), "unable to parse quantity's suffix");
  EXPECT_EQ(parse_error("1mm"), "unable to parse quantity's suffix");
}

TEST(QuantityParse, ExponentOutsideInt32IsRejected) {
  EXPECT_EQ(parse_error("1e2147483648"), "unable to parse quantity's suffix");
}

TEST(QuantityParse, NumberWithoutDigitsOnThePreciseParsePathIsNotNumeric) {
  EXPECT_EQ(parse_error("e-20"), "unable to parse numeric part of quantity");
  EXPECT_EQ(parse_error("Ei"), "unable to parse numeric part of quantity");
}

TEST(QuantityParse, NumberWithoutDigitsOnTheFastPathIsZeroAsInKubernetes) {
  EXPECT_TRUE(q("Ki").is_zero());
  EXPECT_TRUE(q(".").is_zero());
  EXPECT_TRUE(q("+").is_zero());
}

TEST(QuantityParse, FromJsonAcceptsStringsNumbersAndNull) {
  EXPECT_EQ(Quantity::from_json(nlohmann::json(" 100m "))->to_string(), "100m");
  EXPECT_EQ(Quantity::from_json(nlohmann::json(2))->to_string(), "2");
  EXPECT_EQ(Quantity::from_json(nlohmann::json(0.5))->to_string(), "500m");
  EXPECT_TRUE(Quantity::from_json(nlohmann::json())->is_zero());
  EXPECT_FALSE(Quantity::from_json(nlohmann::json(true)).ok());
}

TEST(QuantityValue, RoundsUpAwayFromZero) {
  EXPECT_EQ(q("1500m").value(), 2);
  EXPECT_EQ(q("1m").value(), 1);
  EXPECT_EQ(q("-1.5").value(), -2);
  EXPECT_EQ(q("1n").milli_value(), 1);
  EXPECT_EQ(q("1.5").milli_value(), 1500);
}

TEST(QuantityValue, SaturatesInsteadOfOverflowing) {
  EXPECT_EQ(q("1e30").value(), INT64_MAX);
  EXPECT_EQ(q("-1e30").value(), INT64_MIN);
  EXPECT_EQ(q("9223372036854775807").value(), INT64_MAX);
  EXPECT_EQ(q("-9223372036854775808").value(), INT64_MIN);
}

TEST(QuantityConstruct, FromMilliAndFromInt) {
  EXPECT_EQ(Quantity::from_milli(1500).to_string(), "1500m");
  EXPECT_EQ(Quantity::from_milli(2000).to_string(), "2");
  EXPECT_EQ(Quantity::from_int(1024, Quantity::Format::kBinarySI).to_string(), "1Ki");
  EXPECT_EQ(Quantity::from_int(INT64_MIN).value(), INT64_MIN);
  EXPECT_EQ(Quantity::from_int(5, Quantity::Format::kDecimalExponent).format(), Quantity::Format::kDecimalExponent);
}

TEST(QuantityCompare, ComparesExactValuesAcrossSuffixes) {
  EXPECT_EQ(q("1000m").compare(q("1")), 0);
  EXPECT_TRUE(q("1Gi") == q("1073741824"));
  EXPECT_GT(q("1Gi").compare(q("1G")), 0);
  EXPECT_LT(q("-1").compare(q("1n")), 0);
  EXPECT_LT(q("-2").compare(q("-1")), 0);
  EXPECT_TRUE(q("999m") < q("1"));
  EXPECT_GT(q("1e100").compare(q("99e98")), 0);
}

TEST(QuantityArithmetic, AddsExactly) {
  Quantity a = q("1");
  a += q("500m");
  EXPECT_EQ(a.to_string(), "1500m");
  EXPECT_EQ((q("0.1") + q("0.2")).to_string(), "300m");
}

TEST(QuantityArithmetic, SubtractsAcrossZero) {
  EXPECT_EQ((q("1") - q("2")).to_string(), "-1");
  EXPECT_EQ((q("1Gi") - q("512Mi")).to_string(), "512Mi");
  EXPECT_TRUE((q("3") - q("3")).is_zero());
  EXPECT_EQ((q("-1") + q("3")).to_string(), "2");
}

TEST(QuantityArithmetic, KeepsLeftFormatUnlessLeftIsZero) {
  EXPECT_EQ((q("1Gi") + q("1G")).format(), Quantity::Format::kBinarySI);
  Quantity zero;
  zero += q("1Gi");
  EXPECT_EQ(zero.to_string(), "1Gi");
  Quantity zero2;
  zero2 -= q("1Gi");
  EXPECT_EQ(zero2.to_string(), "-1Gi");
}

TEST(QuantityRoundTrip, CanonicalFormParsesToTheSameValue) {
  for (const char* text : {"1.5", "1536Mi", "12e6", "0.9n", "1000E", "8Ei", "1.1Ki", "-0.5Ki", "1e2147483647",
                           "99999999999999999999.999999999999"}) {
    Quantity a = q(text);
    Quantity b = q(a.canonical());
    EXPECT_EQ(a.compare(b), 0) << text << " -> " << a.canonical();
  }
}

}  // namespace
}  // namespace skiff::api

namespace skiff::api {
namespace {

// As Kubernetes' CanonicalizeBytes: a binary amount that is not a whole number of Ki prints
// without a suffix, and that text then reads back as a decimal quantity.
TEST(QuantityCanonical, InexactBinaryAmountPrintsBareThenDecimal) {
  auto q = Quantity::parse("191562.5Ki");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->canonical(), "196160000");
  auto again = Quantity::parse(q->canonical());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->canonical(), "196160k");
  EXPECT_EQ(again->compare(*q), 0);
}

}  // namespace
}  // namespace skiff::api
