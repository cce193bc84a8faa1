#pragma once
/// \file queue.hpp
/// Queues between tasks (`asyncio.Queue`, `asyncio.PriorityQueue`,
/// `asyncio.LifoQueue`): a producer puts items in, a consumer takes them out,
/// and either one waits when it has to.
///
///     aio::Queue<std::string> queue(10);       // at most 10 items; 0: no limit
///     co_await queue.put("job");               // waits while the queue is full
///     std::string job = co_await queue.get();  // waits while it is empty
///     queue.task_done();                       // the job is finished
///     co_await queue.join();                   // every job put is finished
///
/// The three queues differ only in which item `get` takes: the oldest (Queue),
/// the newest (LifoQueue) or the smallest (PriorityQueue). Everything about
/// waiting is shared, and follows CPython 3.11's `Lib/asyncio/queues.py`:
///
/// - A `get` on an empty queue (a `put` on a full one) creates a future, appends
///   it to the queue's getters (putters) and waits for it. Waiters are woken
///   first in, first out, one at a time: each `put_nowait` wakes the first
///   getter still waiting, each `get_nowait` the first putter.
/// - Being woken is not being served. The woken task runs in a later loop
///   iteration, and only then takes its item (or slot). If another task took it
///   first, the woken one waits again, at the back of the line.
/// - A `get` cancelled after it was woken passes the wake-up to the next getter,
///   so no item is left in the queue while a getter waits (likewise for `put`).
///   A cancelled `get` takes no item; a cancelled `put` inserts nothing.
/// - `put_nowait` and `get_nowait` never wait: they throw QueueFull and
///   QueueEmpty instead.
///
/// `put`, `get` and `join` return awaiters, as `aio::sleep` does: `co_await`
/// them in a coroutine. To hand one to `create_task`, wrap it in a coroutine of
/// your own (`aio::Task<T> take(aio::Queue<T>& q) { co_return co_await q.get(); }`).
///
/// Unlike CPython's, a queue is not bound to the first loop it waits in:
/// CPython raises RuntimeError when a queue that waited in one `asyncio.run`
/// waits again in another; aio cannot tell two loops apart when the second
/// is built where the first one was, so it does not check.
///
/// A queue must outlive the operations waiting on it. If it is destroyed while
/// tasks still wait, they are not woken; a waiting task cancelled afterwards
/// (aio::run cancels what is left when main returns) gets its CancelledError
/// without touching the destroyed queue.

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <new>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "aio/errors.hpp"
#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/task.hpp"

namespace aio {

/// Thrown by `get_nowait` on an empty queue (asyncio.QueueEmpty). Like
/// Python's, it has no message.
class QueueEmpty : public std::runtime_error {
 public:
  QueueEmpty() : std::runtime_error("") {}
};

/// Thrown by `put_nowait` on a full queue (asyncio.QueueFull).
class QueueFull : public std::runtime_error {
 public:
  QueueFull() : std::runtime_error("") {}
};

namespace detail {

class WaiterList;

/// One waiting get, put or join: the future CPython creates with
/// `loop.create_future()` and appends to `_getters`, `_putters` or the
/// `_finished` event's waiters. It lives inside the waiting operation (no heap
/// allocation) and is linked into one of the queue's lists while it matters.
class QueueWaiter final : public FutureCore<void> {
 public:
  explicit QueueWaiter(EventLoop& loop) noexcept : FutureCore<void>(&loop) {}
  QueueWaiter(const QueueWaiter&) = delete;
  QueueWaiter& operator=(const QueueWaiter&) = delete;
  ~QueueWaiter() override;

  /// True once the queue was destroyed while this waiter was linked to it.
  bool detached() const noexcept { return detached_; }

 protected:
  // Nothing to free: the waiter is a member or a local, never counted.
  void destroy() noexcept override {}

 private:
  friend class WaiterList;
  QueueWaiter* previous_ = nullptr;
  QueueWaiter* next_ = nullptr;
  WaiterList* list_ = nullptr;
  bool detached_ = false;
};

/// A first-in, first-out list of waiters (CPython's deque of futures), linked
/// through the waiters themselves: appending and removing never allocate, and
/// removing a cancelled waiter from the middle costs O(1), not O(n).
class WaiterList {
 public:
  WaiterList() = default;
  WaiterList(const WaiterList&) = delete;
  WaiterList& operator=(const WaiterList&) = delete;

  bool empty() const noexcept { return first_ == nullptr; }

