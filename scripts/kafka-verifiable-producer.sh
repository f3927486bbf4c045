#!/usr/bin/env bash
# Kafka's bin/kafka-verifiable-producer.sh: same options; runs our native binary.
source "$(dirname "$0")/lib/common.sh"
bin=$(kafka_cpp_bin tools/verifiable_producer/kafka-verifiable-producer) || exit 1
exec "$bin" "$@"
