#!/usr/bin/env bash
# Installs everything a fresh Debian 12 machine (as root) needs to build this project
# and run its tests. Idempotent: installs only what is missing, so a second run is fast.
#   build:      Bazel 4.2.3 (bazel-bootstrap) and the system libraries in third_party/
#   test peers: kcat, python3-kafka, python3-confluent-kafka, python3-kazoo, Apache
#               ZooKeeper 3.8 + C client, pytest; kafkajs and @platformatic/kafka from npm
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # build
  bazel-bootstrap bazel-rules-java bazel-platforms g++
  libboost-dev libboost-program-options-dev libspdlog-dev libfmt-dev catch2
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev nlohmann-json3-dev
  # test peers and test runners
  kcat python3-kafka python3-confluent-kafka python3-kazoo
  zookeeper libzookeeper-mt-dev openjdk-17-jre-headless
  python3-pytest python3-pytest-timeout python3-snappy python3-lz4 python3-zstandard
  nodejs npm procps
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  # nodejs/npm may come from outside Debian's archive (the image ships its own node).
  if [[ $p == nodejs || $p == npm ]] && command -v "${p/nodejs/node}" >/dev/null 2>&1; then
    continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) != 0 ]]; then
    echo "deps: missing packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "deps: apt packages present"
fi

# Node test peers, pinned in tests/node/package.json, installed into an ignored folder.
if [[ ! -d tests/node/node_modules/kafkajs || ! -d tests/node/node_modules/@platformatic/kafka ]]; then
  echo "deps: installing node test peers (kafkajs, @platformatic/kafka)"
  (cd tests/node && npm install --no-audit --no-fund --loglevel=error >/dev/null)
else
  echo "deps: node test peers present"
fi
