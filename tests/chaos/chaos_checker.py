"""The offline invariant checker of RELIABILITY.md §7.4 (I1-I9), pure Python.

Input is a `History` (chaos_history.py): producer outcomes, consumer polls, the final
drain and, optionally, each replica's batches. Output is a dict of counts plus a few
examples per invariant, so a failing test names the first offending records.

Values are self-describing: `<producer>.<seq>[.<crc8>[.<padding>]]` from our Python
producer, or Kafka's verifiable-producer shapes `<seq>` / `<prefix>.<seq>`; the
producer id and the sequence number give the per-producer order (I4), the optional
CRC-32 of `<producer>.<seq>` catches bit corruption separately from loss.
"""
import collections
import re
import zlib

# Errors after which the record was certainly not appended (no retry could have
# written it earlier: the producer marks the outcome "definite" itself, or the name
# says so and it ran without retries). Timeouts, disconnects and
# NOT_ENOUGH_REPLICAS_AFTER_APPEND are indeterminate.
DEFINITE_ERRORS = {"NOT_ENOUGH_REPLICAS", "CORRUPT_MESSAGE", "MESSAGE_TOO_LARGE",
                   "RECORD_LIST_TOO_LARGE", "INVALID_RECORD", "UNKNOWN_TOPIC_OR_PART",
                   "NotEnoughReplicasException", "CorruptRecordException",
                   "RecordTooLargeException", "InvalidRecordException"}

_VALUE = re.compile(r"^(?:(?P<pid>[\w-]+?)\.)?(?P<seq>\d+)(?:\.(?P<crc>[0-9a-f]{8}))?"
                    r"(?:\.x*)?$")


def make_value(pid, seq, size=100):
    """A self-describing value of `size` bytes: pid.seq.crc32(pid.seq).xxx..."""
    head = f"{pid}.{seq}"
    v = f"{head}.{zlib.crc32(head.encode()):08x}."
    return (v + "x" * max(0, size - len(v))).encode()


def parse_value(value):
    """(producer, seq, crc_ok) or None when the value is not in a known shape."""
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    if value is None:
        return None
    m = _VALUE.match(value)
    if not m:
        return None
    pid, seq, crc = m.group("pid") or "", int(m.group("seq")), m.group("crc")
    ok = True
    if crc is not None:
        ok = f"{zlib.crc32(f'{pid}.{seq}'.encode()):08x}" == crc
    return pid, seq, ok


def _norm(v):
    return v.decode(errors="replace") if isinstance(v, bytes) else v


def is_definite(err):
    if err.get("definite") is not None:
        return bool(err["definite"])
    name = str(err.get("error") or err.get("exception") or "")
    short = name.rsplit(".", 1)[-1]
    return short in DEFINITE_ERRORS and not err.get("retries")


