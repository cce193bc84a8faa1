#pragma once
/// \file frame_allocations.hpp
/// How many coroutine frames this thread has allocated, and how many bytes:
/// what a task costs in memory, measured (chapter 1 does). The allocator
/// itself, which recycles frames by size, is machinery: detail/frame_allocator.hpp.

#include <cstddef>

namespace aio {

/// Coroutine frames allocated so far in this thread, and their total size.
struct FrameAllocations {
  /// How many frames.
  std::size_t frames = 0;
  /// Their total size in bytes.
  std::size_t bytes = 0;
};

/// The coroutine frames the calling thread has allocated so far. Each thread
/// counts its own, so a loop in another thread does not disturb the
/// measurement.
FrameAllocations frame_allocations() noexcept;

}  // namespace aio
