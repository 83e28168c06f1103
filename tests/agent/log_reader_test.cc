// Reading CRI container log files as kubectl logs shows them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "agent/logs/cri_log_reader.h"

namespace skiff::agent {
namespace {

namespace fs = std::filesystem;

LogReadOptions tail(int64_t n) {
  LogReadOptions o;
  o.tail_lines = n;
  return o;
}

class LogReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() / ("skiff-log-" + std::to_string(::getpid()) + ".log")).string();
    fs::remove(path_);
  }
  void TearDown() override { fs::remove(path_); }
  void append(const std::string& text) { std::ofstream(path_, std::ios::app) << text; }

  std::string path_;
};

const char* kLog =
    "2026-11-27T10:00:00.000000001Z stdout F one\n"
    "2026-11-27T10:00:01.5Z stderr F two\n"
    "2026-11-27T10:00:02Z stdout P thr\n"
    "2026-11-27T10:00:02.1Z stdout F ee\n"
    "not a log line\n"
    "2026-11-27T10:00:03Z stdout F four\n";

TEST_F(LogReaderTest, ReassemblesPartialLinesAndSkipsMalformedOnes) {
  append(kLog);
  CriLogReader reader(path_, {});
  EXPECT_EQ(*reader.read_new(), "one\ntwo\nthree\nfour\n");
  EXPECT_EQ(*reader.read_new(), "") << "nothing new";
}

TEST_F(LogReaderTest, TailSinceTimestampsAndLimit) {
  append(kLog);
  EXPECT_EQ(*CriLogReader(path_, tail(2)).read_new(), "three\nfour\n");
  EXPECT_EQ(*CriLogReader(path_, tail(0)).read_new(), "");
  LogReadOptions since;
  since.since = parse_rfc3339("2026-11-27T10:00:01Z");
  EXPECT_EQ(*CriLogReader(path_, since).read_new(), "two\nthree\nfour\n");
  LogReadOptions stamped = tail(1);
  stamped.timestamps = true;
  EXPECT_EQ(*CriLogReader(path_, stamped).read_new(), "2026-11-27T10:00:03Z four\n");
  LogReadOptions limit;
  limit.limit_bytes = 6;
  CriLogReader limited(path_, limit);
  EXPECT_EQ(*limited.read_new(), "one\ntw");
  EXPECT_TRUE(limited.limit_reached());
}

TEST_F(LogReaderTest, FollowingReturnsOnlyCompleteNewLines) {
  append("2026-11-27T10:00:00Z stdout F a\n");
  CriLogReader reader(path_, tail(10));
  EXPECT_EQ(*reader.read_new(), "a\n");
  append("2026-11-27T10:00:01Z stdout F b\n2026-11-27T10:00:02Z stdout F c");
  EXPECT_EQ(*reader.read_new(), "b\n") << "the unterminated entry waits";
  append("\n");
  EXPECT_EQ(*reader.read_new(), "c\n");
}

TEST_F(LogReaderTest, SinceComparesInstantsWhateverTheZone) {
  // containerd writes local time with its offset: 11:00:01+01:00 is 10:00:01Z.
  append("2026-11-27T11:00:00.5+01:00 stdout F early\n2026-11-27T11:00:01.25+01:00 stdout F late\n");
  LogReadOptions since;
  since.since = parse_rfc3339("2026-11-27T10:00:01Z");
  EXPECT_EQ(*CriLogReader(path_, since).read_new(), "late\n");
}

TEST_F(LogReaderTest, LimitHoldsAcrossFollowingReads) {
  append("2026-11-27T10:00:00Z stdout F abc\n");
  LogReadOptions limit;
  limit.limit_bytes = 6;
  CriLogReader reader(path_, limit);
  EXPECT_EQ(*reader.read_new(), "abc\n");
  EXPECT_FALSE(reader.limit_reached());
  append("2026-11-27T10:00:01Z stdout F defg\n");
  EXPECT_EQ(*reader.read_new(), "de");
  EXPECT_TRUE(reader.limit_reached());
  append("2026-11-27T10:00:02Z stdout F more\n");
  EXPECT_EQ(*reader.read_new(), "");
}

TEST_F(LogReaderTest, TailOfALongLogReadsOnlyItsEnd) {
  std::string log;
  for (int i = 0; i < 20000; ++i) log += "2026-11-27T10:00:00Z stdout F line " + std::to_string(i) + "\n";
  // The last line comes in three entries, the first of them in an earlier 64 KiB block than the rest.
  log += "2026-11-27T10:00:01Z stdout P " + std::string(70000, 'x') + "\n";
  log += "2026-11-27T10:00:01Z stdout P y\n2026-11-27T10:00:01Z stdout F z\n";
  log += "2026-11-27T10:00:02Z stdout P unterminated";
  append(log);
  CriLogReader reader(path_, tail(2));
  EXPECT_EQ(*reader.read_new(), "line 19999\n" + std::string(70000, 'x') + "yz\n");
  EXPECT_FALSE(reader.has_more());
  EXPECT_EQ(*CriLogReader(path_, tail(20002)).read_new(), [&] {
    std::string all;
    for (int i = 0; i < 20000; ++i) all += "line " + std::to_string(i) + "\n";
    return all + std::string(70000, 'x') + "yz\n";
  }());
}

TEST_F(LogReaderTest, LongLogsAreReadInBoundedPieces) {
  std::string log;
  std::string expected;
  for (int i = 0; log.size() < CriLogReader::kMaxReadBytes * 2 + 100; ++i) {
    log += "2026-11-27T10:00:00Z stdout F entry number " + std::to_string(i) + "\n";
    expected += "entry number " + std::to_string(i) + "\n";
  }
  append(log);
  CriLogReader reader(path_, {});
  std::string out;
  int reads = 0;
  do {
    out += *reader.read_new();
    ++reads;
  } while (reader.has_more());
  EXPECT_EQ(reads, 3);
  EXPECT_EQ(out, expected);
}

TEST_F(LogReaderTest, MissingFileIsNotFound) {
  auto r = CriLogReader(path_ + ".absent", {}).read_new();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 404);
}

}  // namespace
}  // namespace skiff::agent
