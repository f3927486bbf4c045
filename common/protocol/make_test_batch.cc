// Writes one record batch v2 to stdout, for interop tests against other
// implementations (test_batch_interop.py decodes it with kafka-python).
// Usage: make_test_batch <none|gzip|snappy|lz4|zstd>
// The batch holds three records: ("k0","hello"), (null, 300 x 'x', headers
// h1="v1", h2=null, +5 ms), ("k2", null, +2 ms); base timestamp 1700000000000.
#include <cstdio>
#include <string>
#include <vector>

#include "common/protocol/record_batch.h"

int main(int argc, char** argv) {
  using namespace kafka::protocol;
  Compression c = Compression::kNone;
  if (argc != 2 || !ParseCompression(argv[1], &c)) {
    std::fprintf(stderr, "usage: make_test_batch <none|gzip|snappy|lz4|zstd>\n");
    return 2;
  }
  std::vector<Record> recs(3);
  recs[0].key = "k0";
  recs[0].value = "hello";
  recs[1].timestamp_delta = 5;
  recs[1].value = std::string(300, 'x');
  recs[1].headers = {{"h1", std::string("v1")}, {"h2", std::nullopt}};
  recs[2].timestamp_delta = 2;
  recs[2].key = "k2";
  BatchBuildOptions opts;
  opts.compression = c;
  opts.base_timestamp = 1700000000000;
  auto batch = BuildBatch(opts, recs);
  if (!batch.ok()) {
    std::fprintf(stderr, "%s\n", batch.status().ToString().c_str());
    return 1;
  }
  std::fwrite(batch->data(), 1, batch->size(), stdout);
  return 0;
}
