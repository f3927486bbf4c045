#!/usr/bin/env bash
# Kafka's bin/kafka-verifiable-consumer.sh: same options; runs our native binary.
source "$(dirname "$0")/lib/common.sh"
bin=$(kafka_cpp_bin tools/verifiable_consumer/kafka-verifiable-consumer) || exit 1
exec "$bin" "$@"
