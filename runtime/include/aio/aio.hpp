#pragma once
/// \file aio.hpp
/// The whole runtime in one include: `#include <aio/aio.hpp>`.

#include "aio/barrier.hpp"
#include "aio/clock.hpp"
#include "aio/condition.hpp"
#include "aio/errors.hpp"
#include "aio/event.hpp"
#include "aio/event_loop.hpp"
#include "aio/future.hpp"
#include "aio/gather.hpp"
#include "aio/handle.hpp"
#include "aio/lock.hpp"
#include "aio/outcome.hpp"
#include "aio/queue.hpp"
#include "aio/random.hpp"
#include "aio/run.hpp"
#include "aio/semaphore.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/wait_for.hpp"
