// libFuzzer entry (clang++ -fsanitize=fuzzer,address,undefined; see README.md).
#include <cstdlib>
#include <string>

#include "common/log/fuzz/log_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string scratch = [] {
    const char* dir = std::getenv("FUZZ_SCRATCH");
    return std::string(dir ? dir : "/tmp/log-fuzz");
  }();
  kafka::log::fuzz::SegmentRecovery(data, size, scratch);
  return 0;
}
