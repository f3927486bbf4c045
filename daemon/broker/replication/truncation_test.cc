#include "daemon/broker/replication/truncation.h"

#include <vector>

#include <catch2/catch.hpp>

#include "common/log/leader_epoch_cache.h"

using namespace kafka::broker::replication;
using kafka::log::EpochEntry;

namespace {

// Kafka's endOffsetFor over a list of (epoch, start) entries.
std::function<EpochEntry(int32_t)> Local(std::vector<EpochEntry> entries, int64_t leo) {
  return [entries, leo](int32_t requested) -> EpochEntry {
    if (entries.empty()) return {-1, -1};
    if (requested == entries.back().epoch) return {requested, leo};
    for (size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].epoch > requested) {
        if (i == 0) return {requested, entries[0].start_offset};
        return {entries[i - 1].epoch, entries[i].start_offset};
      }
    }
    return {-1, -1};
  };
}

}  // namespace

TEST_CASE("same epoch: truncate to the leader's end of it", "[replication][truncation]") {
  auto d = DecideTruncation(3, 15, 20, 0, Local({{1, 0}, {3, 10}}, 20));
  CHECK(d.offset == 15);
  CHECK(d.complete);
  d = DecideTruncation(3, 25, 20, 0, Local({{1, 0}, {3, 10}}, 20));
  CHECK(d.offset == 20);  // leader has more: nothing to cut
  CHECK(d.complete);
}

TEST_CASE("leader answers an older epoch we never saw: cut and ask again (KIP-279)",
          "[replication][truncation]") {
  // Local epochs 0@0, 2@10 (LEO 20); the leader only had 0 and 1 and answers epoch 1.
  auto d = DecideTruncation(1, 15, 20, 0, Local({{0, 0}, {2, 10}}, 20));
  CHECK(d.offset == 10);
  CHECK_FALSE(d.complete);
  // Next round asks for epoch 0; the leader says it ended at 12; we hold 10.
  d = DecideTruncation(0, 12, 10, 0, Local({{0, 0}}, 10));
  CHECK(d.offset == 10);
  CHECK(d.complete);
}

TEST_CASE("leader's epoch below all of ours, or unknown", "[replication][truncation]") {
  // Requested epoch below every local entry: endOffsetFor says it ends at our first start.
  auto d = DecideTruncation(0, 7, 20, 5, Local({{2, 5}}, 20));
  CHECK(d.offset == 5);
  CHECK(d.complete);
  d = DecideTruncation(-1, -1, 20, 5, Local({{2, 5}}, 20));
  CHECK(d.offset == 5);  // never the local HW: refetch everything
  CHECK(d.complete);
}
