// GroupStore: how the group coordinator persists to and reloads from the
// __consumer_offsets partitions. The broker implements it on top of its
// partition logs; InMemoryGroupStore is the implementation for tests.
//
// Contract (all calls and callbacks on the coordinator's io_context thread):
//  * Append(partition, records, done): append the (key, value) records to that
//    __consumer_offsets partition as one batch (null value = tombstone) and call
//    done(error) once the append is durable as the broker defines it (Kafka:
//    acks=-1 to the ISR). error is a Kafka error code from the produce path
//    (NONE, NOT_LEADER_OR_FOLLOWER, ...); the coordinator maps it the way
//    Kafka's GroupMetadataManager does. done may run inline or later, but must
//    run exactly once.
//  * Load(partition, done): read the partition from its log start to its high
//    watermark and call done(error, records) with every record in offset order.
//    The coordinator replays them (later records win, tombstones delete).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace kafka::group {

struct StoreRecord {
  std::string key;
  std::optional<std::string> value;  // nullopt = tombstone
};

struct LoadedRecord {
  std::string key;
  std::optional<std::string> value;
  int64_t offset = 0;
};

class GroupStore {
 public:
  using AppendCallback = std::function<void(int16_t error)>;
  using LoadCallback = std::function<void(int16_t error, std::vector<LoadedRecord> records)>;

  virtual ~GroupStore() = default;
  virtual void Append(int32_t partition, std::vector<StoreRecord> records,
                      AppendCallback done) = 0;
  virtual void Load(int32_t partition, LoadCallback done) = 0;
};

// Keeps every partition as a vector in memory. Append completes asynchronously
// (posted to the io_context) so tests see the same ordering as a real log.
// Knobs for tests: fail appends with a chosen error, or hold them until
// ReleaseHeld().
class InMemoryGroupStore : public GroupStore {
 public:
  explicit InMemoryGroupStore(boost::asio::io_context& io) : io_(io) {}

  void Append(int32_t partition, std::vector<StoreRecord> records, AppendCallback done) override;
  void Load(int32_t partition, LoadCallback done) override;

  // Records of a partition as appended (offsets 0..n-1).
  const std::vector<LoadedRecord>& Records(int32_t partition) { return logs_[partition]; }
  // Every partition that has records.
  std::vector<int32_t> Partitions() const;

  void set_append_error(int16_t error) { append_error_ = error; }
  void set_hold_appends(bool hold) { hold_ = hold; }
  // Completes held appends (in order).
  void ReleaseHeld();
  size_t held() const { return held_.size(); }

 private:
  struct Held {
    int32_t partition;
    std::vector<StoreRecord> records;
    AppendCallback done;
  };
  void Complete(Held h);

  boost::asio::io_context& io_;
  std::map<int32_t, std::vector<LoadedRecord>> logs_;
  int16_t append_error_ = 0;
  bool hold_ = false;
  std::vector<Held> held_;
};

}  // namespace kafka::group
