#pragma once
/// \file queue.hpp
/// Queues between tasks (`asyncio.Queue`, `asyncio.LifoQueue`,
/// `asyncio.PriorityQueue`): a producer puts items in, a consumer takes them
/// out, and either one waits when it has to.
///
///     aio::Queue<std::string> queue(10);       // at most 10 items; 0: no limit
///     co_await queue.put("job");               // waits while the queue is full
///     std::string job = co_await queue.get();  // waits while it is empty
///     queue.task_done();                       // the job is finished
///     co_await queue.join();                   // every job put is finished
///
/// The code follows CPython 3.11's `Lib/asyncio/queues.py`, with one change of
/// place: CPython's `while self.empty():` loop around the wait runs in the
/// waiter (detail::QueuedWait) just before the task would resume, instead of
/// in a coroutine of its own, so a wait costs no coroutine frame. The order of
/// events is the same. The three queues differ only in which item get() takes:
/// the oldest (Queue), the newest (LifoQueue) or the smallest (PriorityQueue).
/// The rest is shared:
///
/// - A get() on an empty queue (a put() on a full one) queues a future among
///   the getters (putters) and waits for it. Each put_nowait() wakes the first
///   getter still waiting, each get_nowait() the first putter.
/// - Being woken is not being served. The woken task runs in a later loop
///   iteration and only then takes its item; if another task took it first,
///   the woken one waits again, at the back of the line.
/// - A get() cancelled after it was woken passes the wake-up on to the next
///   getter, so no item is left in the queue while a getter waits (likewise
///   for put()). A cancelled get() takes no item; a cancelled put() adds none.
///
/// `co_await` put(), get() and join(). join() is a coroutine, which can also go
/// to aio::create_task; put() and get() return awaiters. The queue binds to the
/// running loop the first time a task waits on it. It should outlive the tasks waiting on it; if
/// it does not, a waiting task cancelled later gets its CancelledError without
/// touching it, and one it woke gets RuntimeError.

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "aio/detail/waiter_queue.hpp"
#include "aio/errors.hpp"
#include "aio/event.hpp"
#include "aio/task.hpp"

namespace aio {

/// Thrown by get_nowait() on an empty queue (asyncio.QueueEmpty). Like
/// Python's, it has no message.
class QueueEmpty : public std::runtime_error {
 public:
  QueueEmpty() : std::runtime_error("") {}
};

/// Thrown by put_nowait() on a full queue (asyncio.QueueFull).
class QueueFull : public std::runtime_error {
 public:
  QueueFull() : std::runtime_error("") {}
};

namespace detail {

/// How a queue names itself. Python's repr of a LifoQueue says LifoQueue, not
/// the Queue it derives from, and so does the error of a queue bound to
/// another loop, which quotes that repr ("<LifoQueue at ...> is bound to a
/// different event loop"); on timelines, what a waiting task awaits names the
/// queue the program called ("LifoQueue.get()"). String literals, since a
/// waiter keeps a pointer to its name.
struct QueueNames {
  const char* kind;  ///< The class: "Queue", "LifoQueue" or "PriorityQueue".
  const char* get;   ///< What a waiting get() awaits: "Queue.get()".
  const char* put;   ///< What a waiting put() awaits: "Queue.put()".
};

/// Items in arrival order: the oldest comes out first (collections.deque).
template <class T>
struct FifoStore {
  static constexpr QueueNames names{"Queue", "Queue.get()", "Queue.put()"};
  std::deque<T> items;
  void push(T&& item) { items.push_back(std::move(item)); }
  T pop() {
    T item = std::move(items.front());
    items.pop_front();
    return item;
  }
};

/// The newest item comes out first (a list used as a stack).
template <class T>
struct LifoStore {
  static constexpr QueueNames names{"LifoQueue", "LifoQueue.get()", "LifoQueue.put()"};
  std::vector<T> items;
  void push(T&& item) { items.push_back(std::move(item)); }
  T pop() {
    T item = std::move(items.back());
    items.pop_back();
    return item;
  }
};

/// The smallest item by `Compare` comes out first (heapq). Unlike heapq, equal
/// items come out in the order they went in: each entry carries its arrival
/// number, which breaks ties.
template <class T, class Compare>
struct HeapStore {
  static constexpr QueueNames names{"PriorityQueue", "PriorityQueue.get()", "PriorityQueue.put()"};
  struct Entry {
    T item;
    std::uint64_t arrival;
  };
  std::vector<Entry> entries;
  Compare compare;
  std::uint64_t next_arrival = 0;

