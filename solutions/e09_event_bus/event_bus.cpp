// Exercise E9, a reference answer.
#include "event_bus.hpp"

namespace e09 {

namespace {

// One subscriber under its own deadline. Whatever happens becomes a Delivery
// instead of an exception, so no subscriber can fail the gather of the others.
aio::Task<Delivery> deliver(Handler handler, std::string message, double timeout) {
  Delivery delivery;
  try {
    // On timeout, wait_for cancels the subscriber and waits until it has
    // stopped: nothing is left running behind the result.
    delivery.answer = co_await aio::wait_for(handler(std::move(message)), timeout);
  } catch (const aio::TimeoutError&) {  // first: a TimeoutError is a std::exception too
    delivery.status = Status::timed_out;
  } catch (const std::exception&) {
    delivery.status = Status::failed;
    delivery.error = std::current_exception();
  }
  // A cancellation of publish itself is no std::exception: it passes by.
  co_return delivery;
}

}  // namespace

void EventBus::subscribe(std::string topic, Handler handler) {
  subscribers_[std::move(topic)].push_back(std::move(handler));
}

aio::Task<std::vector<Delivery>> EventBus::publish(std::string topic, std::string message,
                                                   double timeout) {
  std::vector<aio::Task<Delivery>> deliveries;
  if (auto found = subscribers_.find(topic); found != subscribers_.end()) {
    for (const Handler& handler : found->second) {
      deliveries.push_back(deliver(handler, message, timeout));
    }
  }
  // gather starts every delivery at once and keeps the subscription order; a
  // gather of nothing is done at once.
  co_return co_await aio::gather(std::move(deliveries));
}

}  // namespace e09
