#pragma once
/// \file aio.hpp
/// The whole runtime in one include: `#include <aio/aio.hpp>`.

/// \namespace aio
/// Python's asyncio rebuilt in C++20, with asyncio's names and rules.
///
/// Programs use what this reference documents: aio::run, aio::sleep, aio::Task
/// and aio::create_task, aio::gather, aio::wait, aio::TaskGroup, aio::timeout,
/// aio::Lock, aio::Queue and the rest. The machinery behind them is in
/// `aio::detail`, which the reference leaves out. \ref appendix_asyncio_map
/// lists every asyncio name the book uses with its counterpart here.

#include "aio/all_tasks.hpp"
#include "aio/as_completed.hpp"
#include "aio/barrier.hpp"
#include "aio/clock.hpp"
#include "aio/condition.hpp"
#include "aio/ensure_future.hpp"
#include "aio/errors.hpp"
#include "aio/event.hpp"
#include "aio/event_loop.hpp"
#include "aio/exception_group.hpp"
#include "aio/frame_allocations.hpp"
#include "aio/future.hpp"
#include "aio/gather.hpp"
#include "aio/handle.hpp"
#include "aio/lock.hpp"
#include "aio/outcome.hpp"
#include "aio/queue.hpp"
#include "aio/random.hpp"
#include "aio/run.hpp"
#include "aio/semaphore.hpp"
#include "aio/shield.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/task_group.hpp"
#include "aio/timeouts.hpp"
#include "aio/trace.hpp"
#include "aio/wait.hpp"
#include "aio/wait_for.hpp"
