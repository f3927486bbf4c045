#include "common/util/logging.h"

#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>
#include <mutex>

namespace util::logging {
namespace {

constexpr const char* kPattern = "%Y-%m-%d %H:%M:%S.%e %l [%n] %v";

std::mutex& Mu() {
  static std::mutex mu;
  return mu;
}

spdlog::sink_ptr Sink() {
  static spdlog::sink_ptr sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return sink;
}

spdlog::level::level_enum base_level = spdlog::level::info;

}  // namespace

void Init(const std::string& default_level) {
  std::lock_guard<std::mutex> lock(Mu());
  base_level = spdlog::level::from_str(default_level);
  auto def = std::make_shared<spdlog::logger>("main", Sink());
  def->set_pattern(kPattern);
  spdlog::set_default_logger(def);
  spdlog::set_level(base_level);
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(base_level); });
  // SPDLOG_LEVEL overrides, including per-logger levels for loggers created later.
  spdlog::cfg::load_env_levels();
}

std::shared_ptr<spdlog::logger> Get(const std::string& module) {
  std::lock_guard<std::mutex> lock(Mu());
  if (auto existing = spdlog::get(module)) return existing;
  auto logger = std::make_shared<spdlog::logger>(module, Sink());
  // initialize_logger registers the logger and applies the global level and any
  // per-module level from SPDLOG_LEVEL; it also resets the pattern, so set it after.
  spdlog::initialize_logger(logger);
  logger->set_pattern(kPattern);
  return logger;
}

}  // namespace util::logging
