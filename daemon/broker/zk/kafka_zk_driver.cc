// Test driver for kafka_zk: connects to ZooKeeper and runs a script of KafkaZk
// operations read from stdin, one command per line, printing one JSON object per
// result on stdout (and one per watch event), so integration tests can drive a
// real session step by step and inspect the znodes with another client meanwhile.
//
//   kafka_zk_driver <connect-string> [session-timeout-ms]
//
// Commands (arguments separated by spaces; lists are comma-separated):
//   session | ensure_paths | cluster_id [proposed] | brokers | topics | marked
//   register <id> <host> <port> [rack|-] [stale_wait_ms]
//   create_topic <name> <p:r1,r2;p:r...> [key=value ...]
//   assignment <topic> | config <topic> | alter_config <topic> [key=value ...]
//   get_state <topic> <p> | states <topic>
//   create_state <topic> <p> <leader> <leader_epoch> <isr> <controller_epoch> [fence]
//   update_state <topic> <p> <leader> <leader_epoch> <isr> <controller_epoch> <version> [fence]
//   mark_delete <topic> | delete_znodes <topic>
//   elect <id> | controller | resign <id>
//   watch_brokers | watch_topics | watch_controller | watch_deletions
//   watch_assignment <topic>
//   quit
// Results: {"cmd":..,"ok":true,"value":..} or {"cmd":..,"ok":false,"code":..,
// "error":..,"bad_version":..,"controller_moved":..}; events: {"event":..,...}.
#include <chrono>
#include <cstdio>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "common/util/logging.h"
#include "common/zk/client.h"
#include "daemon/broker/zk/kafka_zk.h"

namespace {

using nlohmann::json;
using kafka::broker::KafkaZk;
namespace zkdata = kafka::broker::zkdata;

std::mutex out_mu;

void Print(const json& j) {
  std::lock_guard<std::mutex> lock(out_mu);
  std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;
}

json Error(const std::string& cmd, const util::Status& s) {
  return json{{"cmd", cmd},
              {"ok", false},
              {"code", util::CodeName(s.code())},
              {"error", s.message()},
              {"bad_version", kafka::broker::IsBadVersion(s)},
              {"controller_moved", kafka::broker::IsControllerMoved(s)}};
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) {
    if (!cur.empty()) out.push_back(cur);
  }
  return out;
}

std::vector<int32_t> IntList(const std::string& s) {
  std::vector<int32_t> out;
  for (const auto& p : Split(s, ',')) out.push_back(std::stoi(p));
  return out;
}

std::map<std::string, std::string> KeyValues(const std::vector<std::string>& args, size_t from) {
  std::map<std::string, std::string> out;
  for (size_t i = from; i < args.size(); ++i) {
    auto eq = args[i].find('=');
    if (eq != std::string::npos) out[args[i].substr(0, eq)] = args[i].substr(eq + 1);
  }
  return out;
}

json BrokerJson(const zkdata::BrokerIdZNode& b) {
  json eps = json::array();
  for (const auto& e : b.endpoints) eps.push_back(e.ConnectionString());
  json j{{"id", b.broker_id}, {"endpoints", eps}, {"version", b.version}};
  if (b.rack) j["rack"] = *b.rack;
  return j;
}

json TopicJson(const zkdata::TopicZNode& t) {
  json parts = json::object();
  for (const auto& [p, ra] : t.partitions) parts[std::to_string(p)] = ra.replicas;
  json j{{"partitions", parts}, {"version", t.version}};
  if (t.topic_id) j["topic_id"] = *t.topic_id;
  return j;
}

zkdata::TopicPartitionStateZNode StateFrom(const std::vector<std::string>& a, size_t i) {
  zkdata::TopicPartitionStateZNode s;
  s.leader = std::stoi(a.at(i));
  s.leader_epoch = std::stoi(a.at(i + 1));
  s.isr = IntList(a.at(i + 2));
  s.controller_epoch = std::stoi(a.at(i + 3));
  return s;
}

