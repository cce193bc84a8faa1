#pragma once
/// \file frame_allocator.hpp
/// Where coroutine frames come from. Every call of a coroutine function
/// allocates a frame (the coroutine's locals, parameters and promise), and a
/// program full of tasks allocates and frees them at a high rate, in a few
/// sizes: one per coroutine function. So freed frames are kept, by size, for
/// the next coroutine of the same size. Futures, made and dropped as often
/// (one for every wait on a lock or a queue), are recycled the same way.

#include <cstddef>

namespace aio {

/// Coroutine frames allocated so far in this thread, and their total size.
struct FrameAllocations {
  /// How many frames.
  std::size_t frames = 0;
  /// Their total size in bytes.
  std::size_t bytes = 0;
};
/// The coroutine frames the calling thread has allocated so far (chapter 1
/// uses it to measure what a task costs). Each thread counts its own, so a loop
/// in another thread does not disturb the measurement.
FrameAllocations frame_allocations() noexcept;

namespace detail {

/// A block of `size` bytes: a recycled one of that size if the thread has one.
void* allocate_recycled(std::size_t size);
/// Keeps the block for reuse, or frees it when enough are kept already.
void free_recycled(void* block, std::size_t size) noexcept;

/// allocate_recycled for a coroutine frame, counted by frame_allocations().
void* allocate_frame(std::size_t size);
inline void free_frame(void* frame, std::size_t size) noexcept {
  free_recycled(frame, size);
}

}  // namespace detail
}  // namespace aio