  /// The std heap functions keep the greatest entry on top; here "greatest"
  /// means "comes out first", so this answers: is `a` due after `b`?
  bool comes_later(const Entry& a, const Entry& b) const {
    if (compare(b.item, a.item)) return true;
    if (compare(a.item, b.item)) return false;
    return a.arrival > b.arrival;
  }
  void push(T&& item) {
    entries.push_back(Entry{std::move(item), next_arrival++});
    std::push_heap(entries.begin(), entries.end(),
                   [this](const Entry& a, const Entry& b) { return comes_later(a, b); });
  }
  T pop() {
    std::pop_heap(entries.begin(), entries.end(),
                  [this](const Entry& a, const Entry& b) { return comes_later(a, b); });
    T item = std::move(entries.back().item);
    entries.pop_back();
    return item;
  }
};

}  // namespace detail

/// A queue of T whose items come out in the order `Store` gives them
/// (CPython's Queue, with `_init`, `_put` and `_get` in the store), named by
/// `Store::names` as the Python class that defines them.
template <class T, class Store>
class BasicQueue : detail::LoopBound {
 public:
  /// The type of the items.
  using value_type = T;

  /// A queue of at most `maxsize` items (0: no limit), kept in `store`.
  explicit BasicQueue(std::size_t maxsize = 0, Store store = Store())
      : maxsize_(maxsize), store_(std::move(store)) {
    finished_.set();
  }

  /// Number of items in the queue.
  std::size_t qsize() const noexcept { return size_; }
  /// Number of items allowed in the queue; 0 means no limit.
  std::size_t maxsize() const noexcept { return maxsize_; }
  /// True when the queue holds no item.
  bool empty() const noexcept { return size_ == 0; }
  /// True when there are maxsize items in the queue; never when maxsize is 0.
  bool full() const noexcept { return maxsize_ > 0 && size_ >= maxsize_; }
  /// Items put and not yet marked done with task_done() (`_unfinished_tasks`).
  std::size_t unfinished_tasks() const noexcept { return unfinished_; }

  /// What put() and get() return: `co_await` it. It does not suspend when the
  /// queue is ready for it; otherwise it waits in line, and runs CPython's
  /// waiting loop (`while self.full():` or `while self.empty():`): a task
  /// woken when the queue is blocked again goes back to the end of the line
  /// before it resumes (see detail::QueuedWait).
  class [[nodiscard]] Wait : detail::WaitCondition {
   public:
    /// Waits in `waiters` while `(queue.*blocked)()` is true; `waiting_for`
    /// names the wait ("LifoQueue.get()").
    Wait(BasicQueue& queue, bool (BasicQueue::*blocked)() const, detail::WaiterQueue& waiters,
         const char* waiting_for) noexcept
        : queue_(queue), blocked_(blocked), waiters_(waiters), waiting_for_(waiting_for) {}
    /// No suspension when the queue is not blocked.
    bool await_ready() const noexcept { return !still_blocked(); }
    /// Queues the awaiting task among the getters (or putters).
    void await_suspend(std::coroutine_handle<> suspended) {
      wait_.emplace(waiters_, queue_.bound_loop(Store::names.kind), waiting_for_,
                    static_cast<const WaitCondition*>(this));
      wait_->await_suspend(suspended);
    }
    /// Rethrows the CancelledError of a cancelled wait.
    void await_resume() {
      if (!wait_) return;  // ready without waiting
      try {
        wait_->await_resume();
      } catch (const CancelledError&) {
        // Woken, but cancelled before it could use the item or the slot: wake
        // up the next in line.
        if (!wait_->orphaned() && !wait_->cancelled() && !still_blocked()) {
          waiters_.wake_pending(1);
        }
        throw;
      }
    }

   protected:
    BasicQueue& queue_;  ///< The queue waited on.

   private:
    bool still_blocked() const override { return (queue_.*blocked_)(); }

    bool (BasicQueue::*blocked_)() const;
    detail::WaiterQueue& waiters_;
    const char* waiting_for_;
    std::optional<detail::QueuedWait> wait_;
  };