// Runs one command; `reply` is called exactly once, on the client's strand.
void Run(KafkaZk& kz, const std::vector<std::string>& a, std::function<void(json)> reply) {
  const std::string& cmd = a[0];
  auto ok = [cmd, reply](json value) {
    reply(json{{"cmd", cmd}, {"ok", true}, {"value", std::move(value)}});
  };
  auto status_cb = [cmd, reply, ok](util::Status s) {
    if (!s.ok()) return reply(Error(cmd, s));
    ok(nullptr);
  };
  auto err = [cmd, reply](const util::Status& s) { reply(Error(cmd, s)); };
  const int32_t fence_default = kafka::broker::kMatchAnyVersion;

  if (cmd == "session") {
    ok(json{{"session_id", kz.client().session_id()}});
  } else if (cmd == "ensure_paths") {
    kz.EnsurePersistentPaths(status_cb);
  } else if (cmd == "cluster_id") {
    kz.GetOrCreateClusterId(a.size() > 1 ? a[1] : "", [ok, err](util::Result<std::string> r) {
      if (!r.ok()) return err(r.status());
      ok(*r);
    });
  } else if (cmd == "register") {
    zkdata::BrokerIdZNode b;
    b.broker_id = std::stoi(a.at(1));
    b.endpoints.push_back(
        zkdata::BrokerEndpoint{"PLAINTEXT", a.at(2), std::stoi(a.at(3)), "PLAINTEXT"});
    if (a.size() > 4 && a[4] != "-") b.rack = a[4];
    b.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    kafka::broker::RegisterBrokerOptions opts;
    if (a.size() > 5) opts.stale_wait = std::chrono::milliseconds(std::stoi(a[5]));
    kz.RegisterBroker(b, opts, [ok, err](util::Result<int64_t> r) {
      if (!r.ok()) return err(r.status());
      ok(json{{"czxid", *r}});
    });
  } else if (cmd == "brokers") {
    kz.GetAllBrokers([ok, err](util::Result<std::vector<zkdata::BrokerIdZNode>> r) {
      if (!r.ok()) return err(r.status());
      json v = json::array();
      for (const auto& b : *r) v.push_back(BrokerJson(b));
      ok(v);
    });
  } else if (cmd == "topics") {
    kz.GetAllTopics([ok, err](util::Result<std::vector<std::string>> r) {
      if (!r.ok()) return err(r.status());
      ok(*r);
    });
  } else if (cmd == "marked") {
    kz.GetTopicsMarkedForDeletion([ok, err](util::Result<std::vector<std::string>> r) {
      if (!r.ok()) return err(r.status());
      ok(*r);
    });
  } else if (cmd == "create_topic") {
    std::map<int32_t, std::vector<int32_t>> assignment;
    for (const auto& part : Split(a.at(2), ';')) {
      auto colon = part.find(':');
      assignment[std::stoi(part.substr(0, colon))] = IntList(part.substr(colon + 1));
    }
    kz.CreateTopic(a[1], assignment, KeyValues(a, 3), [ok, err](util::Result<std::string> r) {
      if (!r.ok()) return err(r.status());
      ok(json{{"topic_id", *r}});
    });
  } else if (cmd == "assignment") {
    kz.GetTopicAssignment(a.at(1), [ok, err](util::Result<zkdata::TopicZNode> r) {
      if (!r.ok()) return err(r.status());
      ok(TopicJson(*r));
    });
  } else if (cmd == "config") {
    kz.GetTopicConfig(a.at(1), [ok, err](util::Result<std::map<std::string, std::string>> r) {
      if (!r.ok()) return err(r.status());
      ok(*r);
    });
  } else if (cmd == "alter_config") {
    kz.ChangeTopicConfig(a.at(1), KeyValues(a, 2), status_cb);
  } else if (cmd == "get_state") {
    kz.GetPartitionState(a.at(1), std::stoi(a.at(2)),
                         [ok, err](util::Result<kafka::broker::PartitionState> r) {
                           if (!r.ok()) return err(r.status());
                           ok(json{{"leader", r->state.leader},
                                   {"leader_epoch", r->state.leader_epoch},
                                   {"isr", r->state.isr},
                                   {"controller_epoch", r->state.controller_epoch},
                                   {"zk_version", r->zk_version}});
                         });
  } else if (cmd == "states") {
    kz.GetTopicPartitionStates(
        a.at(1), [ok, err](util::Result<std::map<int32_t, kafka::broker::PartitionState>> r) {
          if (!r.ok()) return err(r.status());
          json v = json::object();
          for (const auto& [p, s] : *r)
            v[std::to_string(p)] = json{{"leader", s.state.leader},
                                        {"isr", s.state.isr},
                                        {"zk_version", s.zk_version}};
          ok(v);
        });
  } else if (cmd == "create_state") {
    int32_t fence = a.size() > 7 ? std::stoi(a[7]) : fence_default;
    kz.CreatePartitionState(a.at(1), std::stoi(a.at(2)), StateFrom(a, 3), fence,
                            [ok, err](util::Result<int32_t> r) {
                              if (!r.ok()) return err(r.status());
                              ok(json{{"zk_version", *r}});
                            });
  } else if (cmd == "update_state") {
    int32_t fence = a.size() > 8 ? std::stoi(a[8]) : fence_default;
    kz.UpdatePartitionState(a.at(1), std::stoi(a.at(2)), StateFrom(a, 3), std::stoi(a.at(7)),
                            fence, [ok, err](util::Result<int32_t> r) {
                              if (!r.ok()) return err(r.status());
                              ok(json{{"zk_version", *r}});
                            });
  } else if (cmd == "mark_delete") {
    kz.MarkTopicForDeletion(a.at(1), status_cb);
  } else if (cmd == "delete_znodes") {
    kz.DeleteTopicZNodes(a.at(1), status_cb);
  } else if (cmd == "elect") {
    kz.TryElectController(std::stoi(a.at(1)),
                          [ok, err](util::Result<kafka::broker::ControllerElection> r) {
                            if (!r.ok()) return err(r.status());
                            ok(json{{"elected", r->elected},
                                    {"controller_id", r->controller_id},
                                    {"epoch", r->epoch},
                                    {"epoch_zk_version", r->epoch_zk_version}});
                          });
  } else if (cmd == "controller") {
    kz.GetController([ok, err](util::Result<std::optional<int32_t>> r) {
      if (!r.ok()) return err(r.status());
      ok(r->has_value() ? json(**r) : json(nullptr));
    });
  } else if (cmd == "resign") {
    kz.ResignController(std::stoi(a.at(1)), status_cb);
  } else if (cmd.rfind("watch_", 0) == 0) {
    std::string name = cmd.substr(6);
    auto event = [name](util::Result<json> r) {
      if (!r.ok()) return Print(json{{"event", name}, {"ok", false}, {"error", r.status().ToString()}});
      Print(json{{"event", name}, {"ok", true}, {"value", *r}});
    };
    // Each watch stays registered for the driver's lifetime.
    if (name == "brokers") {
      kz.WatchBrokerIds([event](util::Result<std::vector<int32_t>> r) {
        event(r.ok() ? util::Result<json>(json(*r)) : util::Result<json>(r.status()));
      });
    } else if (name == "topics") {
      kz.WatchTopics([event](util::Result<std::vector<std::string>> r) {
        event(r.ok() ? util::Result<json>(json(*r)) : util::Result<json>(r.status()));
      });
    } else if (name == "controller") {
      kz.WatchController([event](util::Result<std::optional<int32_t>> r) {
        if (!r.ok()) return event(r.status());
        event(util::Result<json>(r->has_value() ? json(**r) : json(nullptr)));
      });
    } else if (name == "deletions") {
      kz.WatchTopicsMarkedForDeletion([event](util::Result<std::vector<std::string>> r) {
        event(r.ok() ? util::Result<json>(json(*r)) : util::Result<json>(r.status()));
      });
    } else if (name == "assignment") {
      kz.WatchTopicAssignment(a.at(1), [event](util::Result<std::optional<zkdata::TopicZNode>> r) {
        if (!r.ok()) return event(r.status());
        event(util::Result<json>(r->has_value() ? TopicJson(**r) : json(nullptr)));
      });
    } else {
      return err(util::Status::InvalidArgument("unknown command " + cmd));
    }
    ok(nullptr);
  } else {
    err(util::Status::InvalidArgument("unknown command " + cmd));
  }
}

}  // namespace

