#include <gtest/gtest.h>
#include <zlib.h>

#include "chart/chart/archive_writer.h"
#include "chart/chart/loader.h"
#include "chart/chart/tar_reader.h"

namespace skiff::chart {
namespace {

const std::string kLongTemplate = "templates/" + std::string(60, 'd') + "/" + std::string(50, 'f') + ".yaml";

// A chart packaged the way `helm package` does, through the archive writer.
std::string packaged_chart() {
  std::vector<ChartFile> files = {
      {"Chart.yaml", "apiVersion: v2\nname: demo\nversion: 1.2.3\n", 1700000000LL * 1000000000LL, ""},
      {"values.yaml", "replicas: 2\n", 0, ""},
      {"templates/cm.yaml", "kind: ConfigMap\n", 0, ""},
      {kLongTemplate, "kind: Secret\n", 0, ""},
  };
  auto chart = load_chart_files(std::move(files));
  EXPECT_TRUE(chart.ok()) << chart.error().message;
  auto bytes = chart_archive_bytes(**chart, 1700000000LL * 1000000000LL);
  EXPECT_TRUE(bytes.ok()) << bytes.error().message;
  return *bytes;
}

std::string gunzip(const std::string& gz) {
  z_stream zs{};
  inflateInit2(&zs, 31);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

const TarEntry* find(const std::vector<TarEntry>& entries, const std::string& name) {
  for (const auto& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

TEST(TarReader, ReadsAPackagedChartWithItsContentsAndTimes) {
  auto entries = read_tar_gz(packaged_chart());
  ASSERT_TRUE(entries.ok()) << entries.error().message;
  ASSERT_FALSE(entries->empty());
  EXPECT_EQ(entries->front().name, "demo/Chart.yaml");  // helm writes Chart.yaml first
  EXPECT_EQ(entries->front().mtime_s, 1700000000LL);
  const TarEntry* cm = find(*entries, "demo/templates/cm.yaml");
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(cm->data, "kind: ConfigMap\n");
}

TEST(TarReader, JoinsTheUstarPrefixOfLongNames) {
  auto entries = read_tar_gz(packaged_chart());
  ASSERT_TRUE(entries.ok()) << entries.error().message;
  const TarEntry* long_one = find(*entries, "demo/" + kLongTemplate);
  ASSERT_NE(long_one, nullptr);
  EXPECT_EQ(long_one->data, "kind: Secret\n");
}

TEST(TarReader, AcceptsAnUncompressedTar) {
  auto entries = read_tar_gz(gunzip(packaged_chart()));
  ASSERT_TRUE(entries.ok()) << entries.error().message;
  EXPECT_NE(find(*entries, "demo/values.yaml"), nullptr);
}

TEST(TarReader, RejectsADamagedHeader) {
  std::string tar = gunzip(packaged_chart());
  tar[10] ^= 0x55;  // inside the first entry's name: the checksum no longer matches
  auto entries = read_tar_gz(tar);
  ASSERT_FALSE(entries.ok());
  EXPECT_NE(entries.error().message.find("invalid tar header"), std::string::npos);
}

TEST(TarReader, RejectsTruncatedData) {
  std::string tar = gunzip(packaged_chart());
  auto entries = read_tar_gz(tar.substr(0, 512 + 10));  // the first header and part of its data
  ASSERT_FALSE(entries.ok());
  EXPECT_NE(entries.error().message.find("truncated"), std::string::npos);
}

TEST(TarReader, RejectsACorruptGzipStream) {
  std::string gz = packaged_chart();
  auto entries = read_tar_gz(gz.substr(0, gz.size() / 2));
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.error().message.rfind("gzip: ", 0), 0u);
}

TEST(TarReader, LoadsTheChartBackFromItsArchive) {
  auto chart = load_chart_archive(packaged_chart());
  ASSERT_TRUE(chart.ok()) << chart.error().message;
  EXPECT_EQ((*chart)->name(), "demo");
  EXPECT_EQ((*chart)->metadata.version, "1.2.3");
  EXPECT_EQ((*chart)->templates.size(), 2u);
  EXPECT_EQ((*chart)->values["replicas"], 2.0);
}

}  // namespace
}  // namespace skiff::chart