  /// What put() returns: `co_await` it to add the item, waiting for room.
  class [[nodiscard]] Put : public Wait {
   public:
    /// Holds `item` until the queue has room for it.
    Put(BasicQueue& queue, T item)
        : Wait(queue, &BasicQueue::full, queue.putters_, Store::names.put),
          item_(std::move(item)) {}
    /// Adds the item; throws CancelledError, adding nothing, if the wait was cancelled.
    void await_resume() {
      Wait::await_resume();  // a cancelled put throws here: the item is not added
      this->queue_.put_nowait(std::move(item_));
    }

   private:
    T item_;
  };

  /// What get() returns: `co_await` it to take an item, waiting for one.
  class [[nodiscard]] Get : public Wait {
   public:
    /// Takes from `queue` once it has an item.
    explicit Get(BasicQueue& queue) noexcept
        : Wait(queue, &BasicQueue::empty, queue.getters_, Store::names.get) {}
    /// Takes the item; throws CancelledError, taking nothing, if the wait was cancelled.
    T await_resume() {
      Wait::await_resume();  // a cancelled get throws here: no item is taken
      return this->queue_.get_nowait();
    }
  };

  /// Adds `item`, waiting while the queue is full. If the wait is cancelled,
  /// the item is not added.
  Put put(T item) { return Put(*this, std::move(item)); }

  /// Adds `item` without waiting; throws QueueFull when the queue is full.
  void put_nowait(T item) {
    if (full()) throw QueueFull();
    store_.push(std::move(item));
    ++size_;
    ++unfinished_;
    finished_.clear();
    getters_.wake_pending(1);
  }

  /// Removes and returns an item, waiting while the queue is empty.
  Get get() noexcept { return Get(*this); }

  /// Removes and returns an item without waiting; throws QueueEmpty when the
  /// queue is empty.
  T get_nowait() {
    if (empty()) throw QueueEmpty();
    T item = store_.pop();
    --size_;
    putters_.wake_pending(1);
    return item;
  }

  /// Marks one item taken with get() as processed. When every item ever put is
  /// marked, the tasks waiting in join() are woken. Throws std::invalid_argument
  /// (Python's ValueError) when called more times than items were put.
  void task_done() {
    if (unfinished_ == 0) throw std::invalid_argument("task_done() called too many times");
    if (--unfinished_ == 0) finished_.set();
  }

  /// Waits until every item put has been marked done with task_done().
  Task<void> join() {
    if (unfinished_ > 0) co_await finished_.wait();
  }

 private:
  std::size_t maxsize_;
  std::size_t size_ = 0;
  std::size_t unfinished_ = 0;
  detail::WaiterQueue getters_;
  detail::WaiterQueue putters_;
  Event finished_;
  Store store_;
};

/// A first-in, first-out queue (`asyncio.Queue`). `maxsize` 0 means no limit.
template <class T>
class Queue : public BasicQueue<T, detail::FifoStore<T>> {
 public:
  /// An empty queue of at most `maxsize` items, 0 for no limit
  /// (`asyncio.Queue(maxsize)`).
  explicit Queue(std::size_t maxsize = 0) : BasicQueue<T, detail::FifoStore<T>>(maxsize) {}
};

/// A last-in, first-out queue (`asyncio.LifoQueue`): get() takes the newest item.
template <class T>
class LifoQueue : public BasicQueue<T, detail::LifoStore<T>> {
 public:
  /// An empty queue of at most `maxsize` items, 0 for no limit
  /// (`asyncio.LifoQueue(maxsize)`).
  explicit LifoQueue(std::size_t maxsize = 0) : BasicQueue<T, detail::LifoStore<T>>(maxsize) {}
};

/// A queue whose get() takes the smallest item (`asyncio.PriorityQueue`), as
/// `Compare` orders them. With the default std::less, std::pair<int, Job>
/// entries behave like Python's (priority, job) tuples.
///
/// Items that compare equal come out first in, first out. Python's heapq
/// promises no order among them, which is why Python code puts (priority,
/// counter, job) tuples; here a Compare that looks at the priority alone does.
template <class T, class Compare = std::less<T>>
class PriorityQueue : public BasicQueue<T, detail::HeapStore<T, Compare>> {
 public:
  /// An empty queue of at most `maxsize` items, 0 for no limit, ordered by
  /// `compare` (`asyncio.PriorityQueue(maxsize)`).
  explicit PriorityQueue(std::size_t maxsize = 0, Compare compare = Compare())
      : BasicQueue<T, detail::HeapStore<T, Compare>>(
            maxsize, detail::HeapStore<T, Compare>{{}, std::move(compare)}) {}
};

}  // namespace aio
