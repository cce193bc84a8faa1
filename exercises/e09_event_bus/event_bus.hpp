#pragma once
/// \file event_bus.hpp
/// Exercise E9 (chapter 9): an event bus whose subscribers each get a deadline.
///
/// Parts of a program talk through a bus: some subscribe to a topic, others
/// publish messages on it. Write `EventBus`:
///
/// - `subscribe(topic, handler)` adds a subscriber to the topic.
/// - `publish(topic, message, timeout)` hands the message to every subscriber
///   of the topic, all at once, and waits for them. Each subscriber has
///   `timeout` seconds: one that takes longer is stopped and counts as timed
///   out. One that throws counts as failed. Neither affects the others.
///   The result holds one Delivery per subscriber, in the order they
///   subscribed. A topic nobody subscribed to gives an empty result at once.
///
/// So publish takes as long as its slowest subscriber, and never more than
/// `timeout`.
///
/// Hints:
/// - `aio::wait_for(coroutine, seconds)` gives one coroutine a deadline: it
///   throws aio::TimeoutError and cancels the coroutine when time runs out.
/// - `aio::gather` fails as soon as one of its coroutines throws. Wrap each
///   subscriber in a coroutine of your own that catches what the subscriber
///   throws and returns a Delivery instead, and gather those.
/// - aio::TimeoutError is a std::exception too: catch it first.
/// - `publish` is a coroutine that uses the bus: keep the bus alive until the
///   coroutine is done.

#include <aio/aio.hpp>
#include <exception>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace e09 {

/// A subscriber: given a message, returns a coroutine that handles it and
/// answers. (A function that returns a coroutine, rather than a lambda that is
/// a coroutine itself, whose captures would die with the lambda.)
using Handler = std::function<aio::Task<std::string>(std::string message)>;

/// How one subscriber dealt with a message.
enum class Status { ok, timed_out, failed };

struct Delivery {
  Status status = Status::ok;
  std::string answer;        ///< what the subscriber answered, when ok
  std::exception_ptr error;  ///< what it threw, when failed
};

class EventBus {
 public:
  /// Adds `handler` to the subscribers of `topic`.
  void subscribe(std::string topic, Handler handler);

  /// Runs every subscriber of `topic` on `message` concurrently, each for at
  /// most `timeout` seconds; one Delivery per subscriber, in subscription order.
  aio::Task<std::vector<Delivery>> publish(std::string topic, std::string message, double timeout);

 private:
  /// The subscribers of each topic, in the order they subscribed.
  std::map<std::string, std::vector<Handler>> subscribers_;
};

namespace detail {

inline aio::Task<std::string> reply(std::string name, double seconds, std::string message) {
  co_await aio::sleep(seconds);
  co_return name + " got " + message;
}

inline aio::Task<std::string> fail(std::string name, double seconds) {
  co_await aio::sleep(seconds);
  throw std::runtime_error(name + " failed");
}

}  // namespace detail

/// A pretend subscriber: takes `seconds` over a message, then answers
/// "<name> got <message>".
inline Handler replier(std::string name, double seconds) {
  return [name, seconds](std::string message) {
    return detail::reply(name, seconds, std::move(message));
  };
}

/// A pretend subscriber that throws std::runtime_error("<name> failed") after
/// `seconds`.
inline Handler failer(std::string name, double seconds) {
  return [name, seconds](std::string) {
    return detail::fail(name, seconds);
  };
}

}  // namespace e09
