#pragma once
/// \file dependent_steps.hpp
/// Exercise E11 (chapter 2): steps that wait for one another.
///
/// A shop works out what a customer owes in three steps, each a coroutine
/// that waits on a pretend service:
///
/// 1. `find_user(name)` looks the customer up and gives their user id
///    (0.1 s); it throws UserNotFound for a name it does not know;
/// 2. `fetch_orders(user_id)` gives the amounts of that user's orders, in
///    cents (0.2 s);
/// 3. `apply_discount(total)` takes the sum of those amounts and gives what
///    is owed once any discount is taken off (0.05 s).
///
/// Write `order_total(name)`, which runs the three steps and returns what
/// `apply_discount` gives. Each step needs the result of the one before, so
/// the steps cannot overlap: await each one, in turn, exactly once. The whole
/// takes 0.1 + 0.2 + 0.05 = 0.35 s. For an unknown name, the UserNotFound
/// from find_user must come out of order_total as it is.
///
/// Every step writes a line to `step_log` when it is called, so the tests can
/// see which steps ran, with what, and in which order.
///
/// Hints:
/// - `co_await find_user(name)` runs find_user until it returns, then hands
///   over the int it returned. Without co_await you hold an unstarted
///   aio::Task<int>, not an int, and the compiler says so.
/// - An exception thrown in an awaited coroutine comes out of the co_await,
///   as from an ordinary function call. Passing it on takes no code at all.

#include <fmt/format.h>

#include <aio/aio.hpp>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace e11 {

/// What find_user throws for a name it does not know.
class UserNotFound : public std::runtime_error {
 public:
  explicit UserNotFound(const std::string& name)
      : std::runtime_error(fmt::format("no user named '{}'", name)) {}
};

/// One line per step called, such as "find_user(ada)", in the order called.
inline std::vector<std::string> step_log;

/// Looks up a user's id by name (0.1 s).
inline aio::Task<int> find_user(std::string name) {
  step_log.push_back(fmt::format("find_user({})", name));
  static const std::map<std::string, int> users = {
      {"ada", 1}, {"grace", 2}, {"linus", 3}, {"barbara", 4}};
  co_await aio::sleep(0.1);
  const auto user = users.find(name);
  if (user == users.end()) throw UserNotFound(name);
  co_return user->second;
}

/// The amounts, in cents, of a user's orders (0.2 s).
inline aio::Task<std::vector<int>> fetch_orders(int user_id) {
  step_log.push_back(fmt::format("fetch_orders({})", user_id));
  static const std::map<int, std::vector<int>> orders = {
      {1, {1250, 3000, 899}}, {2, {4999, 7550}}, {3, {}}, {4, {10000}}};
  co_await aio::sleep(0.2);
  co_return orders.at(user_id);
}

/// What a total of `total` cents comes to after the discount: 10 % off a
/// total of 100.00 or more, the discount rounded down to the cent (0.05 s).
inline aio::Task<int> apply_discount(int total) {
  step_log.push_back(fmt::format("apply_discount({})", total));
  co_await aio::sleep(0.05);
  co_return total >= 10000 ? total - total / 10 : total;
}

/// What the user called `name` owes, in cents: find_user, then fetch_orders
/// with the id it gave, then apply_discount with the sum of the orders.
aio::Task<int> order_total(std::string name);

}  // namespace e11
