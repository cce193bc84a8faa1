#include "chapter.hpp"

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <cstdio>
#include <string>
#include <vector>

namespace chapter {
namespace {

constexpr int usage_error = 2;

void print_usage(std::string_view program, std::string_view title) {
  fmt::print(
      "{}\n\n"
      "usage: {} [--virtual-time] [--list | --section NAME]\n\n"
      "  (no option)      run every section in order\n"
      "  --section NAME   run one section\n"
      "  --list           list the sections\n"
      "  --virtual-time   use the virtual clock: timers fire at once, times stay exact\n"
      "                   (the environment variable AIO_CLOCK=virtual does the same)\n",
      title, program);
}

// Every section starts from the same state, however the program was started:
// the random source reseeded, task numbering from Task-1.
void run_section(const Section& section) {
  aio::default_random().seed(42);
  aio::detail::reset_task_counter();
  section.run();
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv, std::string_view title, std::initializer_list<Section> sections) {
  const std::vector<std::string_view> arguments(argv + 1, argv + argc);
  const Section* chosen = nullptr;
  bool list = false;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string_view argument = arguments[i];
    if (argument == "--help" || argument == "-h") {
      print_usage(argv[0], title);
      return 0;
    }
    if (argument == "--list") {
      list = true;
    } else if (argument == "--virtual-time") {
      aio::use_clock(aio::ClockKind::virtual_);
    } else if (argument == "--section") {
      if (i + 1 == arguments.size()) {
        fmt::print(stderr, "error: --section needs a section name\n");
        return usage_error;
      }
      const std::string_view name = arguments[++i];
      for (const Section& section : sections) {
        if (section.name == name) chosen = &section;
      }
      if (chosen == nullptr) {
        fmt::print(stderr, "error: unknown section '{}' (use --list to see the sections)\n", name);
        return usage_error;
      }
    } else {
      fmt::print(stderr, "error: unknown option '{}' (use --help)\n", argument);
      return usage_error;
    }
  }

  if (list) {
    for (const Section& section : sections) fmt::print("{}\n", section.name);
    return 0;
  }
  // The debug aids (slow callbacks, never-awaited coroutines) are on for readers.
  aio::set_default_debug(true);
  try {
    if (chosen != nullptr) {
      run_section(*chosen);
      return 0;
    }
    bool first = true;
    for (const Section& section : sections) {
      if (!first) fmt::print("\n");
      first = false;
      fmt::print("=== {} ===\n", section.name);
      run_section(section);
    }
  } catch (...) {
    std::fflush(stdout);
    fmt::print(stderr, "error: {}\n", aio::describe_error(std::current_exception()));
    return 1;
  }
  return 0;
}

}  // namespace chapter
