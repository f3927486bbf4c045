#include "tools/dump_log/dump_format.h"

#include <catch2/catch.hpp>

#include "common/protocol/record_batch.h"

namespace kafka::tools {
namespace {

std::string Batch(int64_t base, int32_t epoch, std::vector<std::pair<std::optional<std::string>, std::string>> kv) {
  std::vector<protocol::Record> records;
  int64_t delta = 0;
  for (auto& [k, v] : kv) {
    protocol::Record r;
    r.key = k;
    r.value = v;
    r.timestamp_delta = delta++;
    records.push_back(r);
  }
  protocol::BatchBuildOptions o;
  o.base_offset = base;
  o.partition_leader_epoch = epoch;
  o.base_timestamp = 1700000000000;
  auto b = protocol::BuildBatch(o, records);
  REQUIRE(b.ok());
  return *b;
}

std::string Dump(const std::string& data, DumpOptions opts,
                 std::vector<std::pair<int64_t, int64_t>>* gaps = nullptr) {
  std::string out;
  auto read = [&](uint64_t off, size_t n, std::string* buf) {
    *buf = data.substr(off, n);
    return true;
  };
  REQUIRE(DumpLogSegment("/x/00000000000000000007.log", data.size(), read, opts, &out, gaps));
  return out;
}

}  // namespace

TEST_CASE("batch lines as Kafka's DumpLogSegments prints them") {
  std::string data = Batch(7, 3, {{std::nullopt, "0"}, {std::string("k"), "1"}});
  const uint32_t crc = protocol::ComputeBatchCrc(data);
  std::string out = Dump(data, {});
  CHECK(out == "Log starting offset: 7\n"
               "baseOffset: 7 lastOffset: 8 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 "
               "producerEpoch: -1 partitionLeaderEpoch: 3 isTransactional: false isControl: false "
               "deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1700000000001 size: " +
                   std::to_string(data.size()) + " magic: 2 compresscodec: none crc: " +
                   std::to_string(crc) + " isvalid: true\n");
}

TEST_CASE("records with --print-data-log, and a torn tail") {
  std::string data = Batch(7, 0, {{std::nullopt, "0"}, {std::string("k"), "12"}});
  const size_t first = data.size();
  data += Batch(9, 0, {{std::nullopt, "2"}});
  data += std::string("\x00\x00\x00\x00\x00\x00\x00\x0a\x00\x00", 10);
  DumpOptions o;
  o.print_data = true;
  std::string out = Dump(data, o);
  CHECK(out.find("\n| offset: 7 CreateTime: 1700000000000 keySize: -1 valueSize: 1 sequence: -1 "
                 "headerKeys: [] payload: 0\n| offset: 8 CreateTime: 1700000000001 keySize: 1 "
                 "valueSize: 2 sequence: -1 headerKeys: [] key: k payload: 12\n") != std::string::npos);
  CHECK(out.find(" position: " + std::to_string(first) + " ") != std::string::npos);
  CHECK(out.find("| offset: 9 ") != std::string::npos);
  const std::string tail = "Found 10 invalid bytes at the end of 00000000000000000007.log\n";
  CHECK(out.substr(out.size() - tail.size()) == tail);
}

TEST_CASE("a flipped byte shows isvalid: false; offset gaps are collected") {
  std::string data = Batch(0, 0, {{std::nullopt, "a"}});
  data += Batch(5, 0, {{std::nullopt, "b"}});
  data[data.size() - 2] ^= 0x01;
  std::vector<std::pair<int64_t, int64_t>> gaps;
  DumpOptions o;
  o.deep_iteration = true;
  std::string out = Dump(data, o, &gaps);
  CHECK(out.find("isvalid: true") != std::string::npos);
  CHECK(out.find("isvalid: false") != std::string::npos);
  CHECK(out.find("payload") == std::string::npos);
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0] == std::make_pair<int64_t, int64_t>(0, 5));
}

TEST_CASE("index files stop at the zero-filled tail") {
  std::string idx;
  auto be32 = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) idx += static_cast<char>((v >> s) & 0xff);
  };
  be32(0); be32(0);
  be32(10); be32(4096);
  be32(0); be32(0);
  std::string out;
  DumpOffsetIndex("00000000000000000100.index", idx, &out);
  CHECK(out == "offset: 100 position: 0\noffset: 110 position: 4096\n");
}

}  // namespace kafka::tools
