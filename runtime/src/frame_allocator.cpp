#include "aio/detail/frame_allocator.hpp"

#include "aio/frame_allocations.hpp"

#include <array>
#include <new>
#include <utility>

namespace aio {
namespace {

// Counted per thread, as the frames are pooled: allocating a frame, the
// hottest path there is, stays free of atomic instructions, and each thread's
// loop sees only its own coroutines' frames.
constinit thread_local FrameAllocations frame_counts;

// glibc keeps only 7 freed blocks of each size for quick reuse, and frames are
// too large for its fast bins, so a burst of tasks (gather over thousands)
// would go through its slower general bins. Each thread keeps up to
// `max_kept_bytes` of freed blocks instead, on one free list per 16-byte size.
//
// The pool is trivially destructible, so reaching it costs no thread-local
// initialization check; a separate object, created the first time the thread
// keeps a block, frees what is kept when the thread ends.
class BlockPool {
 public:
  void* allocate(std::size_t size) {
    if (size <= max_block_size) {
      FreeBlock*& list = free_lists_[size_class(size)];
      if (list != nullptr) {
        kept_bytes_ -= rounded(size);
        return std::exchange(list, list->next);
      }
    }
    return ::operator new(rounded(size));
  }

  void free(void* block, std::size_t size) noexcept {
    if (size > max_block_size || kept_bytes_ + rounded(size) > max_kept_bytes) {
      ::operator delete(block);
      return;
    }
    if (!release_at_thread_exit_) release_at_thread_exit();
    FreeBlock*& list = free_lists_[size_class(size)];
    list = new (block) FreeBlock{list};
    kept_bytes_ += rounded(size);
  }

  /// Frees every kept block.
  void release() noexcept {
    for (FreeBlock*& list : free_lists_) {
      while (list != nullptr) ::operator delete(std::exchange(list, list->next));
    }
    kept_bytes_ = 0;
  }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  static constexpr std::size_t granule = 16;
  static constexpr std::size_t max_block_size = 1024;
  static constexpr std::size_t max_kept_bytes = std::size_t{4} << 20;

  // Sizes that round to the same granule share a list, so a block is always
  // allocated at its rounded size.
  static std::size_t rounded(std::size_t size) noexcept {
    return (size + granule - 1) / granule * granule;
  }
  static std::size_t size_class(std::size_t size) noexcept { return (size - 1) / granule; }

  void release_at_thread_exit() noexcept;

  std::array<FreeBlock*, max_block_size / granule> free_lists_{};
  std::size_t kept_bytes_ = 0;
  bool release_at_thread_exit_ = false;
};

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer every block goes straight back to the allocator, so
// a use of a destroyed coroutine's frame (or future) is still caught.
constexpr bool keep_freed_blocks = false;
#else
constexpr bool keep_freed_blocks = true;
#endif

constinit thread_local BlockPool block_pool;

struct ReleaseAtThreadExit {
  ~ReleaseAtThreadExit() { block_pool.release(); }
};

void BlockPool::release_at_thread_exit() noexcept {
  thread_local ReleaseAtThreadExit releaser;  // its destructor runs when the thread ends
  release_at_thread_exit_ = true;
}

}  // namespace

FrameAllocations frame_allocations() noexcept {
  return frame_counts;
}

namespace detail {

void* allocate_recycled(std::size_t size) {
  if constexpr (keep_freed_blocks) return block_pool.allocate(size);
  return ::operator new(size);
}

void free_recycled(void* block, std::size_t size) noexcept {
  if constexpr (keep_freed_blocks) {
    block_pool.free(block, size);
  } else {
    ::operator delete(block, size);
  }
}

void* allocate_frame(std::size_t size) {
  ++frame_counts.frames;
  frame_counts.bytes += size;
  return allocate_recycled(size);
}

}  // namespace detail
}  // namespace aio
