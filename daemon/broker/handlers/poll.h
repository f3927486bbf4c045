// PollUntil: re-checks a condition on a timer (on the io thread) until it holds
// or a deadline passes, for admin requests that wait for ZooKeeper-driven state
// (DeleteTopics waiting for the topic to vanish from the metadata cache).
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace kafka::broker {

// done(true) once pred() holds, done(false) at the deadline or on cancellation.
inline void PollUntil(boost::asio::io_context& io, std::function<bool()> pred,
                      std::chrono::steady_clock::time_point deadline,
                      std::function<void(bool)> done) {
  if (pred()) return done(true);
  if (std::chrono::steady_clock::now() >= deadline) return done(false);
  auto timer = std::make_shared<boost::asio::steady_timer>(io, std::chrono::milliseconds(20));
  timer->async_wait([&io, timer, pred = std::move(pred), deadline,
                     done = std::move(done)](const boost::system::error_code& ec) mutable {
    if (ec) return done(false);
    PollUntil(io, std::move(pred), deadline, std::move(done));
  });
}

}  // namespace kafka::broker
