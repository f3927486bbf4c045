#include "common/cli/options.h"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using cli::ClosestMatch;
using cli::Options;
using cli::ParseError;
namespace po = boost::program_options;

namespace {

// A kafka-topics-like option set.
std::unique_ptr<Options> TopicsOptions() {
  auto opts = std::make_unique<Options>(
      "kafka-topics.sh", "This tool helps to create, delete, describe, or change a topic.");
  opts->Add()("bootstrap-server", po::value<std::string>()->value_name("server to connect to"),
              "REQUIRED: The Kafka server to connect to.")(
      "topic", po::value<std::string>()->value_name("topic"),
      "The topic to create, alter, describe or delete.")(
      "partitions", po::value<int>()->value_name("# of partitions"),
      "The number of partitions for the topic being created or altered.")(
      "replication-factor", po::value<int>()->value_name("replication factor"),
      "The replication factor for each partition in the topic being created.")(
      "replica-assignment", po::value<std::string>(),
      "A list of manual partition-to-broker assignments.")(
      "config", po::value<std::vector<std::string>>(), "A topic configuration override.")(
      "timeout-ms", po::value<int64_t>()->default_value(30000), "How long to wait.")(
      "create", "Create a new topic.")("delete", "Delete a topic.")(
      "list", "List all available topics.")("describe", "List details for the given topics.")(
      "help", "Print usage information.");
  return opts;
}

std::optional<ParseError> Parse(Options& opts, std::initializer_list<const char*> args) {
  std::vector<const char*> argv = {"kafka-topics.sh"};
  argv.insert(argv.end(), args.begin(), args.end());
  return opts.Parse(static_cast<int>(argv.size()), argv.data());
}

std::string ErrorOf(std::initializer_list<const char*> args) {
  auto opts = TopicsOptions();
  std::optional<ParseError> err = Parse(*opts, args);
  REQUIRE(err.has_value());
  return err->message;
}

std::string Usage(const Options& opts) {
  std::ostringstream out;
  opts.PrintUsage(out);
  return out.str();
}

}  // namespace

TEST_CASE("ClosestMatch suggests near misses", "[cli]") {
  auto opts = TopicsOptions();
  std::vector<std::string> names = opts->Names();
  CHECK(ClosestMatch("patitions", names) == "partitions");   // deletion
  CHECK(ClosestMatch("partitons", names) == "partitions");   // deletion
  CHECK(ClosestMatch("partitoins", names) == "partitions");  // transposition
  CHECK(ClosestMatch("replication-factr", names) == "replication-factor");
  CHECK(ClosestMatch("bootstrap-servers", names) == "bootstrap-server");  // plural
  CHECK(ClosestMatch("bootstrap.server", names) == "bootstrap-server");
  CHECK(ClosestMatch("tpoic", names) == "topic");
  CHECK(ClosestMatch("--patitions", names) == "partitions");  // dashes ignored
  CHECK(ClosestMatch("Topic", names) == "topic");
}

TEST_CASE("ClosestMatch suggests nothing when no name is close", "[cli]") {
  auto opts = TopicsOptions();
  std::vector<std::string> names = opts->Names();
  CHECK_FALSE(ClosestMatch("zookeeper", names).has_value());
  CHECK_FALSE(ClosestMatch("xyz", names).has_value());
  CHECK_FALSE(ClosestMatch("completely-unrelated-flag", names).has_value());
  CHECK_FALSE(ClosestMatch("ab", {"cd"}).has_value());
  CHECK_FALSE(ClosestMatch("", names).has_value());
  CHECK_FALSE(ClosestMatch("anything", {}).has_value());
}

TEST_CASE("ClosestMatch breaks ties by shared prefix", "[cli]") {
  // One edit from both, same shared prefix: the alphabetically first wins.
  CHECK(ClosestMatch("topicx", {"topico", "topics"}) == "topico");
  CHECK(ClosestMatch("lis", {"list", "lisp"}) == "lisp");  // equal on all counts: alphabetical
  CHECK(ClosestMatch("descrbe", {"describe", "subscribe"}) == "describe");
  CHECK(ClosestMatch("creat", {"create", "treat"}) == "create");  // "creat" is a prefix of it
}