def check(history, examples=5):
    """Counts per invariant, plus `examples` of each; `ok` is True when every safety
    count (all but duplicates I6) is zero."""
    res = collections.OrderedDict()
    ex = collections.defaultdict(list)

    def note(key, item):
        res[key] = res.get(key, 0) + 1
        if len(ex[key]) < examples:
            ex[key].append(item)

    for k in ("I1_lost", "I1_lost_on_disk", "I2_inconsistent_offsets", "I3_offset_mismatch",
              "I4_reorder", "I4_client_retry_reorder", "I5_nonmonotonic_poll", "I5_poll_skip", "I6_duplicates",
              "I7_failed_but_present", "I8_read_then_lost", "I9_divergent_replicas",
              "corrupt_values"):
        res[k] = 0

    # Final drain: value -> [(partition, offset)], (partition, offset) -> value.
    drain_pos = collections.defaultdict(list)
    drain_at = {}
    for p, recs in history.drain.items():
        for off, v in recs:
            v = _norm(v)
            drain_pos[v].append((p, off))
            drain_at[(p, off)] = v

    # I2: one (partition, offset) with two values in acks, polls, drain or dumps.
    seen_at = collections.defaultdict(set)
    for (p, off), v in drain_at.items():
        seen_at[(p, off)].add(v)
    for s in history.acked():
        seen_at[(s["partition"], s["offset"])].add(_norm(s["value"]))
    for c in history.polls.values():
        for e in c:
            if e.get("name") == "record_data":
                seen_at[(e["partition"], e["offset"])].add(_norm(e["value"]))
    for broker, parts in (history.replica_values or {}).items():
        for p, recs in parts.items():
            for off, v in recs:
                seen_at[(p, off)].add(_norm(v))
    for (p, off), vals in sorted(seen_at.items()):
        if len(vals) > 1:
            note("I2_inconsistent_offsets", {"partition": p, "offset": off,
                                             "values": sorted(str(v)[:40] for v in vals)})

    on_disk = set()
    for parts in (history.replica_values or {}).values():
        for recs in parts.values():
            on_disk.update(_norm(v) for _, v in recs)

    # I1, I3: every acked value in the drain, at its acked offset (partitions the drain
    # could not finish are not judged: counted as unchecked).
    skip = set(getattr(history, "drain_incomplete", ()) or ())
    res["unchecked_acked"] = 0
    for s in history.acked():
        v = _norm(s["value"])
        if s["partition"] in skip and v not in drain_pos:
            res["unchecked_acked"] += 1
            continue
        where = drain_pos.get(v)
        if not where:
            item = {"partition": s["partition"], "offset": s["offset"], "value": v[:40]}
            note("I1_lost", item)
            if v in on_disk:
                note("I1_lost_on_disk", item)
        elif (s["partition"], s["offset"]) not in where:
            note("I3_offset_mismatch", {"acked": (s["partition"], s["offset"]), "read": where,
                                        "value": v[:40]})

    # I4 (per producer, per partition: sequence order follows offset order) and I6.
    # Only the first copy of a value counts for order: a retry without idempotence
    # re-sends earlier sequence numbers after later ones (counted as I6 instead).
    # A record written after a later one of the same producer is a broker reorder
    # (I4) unless the client itself resent it late: its outcome arrived after the
    # later record's ack, or never (librdkafka moves a partition to the new leader
    # while a request to the old one still waits for its timeout, then retries it
    # there; non-idempotent clients do not keep order across that). Those are
    # counted as I4_client_retry_reorder and reported, not failed.
    ack_time = {}
    for s in history.acked():
        ack_time.setdefault(_norm(s["value"]), s.get("timestamp"))
    for p, recs in history.drain.items():
        last, first_seen = {}, set()
        for off, v in sorted(recs):
            v = _norm(v)
            if v in first_seen:
                continue
            first_seen.add(v)
            pv = parse_value(v)
            if pv is None:
                continue
            pid, seq, crc_ok = pv
            if not crc_ok:
                note("corrupt_values", {"partition": p, "offset": off, "value": v[:40]})
            if pid in last and seq < last[pid][0]:
                mine, theirs = ack_time.get(v), ack_time.get(last[pid][2])
                item = {"partition": p, "offset": off, "seq": seq, "after": last[pid][:2]}
                if mine is None or (theirs is not None and mine > theirs):
                    note("I4_client_retry_reorder", item)
                else:
                    note("I4_reorder", item)
            if pid not in last or seq > last[pid][0]:
                last[pid] = (seq, off, v)
    for v, where in drain_pos.items():
        if len(where) > 1:
            note("I6_duplicates", {"value": v[:40], "at": sorted(where)})

    # I5: consumer polls go forward one offset at a time unless it seeked. For a group
    # member, after a (re)assignment the first record of a partition must not come from
    # below the offset it committed earlier (committed offsets lost across a coordinator
    # move: I5_committed_regress).
    res["I5_committed_regress"] = 0
    for cid, events in history.polls.items():
        pos, committed, fresh = {}, {}, set()
        for e in events:
            if e.get("name") == "offsets_committed" and e.get("success", True):
                for o in e.get("offsets", []):
                    p = o.get("partition")
                    committed[p] = max(committed.get(p, 0), o.get("offset", 0))
                continue
            if e.get("name") == "partitions_assigned":
                fresh.update(tp.get("partition") for tp in e.get("partitions", []))
            if e.get("name") == "record_data" and e["partition"] in fresh:
                fresh.discard(e["partition"])
                if e["offset"] < committed.get(e["partition"], 0):
                    note("I5_committed_regress", {"consumer": cid, "partition": e["partition"],
                                                  "offset": e["offset"],
                                                  "committed": committed[e["partition"]]})
            if e.get("name") in ("offsets_seek", "partitions_assigned", "partitions_revoked",
                                 "offset_reset"):
                for tp in e.get("partitions", []):
                    pos.pop(tp.get("partition"), None)
                if not e.get("partitions"):
                    pos.clear()
                continue
            if e.get("name") != "record_data":
                continue
            p, off = e["partition"], e["offset"]
            prev = pos.get(p)
            if prev is not None:
                if off <= prev:
                    note("I5_nonmonotonic_poll", {"consumer": cid, "partition": p,
                                                  "offset": off, "after": prev})
                elif off > prev + 1 and any((p, o) in drain_at for o in range(prev + 1, off)):
                    note("I5_poll_skip", {"consumer": cid, "partition": p, "from": prev,
                                          "to": off})
            pos[p] = off

    # I7: a definite failure that is read later.
    for e in history.errors():
        v = _norm(e.get("value"))
        if v is not None and is_definite(e) and v in drain_pos:
            note("I7_failed_but_present", {"value": v[:40], "error": e.get("error") or
                                           e.get("exception"), "at": drain_pos[v]})

    # I8: read by a consumer during the run, missing from the final drain.
    for cid, events in history.polls.items():
        for e in events:
            if e.get("name") == "record_data" and _norm(e["value"]) not in drain_pos and \
                    e["partition"] not in skip:
                note("I8_read_then_lost", {"consumer": cid, "partition": e["partition"],
                                           "offset": e["offset"], "value": _norm(e["value"])[:40]})

    # I9: replicas identical below the high watermark.
    # A replica that is only behind (a strict prefix of the reference) did not catch up
    # after the heal: a liveness failure (I10), not a divergence.
    res["I10_replicas_behind"] = 0
    for p, (hw, replicas) in sorted((history.replica_batches or {}).items()):
        diverged = divergence(replicas, hw)
        for broker, detail in diverged.items():
            key = "I10_replicas_behind" if detail["behind"] else "I9_divergent_replicas"
            note(key, {"partition": p, "broker": broker, "hw": hw, **detail})

    res["ok"] = all(v == 0 for k, v in res.items() if k.startswith("I") and
                    not k.startswith("I6") and k != "I4_client_retry_reorder")
    res["examples"] = {k: v for k, v in ex.items()}
    return res


