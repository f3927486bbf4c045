// Logging setup: spdlog to stderr, one named logger per module.
//
// Stdout belongs to tool output (records, listings); every log line goes to stderr
// with the pattern "%Y-%m-%d %H:%M:%S.%e %l [%n] %v". Levels come from the
// SPDLOG_LEVEL environment variable ("info", "info,net=trace").
// Module names in use: net, protocol, storage, broker, zk, zkserver, client, tool.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace util::logging {

// Configures the default logger and the level from SPDLOG_LEVEL. Idempotent.
// `default_level` applies when SPDLOG_LEVEL is unset (tools pass "warn").
void Init(const std::string& default_level = "info");

// The logger for `module`, created on first use with the shared stderr sink.
// Safe to call before Init() (tests): it then uses the defaults.
std::shared_ptr<spdlog::logger> Get(const std::string& module);

}  // namespace util::logging