TEST_CASE("an unknown option names itself and suggests the closest", "[cli]") {
  CHECK(ErrorOf({"--patitions", "3"}) ==
        "unrecognized option '--patitions'. Did you mean '--partitions'?");
  CHECK(ErrorOf({"--partitons=3"}) ==
        "unrecognized option '--partitons'. Did you mean '--partitions'?");
  CHECK(ErrorOf({"--replication-factr", "1"}) ==
        "unrecognized option '--replication-factr'. Did you mean '--replication-factor'?");
  CHECK(ErrorOf({"--bootstrap-servers", "localhost:9092"}) ==
        "unrecognized option '--bootstrap-servers'. Did you mean '--bootstrap-server'?");
  CHECK(ErrorOf({"--topic", "t", "--zookeeper", "localhost:2181"}) ==
        "unrecognized option '--zookeeper'");
}

TEST_CASE("single-dash long options are rejected with the two-dash spelling", "[cli]") {
  CHECK(ErrorOf({"-topic", "x"}) == "unrecognized option '-topic'. Did you mean '--topic'?");
  CHECK(ErrorOf({"-x"}) == "unrecognized option '-x'");
}

TEST_CASE("stray arguments are reported", "[cli]") {
  CHECK(ErrorOf({"--create", "extra"}) == "unexpected argument 'extra'");
  CHECK(ErrorOf({"--topic", "a", "b"}) == "unexpected argument 'b'");
}

TEST_CASE("a missing value is reported", "[cli]") {
  CHECK(ErrorOf({"--topic"}) == "option '--topic' requires an argument");
  CHECK(ErrorOf({"--topic="}) == "option '--topic' requires an argument");
  CHECK(ErrorOf({"--create", "--partitions"}) == "option '--partitions' requires an argument");
}

TEST_CASE("an invalid value is reported", "[cli]") {
  CHECK(ErrorOf({"--partitions", "abc"}) ==
        "the argument ('abc') for option '--partitions' is invalid");
  CHECK(ErrorOf({"--partitions=1.5"}) ==
        "the argument ('1.5') for option '--partitions' is invalid");
}

TEST_CASE("a value given to a flag is reported", "[cli]") {
  CHECK(ErrorOf({"--create=yes"}) == "option '--create' does not take an argument");
}

TEST_CASE("repeating a single-valued option is reported", "[cli]") {
  CHECK(ErrorOf({"--topic", "a", "--topic", "b"}) ==
        "option '--topic' cannot be specified more than once");
}

TEST_CASE("an ambiguous prefix lists the candidates", "[cli]") {
  std::string err = ErrorOf({"--repl", "1"});
  CHECK(err.find("option '--repl' is ambiguous") == 0);
  CHECK(err.find("'--replication-factor'") != std::string::npos);
  CHECK(err.find("'--replica-assignment'") != std::string::npos);
  CHECK(err.find(" or ") != std::string::npos);
}

TEST_CASE("an option too long for its column puts the description below it", "[cli]") {
  Options opts("tool", "summary");
  opts.Add()("an-option-name-far-too-long-for-the-option-column", po::value<std::string>(),
             "Its description.");
  std::string usage = Usage(opts);
  CHECK(usage.find("--an-option-name-far-too-long-for-the-option-column\n"
                   "  <String>\n"
                   "                                         Its description.\n") !=
        std::string::npos);
}

TEST_CASE("unambiguous prefixes are accepted, as joptsimple does", "[cli]") {
  auto opts = TopicsOptions();
  REQUIRE_FALSE(Parse(*opts, {"--bootstrap", "h:1", "--part", "3"}).has_value());
  CHECK(opts->Get<std::string>("bootstrap-server") == "h:1");
  CHECK(opts->Get<int>("partitions") == 3);
}

