#include "common/protocol/error_code.h"

namespace kafka::protocol {
namespace {

struct ErrorInfo {
  int16_t code;
  std::string_view name;
  bool retriable;
  std::string_view description;
};

constexpr ErrorInfo kErrors[] = {
#define KAFKA_ERROR_ROW(e, c, n, r, d) {c, n, r, d},
    KAFKA_ERROR_CODES(KAFKA_ERROR_ROW)
#undef KAFKA_ERROR_ROW
};

const ErrorInfo* Find(int16_t code) {
  // Codes are dense from -1; index directly when possible.
  int idx = code + 1;
  constexpr int kCount = static_cast<int>(sizeof(kErrors) / sizeof(kErrors[0]));
  if (idx >= 0 && idx < kCount && kErrors[idx].code == code) return &kErrors[idx];
  for (const auto& e : kErrors) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

}  // namespace

std::string_view ErrorName(int16_t code) {
  const ErrorInfo* e = Find(code);
  return e ? e->name : "UNKNOWN";
}

bool IsRetriable(int16_t code) {
  const ErrorInfo* e = Find(code);
  return e && e->retriable;
}

std::string_view ErrorDescription(int16_t code) {
  const ErrorInfo* e = Find(code);
  return e ? e->description : "unknown error code";
}

bool ErrorCodeFromName(std::string_view name, int16_t* code) {
  for (const auto& e : kErrors) {
    if (e.name == name) {
      *code = e.code;
      return true;
    }
  }
  return false;
}

}  // namespace kafka::protocol
