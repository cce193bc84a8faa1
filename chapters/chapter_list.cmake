# The one ordered list of chapters. It drives the build, the tests and the book.
# Each entry is a folder under chapters/ holding <slug>.cpp, <slug>.py (the
# Python twin) and expected/<section>.out for every section.
set(AIO_CHAPTERS
  01_why_async
  02_coroutines
  03_event_loop
  04_tasks
  05_waiting_for_many
  06_structured_concurrency
  07_synchronization
  08_queues
  09_timeouts
  10_resilience
)