  void push_back(QueueWaiter& waiter) noexcept {
    unlink(waiter);
    waiter.list_ = this;
    waiter.previous_ = last_;
    (last_ != nullptr ? last_->next_ : first_) = &waiter;
    last_ = &waiter;
  }

  /// Removes and returns the first waiter, or nullptr.
  QueueWaiter* pop_front() noexcept {
    QueueWaiter* first = first_;
    if (first != nullptr) unlink(*first);
    return first;
  }

  /// Removes `waiter` from whatever list holds it, if any.
  static void unlink(QueueWaiter& waiter) noexcept {
    WaiterList* list = waiter.list_;
    if (list == nullptr) return;
    (waiter.previous_ != nullptr ? waiter.previous_->next_ : list->first_) = waiter.next_;
    (waiter.next_ != nullptr ? waiter.next_->previous_ : list->last_) = waiter.previous_;
    waiter.previous_ = waiter.next_ = nullptr;
    waiter.list_ = nullptr;
  }

  /// Empties the list, marking every waiter as detached (the queue is going away).
  void detach_all() noexcept {
    while (QueueWaiter* waiter = pop_front()) waiter->detached_ = true;
  }

  /// Number of waiters (O(n); for reports such as a queue's repr).
  std::size_t size() const noexcept {
    std::size_t count = 0;
    for (const QueueWaiter* waiter = first_; waiter != nullptr; waiter = waiter->next_) ++count;
    return count;
  }

 private:
  QueueWaiter* first_ = nullptr;
  QueueWaiter* last_ = nullptr;
};

inline QueueWaiter::~QueueWaiter() {
  WaiterList::unlink(*this);
}

/// Suspends the running task until `waiter` is done (`await fut`), then throws
/// CancelledError if the waiter or the task was cancelled meanwhile.
class WaiterAwaiter {
 public:
  WaiterAwaiter(TaskBase& task, QueueWaiter& waiter) noexcept : task_(task), waiter_(waiter) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> suspended) { task_.wait_on(waiter_, suspended); }
  void await_resume() {
    task_.deliver_pending_cancel();
    waiter_.check_result();
  }

 private:
  TaskBase& task_;
  QueueWaiter& waiter_;
};

/// Which line a waiting operation stands in.
enum class WaitSide : std::uint8_t {
  get,  ///< getters wait while the queue is empty
  put,  ///< putters wait while it is full
};

/// The part of a queue that does not depend on the item type or on the order
/// items come out in: the counts, the three lists of waiters, and how waiters
/// are woken. CPython's Queue minus `_init`, `_put` and `_get`.
class QueueCore {
 public:
  explicit QueueCore(std::size_t maxsize) noexcept : maxsize_(maxsize) {}
  QueueCore(const QueueCore&) = delete;
  QueueCore& operator=(const QueueCore&) = delete;
  ~QueueCore() {
    getters_.detach_all();
    putters_.detach_all();
    joiners_.detach_all();
    woken_.detach_all();
  }

  /// Number of items in the queue.
  std::size_t qsize() const noexcept { return size_; }
  /// Number of items allowed in the queue; 0 means no limit.
  std::size_t maxsize() const noexcept { return maxsize_; }
  bool empty() const noexcept { return size_ == 0; }
  /// True when there are maxsize items in the queue; never true when maxsize is 0.
  bool full() const noexcept { return maxsize_ > 0 && size_ >= maxsize_; }

  /// Marks one item taken with get() as processed. When every item ever put is
  /// marked, the tasks waiting in join() are woken. Throws std::invalid_argument
  /// (Python's ValueError) when called more times than items were put.
  void task_done() {
    if (unfinished_ == 0) throw std::invalid_argument("task_done() called too many times");
    if (--unfinished_ == 0) wake_joiners();
  }

  /// Items put and not yet marked done with task_done() (`_unfinished_tasks`).
  std::size_t unfinished_tasks() const noexcept { return unfinished_; }

  /// Waiting getters and putters, counted as CPython's repr counts `_getters`
  /// and `_putters` (cancelled ones included until they have left the line).
  std::size_t getters_waiting() const noexcept { return getters_.size(); }
  std::size_t putters_waiting() const noexcept { return putters_.size(); }

  /// `co_await queue.join()`: waits until every item put has been marked done
  /// with task_done(); returns at once if that is already so. Once woken it
  /// returns even if new items arrived meanwhile, as asyncio's does.
  class [[nodiscard]] JoinAwaiter {
   public:
    explicit JoinAwaiter(QueueCore& queue) noexcept : queue_(queue) {}
    bool await_ready() const noexcept { return queue_.unfinished_ == 0; }
    void await_suspend(std::coroutine_handle<> suspended) {
      task_ = &running_task();
      waiter_.emplace(task_->loop());
      queue_.joiners_.push_back(*waiter_);
      task_->wait_on(*waiter_, suspended);
    }
    void await_resume() {
      if (!waiter_) return;
      task_->deliver_pending_cancel();
      waiter_->check_result();
    }

