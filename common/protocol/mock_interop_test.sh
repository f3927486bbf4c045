#!/usr/bin/env bash
# Runs test_mock_interop.py (librdkafka's mock broker vs our codec) under Bazel.
set -euo pipefail
export MOCK_PROBE="$PWD/common/protocol/mock_probe"
exec /usr/bin/python3 -m pytest -q -s -p no:cacheprovider common/protocol/test_mock_interop.py
