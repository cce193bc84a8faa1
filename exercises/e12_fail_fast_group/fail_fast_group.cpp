// Exercise E12: your answer goes here. The task is in fail_fast_group.hpp.
#include "fail_fast_group.hpp"

#include "todo.hpp"

namespace e12 {

aio::Task<std::vector<std::string>> download_all([[maybe_unused]] std::vector<Part> parts) {
  exercise::todo("E12: download every part in a TaskGroup and return the data in order");
}

}  // namespace e12