   private:
    QueueCore& queue_;
    TaskBase* task_ = nullptr;
    std::optional<QueueWaiter> waiter_;
  };

  JoinAwaiter join() noexcept { return JoinAwaiter(*this); }

  // ---- for the queue templates and the waiting coroutine ----

  bool must_wait(WaitSide side) const noexcept { return side == WaitSide::get ? empty() : full(); }

  /// Puts `waiter` at the back of the line for `side`.
  void enlist(QueueWaiter& waiter, WaitSide side) noexcept { line(side).push_back(waiter); }

  /// CPython's `except:` branch in get() and put(): the waiting operation was
  /// interrupted (cancelled, as a rule). It leaves the line; if it had been
  /// woken and the queue could serve it, the next in line gets the wake-up.
  void withdraw(QueueWaiter& waiter, WaitSide side) {
    if (!waiter.done()) {  // "just in case": nothing may wake the task through it now
      waiter.clear_done_callbacks();
      waiter.cancel({});
    }
    WaiterList::unlink(waiter);
    if (!must_wait(side) && !waiter.cancelled()) wake_next(line(side));
  }

 protected:
  /// An item went in: count it and wake the first waiting getter (the rest of
  /// `put_nowait`).
  void item_added() {
    ++size_;
    ++unfinished_;
    wake_next(getters_);
  }

  /// An item came out: wake the first waiting putter (the rest of `get_nowait`).
  void item_removed() {
    --size_;
    wake_next(putters_);
  }

 private:
  WaiterList& line(WaitSide side) noexcept { return side == WaitSide::get ? getters_ : putters_; }

  /// `_wakeup_next`: wakes the first waiter of `line` that is not done yet;
  /// done (cancelled) ones met on the way just leave the line.
  void wake_next(WaiterList& waiters) {
    while (QueueWaiter* waiter = waiters.pop_front()) {
      if (waiter->done()) continue;
      woken_.push_back(*waiter);
      waiter->set_result();
      return;
    }
  }

  /// `_finished.set()`: wakes every task waiting in join(), in the order they came.
  void wake_joiners() {
    while (QueueWaiter* waiter = joiners_.pop_front()) {
      if (waiter->done()) continue;
      woken_.push_back(*waiter);
      waiter->set_result();
    }
  }

  WaiterList getters_;
  WaiterList putters_;
  WaiterList joiners_;
  // Woken waiters whose task has not run yet. Only kept so that a queue
  // destroyed in the meantime can tell them (detach_all).
  WaiterList woken_;
  std::size_t maxsize_;
  std::size_t size_ = 0;
  std::size_t unfinished_ = 0;
};

/// Recycles the frames of the waiting coroutine below, one thread's worth:
/// a get that waits would otherwise pay a malloc and a free each time, as
/// much as the rest of the wait together. Every frame of that coroutine has
/// the same size; the pool keeps up to `capacity` free ones.
class WaitFramePool {
 public:
  WaitFramePool() = default;
  WaitFramePool(const WaitFramePool&) = delete;
  WaitFramePool& operator=(const WaitFramePool&) = delete;
  ~WaitFramePool() {
    while (free_ != nullptr) ::operator delete(std::exchange(free_, free_->next));
  }

  void* allocate(std::size_t size) {
    if (!enabled) return ::operator new(size);
    if (size == frame_size_ && free_ != nullptr) {
      --count_;
      return std::exchange(free_, free_->next);
    }
    return ::operator new(size);
  }

  void release(void* frame, std::size_t size) noexcept {
    if (!enabled) {
      ::operator delete(frame);
      return;
    }
    if (frame_size_ == 0 && size >= sizeof(FreeFrame)) frame_size_ = size;
    if (size != frame_size_ || count_ == capacity) {
      ::operator delete(frame);
      return;
    }
    free_ = ::new (frame) FreeFrame{free_};
    ++count_;
  }

  static WaitFramePool& of_this_thread() noexcept {
    thread_local WaitFramePool pool;
    return pool;
  }

