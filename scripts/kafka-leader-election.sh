#!/usr/bin/env bash
# Kafka's bin/kafka-leader-election.sh: same options; runs our native binary.
source "$(dirname "$0")/lib/common.sh"
bin=$(kafka_cpp_bin tools/leader_election/kafka-leader-election) || exit 1
exec "$bin" "$@"
