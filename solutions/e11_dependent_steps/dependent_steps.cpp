// Exercise E11, a reference answer.
#include "dependent_steps.hpp"

#include <numeric>
#include <utility>

namespace e11 {

aio::Task<int> order_total(std::string name) {
  // Each co_await suspends order_total until the step is done and hands over
  // its result, which the next step needs. A UserNotFound thrown by find_user
  // leaves through the first co_await, and order_total with it, unchanged.
  const int user_id = co_await find_user(std::move(name));
  const std::vector<int> orders = co_await fetch_orders(user_id);
  const int total = std::accumulate(orders.begin(), orders.end(), 0);
  co_return co_await apply_discount(total);
}

}  // namespace e11
