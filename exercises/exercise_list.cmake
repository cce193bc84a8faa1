# The exercises in book order. Each is a folder <id>_<slug> in exercises/ (the
# header that states the task, and the stub you edit) and in solutions/ (the
# reference answer), with its tests in tests/exercises/test_<id>_<slug>.cpp.
set(AIO_EXERCISES
  e01_fetch_concurrently
  e02_sequential_vs_concurrent
  e03_countdowns
  e10_call_every
  e11_dependent_steps
)
