#include "aio/detail/selector.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <system_error>

namespace aio::detail {

Selector::Selector() : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
}

Selector::~Selector() {
  ::close(epoll_fd_);
}

int Selector::wait(double timeout) {
  // epoll counts in milliseconds; round up so a timer is never polled early.
  const int milliseconds = timeout < 0 ? -1 : static_cast<int>(std::ceil(timeout * 1e3));
  std::array<epoll_event, 64> events{};
  while (true) {
    const int ready =
        ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), milliseconds);
    if (ready >= 0) return ready;
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "epoll_wait");
  }
}

}  // namespace aio::detail
