#!/usr/bin/env bash
# schema_dump must print valid JSON listing every message.
set -euo pipefail
common/protocol/schema_dump | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d) >= 40, len(d)
assert all(m["fields"] is not None for m in d)
print("%d messages" % len(d))'
