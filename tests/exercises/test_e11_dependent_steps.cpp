// E11: steps that wait for one another.
#include <optional>
#include <string>
#include <vector>

#include "dependent_steps.hpp"
#include "exercise_test.hpp"

namespace {

using exercise_test::same_time;
using exercise_test::seconds_taken;
using exercise_test::shown;

struct Customer {
  std::string name;
  int owes;                        // in cents
  std::vector<std::string> steps;  // what step_log should hold afterwards
};

// Worked out by hand from the shop's data in dependent_steps.hpp.
const std::vector<Customer> customers = {
    // 12.50 + 30.00 + 8.99 = 51.49: under 100.00, no discount.
    {"ada", 5149, {"find_user(ada)", "fetch_orders(1)", "apply_discount(5149)"}},
    // 49.99 + 75.50 = 125.49, less 10 % (12.54) = 112.95.
    {"grace", 11295, {"find_user(grace)", "fetch_orders(2)", "apply_discount(12549)"}},
    // No orders at all: the total is 0, which still goes through the discount.
    {"linus", 0, {"find_user(linus)", "fetch_orders(3)", "apply_discount(0)"}},
    // Exactly 100.00 gets the discount: 90.00.
    {"barbara", 9000, {"find_user(barbara)", "fetch_orders(4)", "apply_discount(10000)"}},
};

TEST(E11DependentSteps, ReturnsWhatTheUserOwes) {
  for (const Customer& customer : customers) {
    const int owes = aio::run(e11::order_total(customer.name));

    EXPECT_EQ(owes, customer.owes) << "order_total(\"" << customer.name << "\") should return "
                                   << customer.owes << " cents; it returned " << owes;
  }
}

TEST(E11DependentSteps, TakesTheSumOfTheThreeSteps) {
  for (const Customer& customer : customers) {
    const double elapsed = seconds_taken([&] { aio::run(e11::order_total(customer.name)); });

    EXPECT_NEAR(elapsed, 0.35, same_time)
        << "order_total(\"" << customer.name << "\") should await its three steps one after "
        << "the other, each once: 0.1 + 0.2 + 0.05 = 0.35 s; it took " << elapsed << " s";
  }
}

TEST(E11DependentSteps, CallsEachStepOnceWithTheResultOfTheOneBefore) {
  for (const Customer& customer : customers) {
    e11::step_log.clear();

    aio::run(e11::order_total(customer.name));

    EXPECT_EQ(e11::step_log, customer.steps)
        << "order_total(\"" << customer.name << "\") should call find_user, fetch_orders with "
        << "the id it found, then apply_discount with the sum of the orders, each once:\n"
        << "  expected " << shown(customer.steps) << "\n  got      " << shown(e11::step_log);
  }
}

TEST(E11DependentSteps, AnUnknownUserComesOutAsUserNotFound) {
  e11::step_log.clear();
  std::optional<std::string> error;
  bool other_error = false;

  const double elapsed = seconds_taken([&] {
    try {
      aio::run(e11::order_total("nobody"));
    } catch (const e11::UserNotFound& not_found) {
      error = not_found.what();
    } catch (...) {
      other_error = true;
    }
  });

  ASSERT_FALSE(other_error) << "order_total(\"nobody\") should let find_user's UserNotFound "
                            << "out unchanged; it threw something else";
  ASSERT_TRUE(error.has_value()) << "order_total(\"nobody\") should throw UserNotFound; it "
                                 << "returned normally";
  EXPECT_EQ(*error, "no user named 'nobody'")
      << "the UserNotFound should be find_user's own, with its message unchanged";
  const std::vector<std::string> expected = {"find_user(nobody)"};
  EXPECT_EQ(e11::step_log, expected)
      << "once find_user fails there is no user id, so no other step should run; the steps "
      << "called were " << shown(e11::step_log);
  EXPECT_NEAR(elapsed, 0.1, same_time)
      << "order_total should stop when find_user fails, after 0.1 s; it took " << elapsed << " s";
}

}  // namespace
