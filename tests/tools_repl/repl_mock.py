"""librdkafka's mock cluster driven over stdin, for the replication tools'
tests: unlike tests/tools/mock_cluster.py it exposes the mock's control API
(through ctypes on librdkafka.so.1) so a test can create replicated topics,
move partition leaders and take brokers down.

Prints the bootstrap servers on the first line, then answers each command
line with "ok <rc>" (rc 0 = done):
  topic NAME PARTITIONS RF      create a topic
  leader TOPIC PARTITION ID     make broker ID the leader (-1: no leader)
  down ID / up ID               take a broker down / bring it back
  rtt ID MS                     delay every answer of broker ID by MS
  error KEY CODE [COUNT]        the next COUNT requests with API KEY fail with CODE
Exits when stdin closes."""
import ctypes
import sys

L = ctypes.CDLL("librdkafka.so.1")
vp = ctypes.c_void_p
L.rd_kafka_conf_new.restype = vp
L.rd_kafka_conf_set.argtypes = [vp, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
L.rd_kafka_new.restype = vp
L.rd_kafka_new.argtypes = [ctypes.c_int, vp, ctypes.c_char_p, ctypes.c_size_t]
L.rd_kafka_mock_cluster_new.restype = vp
L.rd_kafka_mock_cluster_new.argtypes = [vp, ctypes.c_int]
L.rd_kafka_mock_cluster_bootstraps.restype = ctypes.c_char_p
L.rd_kafka_mock_cluster_bootstraps.argtypes = [vp]
L.rd_kafka_mock_topic_create.argtypes = [vp, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
L.rd_kafka_mock_partition_set_leader.argtypes = [vp, ctypes.c_char_p, ctypes.c_int32, ctypes.c_int32]
L.rd_kafka_mock_broker_set_down.argtypes = [vp, ctypes.c_int32]
L.rd_kafka_mock_broker_set_up.argtypes = [vp, ctypes.c_int32]
L.rd_kafka_mock_broker_set_rtt.argtypes = [vp, ctypes.c_int32, ctypes.c_int]
L.rd_kafka_mock_push_request_errors_array.argtypes = [vp, ctypes.c_int16, ctypes.c_size_t,
                                                     ctypes.POINTER(ctypes.c_int)]


def main():
    brokers = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    conf = L.rd_kafka_conf_new()
    err = ctypes.create_string_buffer(512)
    L.rd_kafka_conf_set(conf, b"log_level", b"0", err, 512)
    rk = L.rd_kafka_new(0, conf, err, 512)
    mc = L.rd_kafka_mock_cluster_new(rk, brokers)
    print(L.rd_kafka_mock_cluster_bootstraps(mc).decode(), flush=True)
    for line in sys.stdin:
        w = line.split()
        if not w:
            continue
        rc = -1
        if w[0] == "topic":
            rc = L.rd_kafka_mock_topic_create(mc, w[1].encode(), int(w[2]), int(w[3]))
        elif w[0] == "leader":
            rc = L.rd_kafka_mock_partition_set_leader(mc, w[1].encode(), int(w[2]), int(w[3]))
        elif w[0] == "down":
            rc = L.rd_kafka_mock_broker_set_down(mc, int(w[1]))
        elif w[0] == "up":
            rc = L.rd_kafka_mock_broker_set_up(mc, int(w[1]))
        elif w[0] == "rtt":
            rc = L.rd_kafka_mock_broker_set_rtt(mc, int(w[1]), int(w[2]))
        elif w[0] == "error":
            n = int(w[3]) if len(w) > 3 else 1
            arr = (ctypes.c_int * n)(*([int(w[2])] * n))
            L.rd_kafka_mock_push_request_errors_array(mc, int(w[1]), n, arr)
            rc = 0
        print(f"ok {rc}", flush=True)


if __name__ == "__main__":
    main()
