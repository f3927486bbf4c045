// kafka-dump-log: Kafka's kafka-dump-log.sh (DumpLogSegments) for our .log,
// .index and .timeindex files, with Kafka's options and output (see
// dump_format.h). Used to compare replicas byte for byte after a chaos run.
// common/log's dump-log is the broker team's debugging dump (CRC-only mode,
// different line shape); this one is the user-facing Kafka tool.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "common/cli/options.h"
#include "common/log/file.h"
#include "tools/dump_log/dump_format.h"

namespace {

namespace po = cli::po;

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(start, comma - start);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  cli::Options opts("kafka-dump-log.sh",
                    "This tool helps to parse a log file and dump its contents to the console, "
                    "useful for debugging a seemingly corrupt log segment.");
  opts.Add()
      ("deep-iteration", "if set, uses deep instead of shallow iteration. Automatically set if "
       "print-data-log is enabled.")
      ("files", po::value<std::string>()->value_name("file1, file2, ..."),
       "REQUIRED: The comma separated list of data and index log files to be dumped.")
      ("help", "Print usage information.")
      ("max-bytes", po::value<int>()->value_name("size"),
       "Limit the amount of total batches read in bytes avoiding reading the whole .log file(s). "
       "(default: 2147483647)")
      ("print-data-log", "if set, printing the messages content when dumping data logs. "
       "Automatically set if any decoder option is specified.")
      ("skip-record-metadata", "whether to skip printing metadata for each record.")
      ("verify-index-only", "if set, just verify the index log without printing its content.")
      ("version", "Display Kafka version.");
  if (auto exit_code = opts.ParseOrExit(argc, argv)) return *exit_code;
  if (!opts.Has("files")) return opts.Fail("Missing required argument \"[files]\"");

  kafka::tools::DumpOptions d;
  d.print_data = opts.Has("print-data-log");
  d.deep_iteration = opts.Has("deep-iteration");
  d.skip_record_metadata = opts.Has("skip-record-metadata");
  if (opts.Has("max-bytes")) {
    if (opts.Get<int>("max-bytes") < 0) return opts.Fail("--max-bytes must not be negative");
    d.max_bytes = static_cast<uint64_t>(opts.Get<int>("max-bytes"));
  }
  int rc = 0;
  for (const std::string& path : SplitComma(opts.Get<std::string>("files"))) {
    std::printf("Dumping %s\n", path.c_str());
    std::fflush(stdout);
    auto f = kafka::log::File::OpenReadOnly(path);
    if (!f.ok()) {
      std::fprintf(stderr, "Error: %s\n", f.status().message().c_str());
      rc = 1;
      continue;
    }
    auto size = f->Size();
    if (!size.ok()) {
      std::fprintf(stderr, "Error: %s\n", size.status().message().c_str());
      rc = 1;
      continue;
    }
    std::string out;
    if (EndsWith(path, ".log")) {
      std::vector<std::pair<int64_t, int64_t>> gaps;
      auto read = [&](uint64_t off, size_t n, std::string* buf) {
        return f->ReadAt(off, n, buf).ok();
      };
      if (!kafka::tools::DumpLogSegment(path, *size, read, d, &out, &gaps)) {
        std::fprintf(stderr, "Error: could not read %s\n", path.c_str());
        rc = 1;
      }
      std::fwrite(out.data(), 1, out.size(), stdout);
      if (!gaps.empty()) {
        std::fprintf(stderr, "Non-consecutive offsets in %s\n", path.c_str());
        for (const auto& [a, b] : gaps) {
          std::fprintf(stderr, "  %lld is followed by %lld\n", static_cast<long long>(a),
                       static_cast<long long>(b));
        }
      }
    } else if (EndsWith(path, ".index") || EndsWith(path, ".timeindex")) {
      const bool time = EndsWith(path, ".timeindex");
      std::string data;
      if (!f->ReadAt(0, *size, &data).ok()) {
        std::fprintf(stderr, "Error: could not read %s\n", path.c_str());
        rc = 1;
        continue;
      }
      if (data.size() < (time ? 12u : 8u)) {
        std::printf("%s is empty.\n", path.c_str());
        continue;
      }
      if (opts.Has("verify-index-only")) continue;
      if (time) {
        kafka::tools::DumpTimeIndex(path, data, &out);
      } else {
        kafka::tools::DumpOffsetIndex(path, data, &out);
      }
      std::fwrite(out.data(), 1, out.size(), stdout);
    } else {
      std::fprintf(stderr, "Ignoring unknown file %s\n", path.c_str());
    }
    std::fflush(stdout);
  }
  return rc;
}