 private:
  struct FreeFrame {
    FreeFrame* next;
  };
  static constexpr std::size_t capacity = 64;
  // Under AddressSanitizer every frame comes from the heap, so a frame used
  // after it was freed is caught, not silently recycled.
#if defined(__SANITIZE_ADDRESS__)
  static constexpr bool enabled = false;
#elif defined(__has_feature)
  static constexpr bool enabled = !__has_feature(address_sanitizer);
#else
  static constexpr bool enabled = true;
#endif
  FreeFrame* free_ = nullptr;
  std::size_t frame_size_ = 0;
  std::size_t count_ = 0;
};

/// The coroutine a get (put) runs in once it has to wait: CPython's
/// `while self.empty(): ... await getter`. A task can only suspend in a
/// coroutine, and a woken getter that finds the queue empty again must suspend
/// again, so the loop needs a frame of its own. It is created only when the
/// operation waits, and it returns to the awaiting coroutine when it is done.
class [[nodiscard]] WaitLoop {
 public:
  struct promise_type {
    std::coroutine_handle<> caller;
    std::exception_ptr error;

    WaitLoop get_return_object() noexcept {
      return WaitLoop(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    auto final_suspend() noexcept {
      struct ReturnToCaller {
        bool await_ready() const noexcept { return false; }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> done) noexcept {
          return done.promise().caller;
        }
        void await_resume() const noexcept {}
      };
      return ReturnToCaller{};
    }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { error = std::current_exception(); }

    static void* operator new(std::size_t size) {
      return WaitFramePool::of_this_thread().allocate(size);
    }
    static void operator delete(void* frame, std::size_t size) noexcept {
      WaitFramePool::of_this_thread().release(frame, size);
    }
  };

