#!/usr/bin/env bash
# Kafka's bin/kafka-broker-api-versions.sh: same options; runs our native binary.
source "$(dirname "$0")/lib/common.sh"
bin=$(kafka_cpp_bin tools/broker_api_versions/kafka-broker-api-versions) || exit 1
exec "$bin" "$@"