int main(int argc, char** argv) {
  util::logging::Init("warn");
  if (argc < 2) {
    std::cerr << "usage: kafka_zk_driver <connect-string> [session-timeout-ms]\n";
    return 2;
  }
  const std::string connect = argv[1];
  const int session_ms = argc > 2 ? std::atoi(argv[2]) : 6000;

  if (auto s = kafka::broker::CreateChrootIfNecessary(connect, std::chrono::seconds(15)); !s.ok()) {
    Print(Error("connect", s));
    return 1;
  }

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  zk::ClientOptions options;
  options.connect_string = connect;
  options.session_timeout = std::chrono::milliseconds(session_ms);
  auto client = zk::Client::Create(io, options);
  if (!client.ok()) {
    Print(Error("connect", client.status()));
    return 1;
  }
  std::promise<void> connected;
  auto connected_once = std::make_shared<std::once_flag>();
  (*client)->SetStateListener([&connected, connected_once, c = client->get()](zk::KeeperState s) {
    if (s == zk::KeeperState::kSyncConnected) {
      std::call_once(*connected_once, [&] { connected.set_value(); });
    }
    Print(json{{"event", "state"}, {"state", zk::KeeperStateName(static_cast<int32_t>(s))},
               {"session_id", c->session_id()}});
  });
  (*client)->Start();
  std::thread io_thread([&io] { io.run(); });
  int rc = 0;
  if (connected.get_future().wait_for(std::chrono::seconds(15)) != std::future_status::ready) {
    Print(json{{"cmd", "connect"}, {"ok", false}, {"error", "no session within 15s"}});
    rc = 1;
  } else {
    KafkaZk kz(io, *client);
    std::string line;
    while (std::getline(std::cin, line)) {
      auto args = Split(line, ' ');
      if (args.empty()) continue;
      if (args[0] == "quit") break;
      auto done = std::make_shared<std::promise<json>>();
      auto fut = done->get_future();
      try {
        Run(kz, args, [done](json j) { done->set_value(std::move(j)); });
      } catch (const std::exception& e) {  // bad numbers or missing arguments
        done->set_value(json{{"cmd", args[0]}, {"ok", false}, {"error", e.what()}});
      }
      if (fut.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
        Print(json{{"cmd", args[0]}, {"ok", false}, {"error", "no reply within 30s"}});
        rc = 1;
        break;
      }
      Print(fut.get());
    }
  }
  std::promise<void> closed;
  (*client)->Close([&closed] { closed.set_value(); });
  closed.get_future().wait_for(std::chrono::seconds(10));
  work.reset();
  io.stop();
  io_thread.join();
  return rc;
}