  WaitLoop() noexcept = default;
  explicit WaitLoop(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
  WaitLoop(WaitLoop&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  WaitLoop& operator=(WaitLoop&& other) noexcept {
    std::swap(handle_, other.handle_);
    return *this;
  }
  ~WaitLoop() {
    if (handle_) handle_.destroy();
  }

  /// Records where to return and gives the handle to transfer control to.
  std::coroutine_handle<> start(std::coroutine_handle<> caller) noexcept {
    handle_.promise().caller = caller;
    return handle_;
  }

  /// Throws what ended the wait (CancelledError, as a rule), if anything did.
  void rethrow_if_failed() const {
    if (handle_ && handle_.promise().error) std::rethrow_exception(handle_.promise().error);
  }

 private:
  std::coroutine_handle<promise_type> handle_;
};

inline WaitLoop wait_while_blocked(QueueCore* queue, WaitSide side) {
  TaskBase& task = running_task();
  while (queue->must_wait(side)) {
    QueueWaiter waiter(task.loop());
    queue->enlist(waiter, side);
    try {
      co_await WaiterAwaiter(task, waiter);
    } catch (...) {
      if (!waiter.detached()) queue->withdraw(waiter, side);
      throw;
    }
    if (waiter.detached()) throw RuntimeError("aio queue destroyed while a task was waiting on it");
  }
}

/// Items in arrival order: the oldest comes out first (collections.deque).
template <class T>
class FifoStore {
 public:
  void push(T&& item) { items_.push_back(std::move(item)); }
  T pop() {
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

 private:
  std::deque<T> items_;
};

/// The newest item comes out first (a list used as a stack).
template <class T>
class LifoStore {
 public:
  void push(T&& item) { items_.push_back(std::move(item)); }
  T pop() {
    T item = std::move(items_.back());
    items_.pop_back();
    return item;
  }

 private:
  std::vector<T> items_;
};

/// The smallest item by `Compare` comes out first (heapq). Unlike heapq, equal
/// items come out in the order they went in: each entry carries its arrival
/// number, which breaks ties.
template <class T, class Compare>
class HeapStore {
 public:
  explicit HeapStore(Compare compare = Compare()) : compare_(std::move(compare)) {}

  void push(T&& item) {
    entries_.push_back(Entry{std::move(item), next_arrival_++});
    std::push_heap(entries_.begin(), entries_.end(), ComesLater{compare_});
  }
  T pop() {
    std::pop_heap(entries_.begin(), entries_.end(), ComesLater{compare_});
    T item = std::move(entries_.back().item);
    entries_.pop_back();
    return item;
  }

 private:
  struct Entry {
    T item;
    std::uint64_t arrival;
  };
  // The std heap functions keep the greatest element on top; "greatest" here
  // means "comes out first", so the order is: is `a` due after `b`?
  struct ComesLater {
    const Compare& compare;
    bool operator()(const Entry& a, const Entry& b) const {
      if (compare(b.item, a.item)) return true;
      if (compare(a.item, b.item)) return false;
      return a.arrival > b.arrival;
    }
  };

  std::vector<Entry> entries_;
  [[no_unique_address]] Compare compare_;
  std::uint64_t next_arrival_ = 0;
};

/// A queue of T whose items come out in the order `Store` gives them. The
/// public queues below are this with a store each.
template <class T, class Store>
class BasicQueue : public QueueCore {
 public:
  using value_type = T;

  explicit BasicQueue(std::size_t maxsize = 0, Store store = Store())
      : QueueCore(maxsize), store_(std::move(store)) {}

  /// Adds `item` without waiting; throws QueueFull when the queue is full.
  /// Wakes the first task waiting in get(), if any.
  void put_nowait(T item) {
    if (full()) throw QueueFull();
    store_.push(std::move(item));
    item_added();
  }

  /// Removes and returns an item without waiting; throws QueueEmpty when the
  /// queue is empty. Wakes the first task waiting in put(), if any.
  T get_nowait() {
    if (empty()) throw QueueEmpty();
    T item = store_.pop();
    item_removed();
    return item;
  }

  /// `co_await queue.get()`: removes and returns an item, waiting while the
  /// queue is empty. Does not suspend when an item is there.
  class [[nodiscard]] GetAwaiter {
   public:
    explicit GetAwaiter(BasicQueue& queue) noexcept : queue_(queue) {}
    bool await_ready() const noexcept { return !queue_.empty(); }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> suspended) {
      wait_ = wait_while_blocked(&queue_, WaitSide::get);
      return wait_.start(suspended);
    }
    T await_resume() {
      wait_.rethrow_if_failed();
      return queue_.get_nowait();
    }

   private:
    BasicQueue& queue_;
    WaitLoop wait_;  // empty unless the get had to wait
  };

  /// `co_await queue.put(item)`: adds `item`, waiting while the queue is full.
  /// Does not suspend when there is room. If the wait is cancelled the item is
  /// not added (it is destroyed with the awaiter).
  class [[nodiscard]] PutAwaiter {
   public:
    PutAwaiter(BasicQueue& queue, T item) : queue_(queue), item_(std::move(item)) {}
    bool await_ready() const noexcept { return !queue_.full(); }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> suspended) {
      wait_ = wait_while_blocked(&queue_, WaitSide::put);
      return wait_.start(suspended);
    }
    void await_resume() {
      wait_.rethrow_if_failed();
      queue_.put_nowait(std::move(item_));
    }

   private:
    BasicQueue& queue_;
    T item_;
    WaitLoop wait_;  // empty unless the put had to wait
  };

  GetAwaiter get() noexcept { return GetAwaiter(*this); }
  PutAwaiter put(T item) { return PutAwaiter(*this, std::move(item)); }

 private:
  Store store_;
};

}  // namespace detail

/// A first-in, first-out queue (`asyncio.Queue`). `maxsize` 0 means no limit.
template <class T>
class Queue : public detail::BasicQueue<T, detail::FifoStore<T>> {
 public:
  explicit Queue(std::size_t maxsize = 0) : detail::BasicQueue<T, detail::FifoStore<T>>(maxsize) {}
};

/// A last-in, first-out queue (`asyncio.LifoQueue`): get() takes the newest item.
template <class T>
class LifoQueue : public detail::BasicQueue<T, detail::LifoStore<T>> {
 public:
  explicit LifoQueue(std::size_t maxsize = 0)
      : detail::BasicQueue<T, detail::LifoStore<T>>(maxsize) {}
};

/// A queue whose get() takes the smallest item (`asyncio.PriorityQueue`), as
/// `Compare` orders them. With the default std::less, std::pair<int, Job>
/// entries behave like Python's (priority, job) tuples: the lowest priority
/// comes out first, and equal priorities are ordered by the jobs.
///
/// Items that compare equal (neither is less than the other) come out first
/// in, first out. Python's heapq promises no order among equal entries, which
/// is why Python code that wants equal priorities served in arrival order puts
/// (priority, counter, job) tuples. Here a Compare that looks at the priority
/// alone gives that order.
template <class T, class Compare = std::less<T>>
class PriorityQueue : public detail::BasicQueue<T, detail::HeapStore<T, Compare>> {
 public:
  explicit PriorityQueue(std::size_t maxsize = 0, Compare compare = Compare())
      : detail::BasicQueue<T, detail::HeapStore<T, Compare>>(
            maxsize, detail::HeapStore<T, Compare>(std::move(compare))) {}
};

}  // namespace aio