TEST_CASE("a required option that is missing is reported", "[cli]") {
  Options opts("tool", "summary");
  opts.Add()("topic", po::value<std::string>()->required(), "topic");
  std::vector<const char*> argv = {"tool"};
  std::optional<ParseError> err = opts.Parse(1, argv.data());
  REQUIRE(err.has_value());
  CHECK(err->message == "the option '--topic' is required but missing");
}

TEST_CASE("Has and Get read parsed values in both --name value and --name=value forms", "[cli]") {
  auto opts = TopicsOptions();
  std::optional<ParseError> err =
      Parse(*opts, {"--create", "--topic", "orders", "--partitions=3", "--replication-factor", "1",
                    "--config", "a=1", "--config=b=2", "--bootstrap-server", "localhost:9092"});
  INFO((err ? err->message : ""));
  REQUIRE_FALSE(err.has_value());
  CHECK(opts->Has("create"));
  CHECK_FALSE(opts->Has("delete"));
  CHECK_FALSE(opts->Has("replica-assignment"));
  CHECK(opts->Get<std::string>("topic") == "orders");
  CHECK(opts->Get<int>("partitions") == 3);
  CHECK(opts->Get<int>("replication-factor") == 1);
  CHECK(opts->Get<std::vector<std::string>>("config") == std::vector<std::string>{"a=1", "b=2"});
  CHECK(opts->Get<std::string>("bootstrap-server") == "localhost:9092");
  CHECK(opts->Has("timeout-ms"));  // defaults are present
  CHECK(opts->Get<int64_t>("timeout-ms") == 30000);
}

TEST_CASE("negative numbers are values, not options", "[cli]") {
  auto opts = TopicsOptions();
  REQUIRE_FALSE(Parse(*opts, {"--partitions", "-1"}).has_value());
  CHECK(opts->Get<int>("partitions") == -1);
}

TEST_CASE("positional arguments fill declared names in order", "[cli]") {
  Options opts("zookeeper-shell.sh", "USAGE: zookeeper-shell.sh -server host:port [cmd args]");
  opts.Add()("server", po::value<std::string>(), "host:port");
  opts.Positional("command", 1);
  opts.Positional("args", -1);
  std::vector<const char*> argv = {"zookeeper-shell.sh", "--server", "127.0.0.1:2181", "get", "-s",
                                   "/brokers/ids/0"};
  std::optional<ParseError> err = opts.Parse(static_cast<int>(argv.size()), argv.data());
  INFO((err ? err->message : ""));
  REQUIRE_FALSE(err.has_value());
  CHECK(opts.Get<std::string>("server") == "127.0.0.1:2181");
  CHECK(opts.Get<std::string>("command") == "get");
  CHECK(opts.Get<std::vector<std::string>>("args") ==
        std::vector<std::string>{"-s", "/brokers/ids/0"});
  // Positional names are not options in the usage table.
  std::string usage = Usage(opts);
  CHECK(usage.find("--command") == std::string::npos);
  CHECK(usage.find("--server <String>") != std::string::npos);
}

TEST_CASE("positionals registered with Add keep their type; extras are rejected", "[cli]") {
  Options opts("tool", "summary");
  opts.Add()("file", po::value<std::string>(), "input file");
  opts.Positional("file", 1);
  std::vector<const char*> ok = {"tool", "in.txt"};
  REQUIRE_FALSE(opts.Parse(2, ok.data()).has_value());
  CHECK(opts.Get<std::string>("file") == "in.txt");
  std::vector<const char*> extra = {"tool", "in.txt", "more.txt"};
  std::optional<ParseError> err = opts.Parse(3, extra.data());
  REQUIRE(err.has_value());
  CHECK(err->message == "unexpected argument 'more.txt'");
}

