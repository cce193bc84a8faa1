#pragma once
/// \file detail/frame_allocator.hpp
/// Where coroutine frames come from. Every call of a coroutine function
/// allocates a frame (the coroutine's locals, parameters and promise), and a
/// program full of tasks allocates and frees them at a high rate, in a few
/// sizes: one per coroutine function. So freed frames are kept, by size, for
/// the next coroutine of the same size. Futures, made and dropped as often
/// (one for every wait on a lock or a queue), are recycled the same way.

#include <cstddef>

namespace aio::detail {

/// A block of `size` bytes: a recycled one of that size if the thread has one.
void* allocate_recycled(std::size_t size);
/// Keeps the block for reuse, or frees it when enough are kept already.
void free_recycled(void* block, std::size_t size) noexcept;

/// allocate_recycled for a coroutine frame, counted by aio::frame_allocations().
void* allocate_frame(std::size_t size);
inline void free_frame(void* frame, std::size_t size) noexcept {
  free_recycled(frame, size);
}

}  // namespace aio::detail
