#pragma once
/// \file detail/selector.hpp
/// The loop's I/O multiplexer, over Linux epoll. While the loop has nothing
/// ready to run, it waits here until a file descriptor is ready or its next
/// timer is due.

namespace aio::detail {

class Selector {
 public:
  Selector();
  ~Selector();
  Selector(const Selector&) = delete;
  Selector& operator=(const Selector&) = delete;

  /// Waits up to `timeout` seconds (negative: without limit) for I/O and
  /// returns how many descriptors became ready.
  int select(double timeout) {
    // A poll of nothing finds nothing: skip the system call when the loop has
    // ready work and no descriptor is watched (every task switch passes here).
    if (timeout == 0 && registered_ == 0) return 0;
    return wait(timeout);
  }

 private:
  int wait(double timeout);

  int epoll_fd_;
  int registered_ = 0;  // descriptors being watched; none until streams register some
};

}  // namespace aio::detail