TEST_CASE("a failed parse does not leave stale values behind", "[cli]") {
  auto opts = TopicsOptions();
  REQUIRE_FALSE(Parse(*opts, {"--topic", "a"}).has_value());
  CHECK(opts->Has("topic"));
  REQUIRE_FALSE(Parse(*opts, {"--list"}).has_value());
  CHECK_FALSE(opts->Has("topic"));
  CHECK(opts->Has("list"));
}

TEST_CASE("usage is the summary then a sorted Kafka-style option table", "[cli]") {
  auto opts = TopicsOptions();
  std::string usage = Usage(*opts);
  CHECK(usage.rfind("This tool helps to create, delete, describe, or change a topic.\n"
                    "Option                                   Description\n"
                    "------                                   -----------\n",
                    0) == 0);
  for (const std::string& name : opts->Names()) {
    INFO(name);
    CHECK(usage.find("\n--" + name) != std::string::npos);
  }
  CHECK(usage.find(
            "--partitions <Integer: # of partitions>  The number of partitions for the topic\n") !=
        std::string::npos);
  CHECK(
      usage.find("--bootstrap-server <String: server to    REQUIRED: The Kafka server to connect\n"
                 "  connect to>                              to.\n") != std::string::npos);
  CHECK(usage.find("--replica-assignment <String>") != std::string::npos);
  CHECK(usage.find("--timeout-ms <Long>") != std::string::npos);
  CHECK(usage.find("How long to wait. (default: 30000)") != std::string::npos);
  CHECK(usage.find("--create                                 Create a new topic.\n") !=
        std::string::npos);
  // Alphabetical, as joptsimple prints them.
  CHECK(usage.find("--bootstrap-server") < usage.find("--config"));
  CHECK(usage.find("--config") < usage.find("--create"));
  CHECK(usage.find("\n--timeout-ms") < usage.find("\n--topic "));
  // No line runs past 80 columns and none has trailing blanks.
  std::istringstream lines(usage);
  std::string line;
  while (std::getline(lines, line)) {
    INFO(line);
    CHECK(line.size() <= 80);
    CHECK((line.empty() || line.back() != ' '));
  }
}

TEST_CASE("Fail prints Error: and the usage to stderr and returns 1", "[cli]") {
  auto opts = TopicsOptions();
  std::ostringstream captured;
  std::streambuf* old = std::cerr.rdbuf(captured.rdbuf());
  int code = opts->Fail("unrecognized option '--patitions'. Did you mean '--partitions'?");
  std::cerr.rdbuf(old);
  CHECK(code == 1);
  std::string text = captured.str();
  CHECK(text.rfind("Error: unrecognized option '--patitions'. Did you mean '--partitions'?\n", 0) ==
        0);
  CHECK(text.find("Option                                   Description") != std::string::npos);
  CHECK(text.find("--partitions") != std::string::npos);
}

TEST_CASE("ParseOrExit handles parse errors, --help and --version for every tool", "[cli]") {
  auto run = [](std::initializer_list<const char*> args, std::string* out, std::string* err) {
    auto opts = TopicsOptions();
    opts->Add()("version", "Display Kafka version.");
    std::vector<const char*> argv = {"kafka-topics.sh"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::ostringstream o, e;
    std::streambuf* old_out = std::cout.rdbuf(o.rdbuf());
    std::streambuf* old_err = std::cerr.rdbuf(e.rdbuf());
    auto code = opts->ParseOrExit(static_cast<int>(argv.size()), argv.data());
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    *out = o.str();
    *err = e.str();
    return code;
  };
  std::string out, err;
  CHECK(run({"--list"}, &out, &err) == std::nullopt);
  CHECK(out.empty());

  CHECK(run({"--patitions", "3"}, &out, &err) == std::optional<int>(1));
  CHECK(err.find("Did you mean '--partitions'?") != std::string::npos);

  CHECK(run({"--help"}, &out, &err) == std::optional<int>(0));
  CHECK(out.find("Option                                   Description") != std::string::npos);

  CHECK(run({"--version"}, &out, &err) == std::optional<int>(0));
  CHECK(out == std::string(cli::kVersion) + "\n");
}
