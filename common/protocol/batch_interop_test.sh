#!/usr/bin/env bash
# Runs test_batch_interop.py (kafka-python decodes our batches) under Bazel.
set -euo pipefail
export MAKE_TEST_BATCH="$PWD/common/protocol/make_test_batch"
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider common/protocol/test_batch_interop.py
