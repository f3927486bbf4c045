// libFuzzer entry point: a records blob as found in Produce requests and Fetch
// responses. Properties: parsing never crashes or over-allocates; a batch that
// decodes can be rebuilt from its records and decodes to the same records.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/protocol/record_batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kafka::protocol;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  BatchDecodeOptions opts;
  opts.max_decompressed_bytes = 1 << 20;
  auto batches = SplitBatches(in);
  if (!batches.ok()) return 0;
  for (std::string_view b : *batches) {
    (void)VerifyBatch(b);
    opts.verify_crc = false;
    auto decoded = DecodeBatch(b, opts);
    if (!decoded.ok()) continue;
    BatchBuildOptions build;
    build.assign_offset_deltas = false;
    build.base_timestamp = decoded->header.base_timestamp;
    auto rebuilt = BuildBatch(build, decoded->records);
    if (!rebuilt.ok()) std::abort();
    auto again = DecodeBatch(*rebuilt);
    if (!again.ok() || again->records != decoded->records) std::abort();
  }
  return 0;
}
