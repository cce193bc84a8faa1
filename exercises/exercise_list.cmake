# The exercises in book order. Each is a folder <id>_<slug> in exercises/ (the
# header that states the task, and the stub you edit) and in solutions/ (the
# reference answer), with its tests in tests/exercises/test_<id>_<slug>.cpp.
set(AIO_EXERCISES
  e01_fetch_concurrently
  e02_sequential_vs_concurrent
  e03_countdowns
  e04_limited_fetch
  e05_producers_consumers
  e06_retry
  e08_scoped_timer
  e09_event_bus
  e10_call_every
  e11_dependent_steps
  e12_fail_fast_group
  e13_semaphore_from_condition
  e14_cancellation_safe_consumer
)
