#pragma once
/// \file scoped_release.hpp
/// The C++ form of `async with lock:`. Python's statement awaits `acquire()`
/// on the way in and calls `release()` on the way out, however the block is
/// left. In C++ the way out is a destructor:
///
///     auto held = co_await lock.scoped();   // async with lock:
///     ...                                    //     ...
///                                            // released when `held` goes
///
/// `scoped()` returns a ScopedAcquire: it awaits exactly like `acquire()` and
/// then hands back a ScopedRelease guard that owns the acquisition. Lock,
/// Semaphore (and BoundedSemaphore) and Condition share these two templates.

#include <coroutine>
#include <utility>

namespace aio {

/// Owns one acquisition of a Lock, Semaphore or Condition and releases it when
/// it goes out of scope. Move-only, like the acquisition it stands for.
///
/// The destructor cannot throw, so a release that fails there (the primitive
/// was already released by hand, say) ends the program, as a failing
/// `__aexit__` would end a Python program that did not catch it. Release early
/// with release() when that can happen.
template <class Primitive>
class [[nodiscard]] ScopedRelease {
 public:
  /// Takes ownership of an acquisition of `primitive` already made.
  explicit ScopedRelease(Primitive& primitive) noexcept : primitive_(&primitive) {}
  /// Takes over `other`'s acquisition; `other` owns nothing afterwards.
  ScopedRelease(ScopedRelease&& other) noexcept
      : primitive_(std::exchange(other.primitive_, nullptr)) {}
  /// Releases what this guard owns, then takes over `other`'s acquisition.
  ScopedRelease& operator=(ScopedRelease&& other) noexcept {
    if (this != &other) {
      release_if_owned();
      primitive_ = std::exchange(other.primitive_, nullptr);
    }
    return *this;
  }
  ScopedRelease(const ScopedRelease&) = delete;
  ScopedRelease& operator=(const ScopedRelease&) = delete;
  ~ScopedRelease() { release_if_owned(); }

  /// Releases now, before the scope ends; afterwards the guard owns nothing.
  void release() {
    if (Primitive* primitive = std::exchange(primitive_, nullptr)) primitive->release();
  }
  /// Whether the guard still owns an acquisition.
  bool owns() const noexcept { return primitive_ != nullptr; }
  /// Whether the guard still owns an acquisition, as owns().
  explicit operator bool() const noexcept { return owns(); }

 private:
  void release_if_owned() noexcept {
    if (primitive_ != nullptr) std::exchange(primitive_, nullptr)->release();
  }

  Primitive* primitive_;
};

/// What `scoped()` returns: the primitive's own acquire awaiter, whose result
/// becomes a ScopedRelease. If the acquisition fails (it is cancelled while it
/// waits) the exception propagates and there is nothing to release.
template <class Primitive, class Acquire>
class [[nodiscard]] ScopedAcquire {
 public:
  /// Wraps `acquire`, an acquire awaiter of `primitive` (scoped() makes it).
  ScopedAcquire(Primitive& primitive, Acquire acquire) noexcept
      : primitive_(&primitive), acquire_(std::move(acquire)) {}

  /// True when the acquire awaiter takes the primitive without waiting.
  bool await_ready() { return acquire_.await_ready(); }
  /// Queues the awaiting task, as the acquire awaiter does.
  decltype(auto) await_suspend(std::coroutine_handle<> suspended) {
    return acquire_.await_suspend(suspended);
  }
  /// Completes the acquisition (or throws, owning nothing) and returns the
  /// guard that will release it.
  ScopedRelease<Primitive> await_resume() {
    acquire_.await_resume();
    return ScopedRelease<Primitive>(*primitive_);
  }

 private:
  Primitive* primitive_;
  Acquire acquire_;
};

}  // namespace aio