def divergence(replicas, hw):
    """{broker: detail} for each replica whose batches below `hw` differ from the
    majority's (offsets, leader epoch, CRC, size), or that lacks some of them.
    `replicas` maps broker -> list of chaos_logs.Batch."""
    below = {b: [x.key() for x in batches if x.last < hw] for b, batches in replicas.items()}
    if not below:
        return {}
    counts = collections.Counter(tuple(v) for v in below.values())
    reference, _ = counts.most_common(1)[0]
    # A replica that covers [0, hw) completely beats a majority that does not.
    complete = [v for v in below.values() if v and v[-1][1] == hw - 1]
    if complete and (not reference or reference[-1][1] != hw - 1):
        reference = tuple(complete[0])
    out = {}
    for broker, keys in below.items():
        if tuple(keys) == reference:
            continue
        first = next((i for i, (a, b) in enumerate(zip(keys, reference)) if a != b),
                     min(len(keys), len(reference)))
        out[broker] = {"batches": len(keys), "reference_batches": len(reference),
                       "behind": len(keys) < len(reference) and
                       tuple(keys) == reference[:len(keys)],
                       "first_difference": {
                           "index": first,
                           "replica": keys[first] if first < len(keys) else None,
                           "reference": reference[first] if first < len(reference) else None}}
    return out
