#include "daemon/zookeeper/expiry_queue.h"

#include <catch2/catch.hpp>

using zkserver::ExpiryQueue;

TEST_CASE("expiry queue rounds up to tick buckets and never expires early",
          "[zkserver][expiry]") {
  ExpiryQueue<int64_t> q(2000);
  q.Touch(1, 100, 4000);  // 4100 -> bucket 6000
  q.Touch(2, 1900, 4000);  // 5900 -> bucket 6000
  q.Touch(3, 2100, 4000);  // 6100 -> bucket 8000
  CHECK(q.NextExpiry() == 6000);
  CHECK(q.Poll(5999).empty());
  auto out = q.Poll(6000);
  CHECK(out.size() == 2);
  CHECK_FALSE(q.Contains(1));
  CHECK(q.Contains(3));
  q.Touch(3, 7000, 4000);  // moved to 12000
  CHECK(q.Poll(8000).empty());
  CHECK(q.Poll(12000) == std::vector<int64_t>{3});
  CHECK(q.size() == 0);
  q.Touch(4, 0, 10);
  q.Remove(4);
  CHECK(q.NextExpiry() == -1);
}
