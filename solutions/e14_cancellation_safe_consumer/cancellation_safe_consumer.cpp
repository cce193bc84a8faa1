// Exercise E14, a reference answer.
#include "cancellation_safe_consumer.hpp"

#include <utility>

namespace e14 {

aio::Task<> consume(aio::Queue<std::string>& queue, Ledger* ledger) {
  while (true) {
    // Cancelled here, the task has taken nothing: the CancelledError simply
    // goes on, and there is nothing to undo.
    std::string item = co_await queue.get();
    try {
      co_await process(item);
    } catch (const aio::CancelledError&) {
      // Cancelled with the item in hand. Hand it over for a retry, and tell
      // the queue it is dealt with, so join() does not wait for it. Both are
      // plain calls: nothing here needs to co_await.
      ledger->unfinished.push_back(std::move(item));
      queue.task_done();
      throw;  // the same CancelledError: the task ends cancelled
    }
    ledger->finished.push_back(std::move(item));
    queue.task_done();
  }
}

}  // namespace e14
