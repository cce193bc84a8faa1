#include "chapter.hpp"

#include <fmt/core.h>

#include <aio/aio.hpp>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "cancel_injection.hpp"

namespace chapter {
namespace {

constexpr int usage_error = 2;

void print_usage(std::string_view program, std::string_view title) {
  fmt::print(
      "{}\n\n"
      "usage: {} [--virtual-time] [--trace FILE]... [--count-suspensions] [--cancel-at K]\n"
      "       [--list | --section NAME]\n\n"
      "  (no option)      run every section in order\n"
      "  --section NAME   run one section\n"
      "  --list           list the sections\n"
      "  --virtual-time   use the virtual clock: timers fire at once, times stay exact\n"
      "                   (the environment variable AIO_CLOCK=virtual does the same)\n"
      "  --trace FILE     record what every task does and write it to FILE: a chart\n"
      "                   if FILE ends in .svg, a trace for https://ui.perfetto.dev if\n"
      "                   it ends in .json; give it twice for both\n"
      "  --count-suspensions  print on standard error how many times a task suspended\n"
      "  --cancel-at K    cancel the main task at the K-th suspension (counting 1, 2, ...):\n"
      "                   the sections must then end cleanly, CancelledError included\n",
      title, program);
}

// A --trace file, opened before anything runs so that a bad path fails at once.
struct TraceFile {
  std::string_view path;
  bool svg;
  std::ofstream stream;
};

// Opens a --trace file; prints why and returns nothing when it cannot.
std::optional<TraceFile> open_trace(std::string_view path) {
  const bool svg = path.ends_with(".svg");
  if (!svg && !path.ends_with(".json")) {
    fmt::print(stderr, "error: --trace needs a file ending in .svg or .json, not '{}'\n", path);
    return std::nullopt;
  }
  std::ofstream stream{std::string(path)};
  if (!stream) {
    fmt::print(stderr, "error: cannot write the trace to '{}': {}\n", path, std::strerror(errno));
    return std::nullopt;
  }
  return TraceFile{path, svg, std::move(stream)};
}

// Every section starts from the same state, however the program was started:
// the random source reseeded, task numbering from Task-1.
void run_section(const Section& section) {
  aio::default_random().seed(42);
  aio::detail::reset_task_counter();
  section.run();
  std::fflush(stdout);
}

// Runs one section, or every section under a header; returns the exit code.
int run_sections(const Section* chosen, std::initializer_list<Section> sections,
                 const CancelInjection& injection) {
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
    const std::exception_ptr error = std::current_exception();
    if (injection.cancelled && aio::is_cancelled_error(error)) {
      fmt::print(stderr, "cancelled at suspension {}, as --cancel-at asked\n", injection.cancel_at);
      return 0;
    }
    fmt::print(stderr, "error: {}\n", aio::describe_error(error));
    return 1;
  }
  return 0;
}

// The program's exit code, once its output is written: a program whose
// output could not be written failed, whatever its sections did (the Python
// twins stop with OSError and exit 1, on a full disk or a closed pipe).
int after_output(int status) {
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return status;
  fmt::print(stderr, "error: cannot write the output: {}\n", std::strerror(errno));
  return status != 0 ? status : 1;
}

int run_program(int argc, char** argv, std::string_view title,
                std::initializer_list<Section> sections) {
  const std::vector<std::string_view> arguments(argv + 1, argv + argc);
  const Section* chosen = nullptr;
  bool list = false;
  std::vector<std::string_view> trace_paths;
  bool count_suspensions = false;
  CancelInjection injection;
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
    } else if (argument == "--trace") {
      if (i + 1 == arguments.size()) {
        fmt::print(stderr, "error: --trace needs a file name\n");
        return usage_error;
      }
      trace_paths.push_back(arguments[++i]);
    } else if (argument == "--count-suspensions") {
      count_suspensions = true;
    } else if (argument == "--cancel-at") {
      const std::string_view number = i + 1 < arguments.size() ? arguments[++i] : "";
      const auto [end, error] =
          std::from_chars(number.data(), number.data() + number.size(), injection.cancel_at);
      if (error != std::errc() || end != number.data() + number.size() ||
          injection.cancel_at == 0) {
        fmt::print(stderr, "error: --cancel-at needs a suspension number from 1 on\n");
        return usage_error;
      }
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
  std::vector<TraceFile> traces;
  for (std::string_view path : trace_paths) {
    std::optional<TraceFile> trace = open_trace(path);
    if (!trace) return usage_error;
    traces.push_back(std::move(*trace));
  }

  // The debug aids (slow callbacks, never-awaited coroutines) are on for readers.
  aio::set_default_debug(true);
  std::optional<aio::Timeline> timeline;
  const bool observe = count_suspensions || injection.cancel_at != 0;
  if (!traces.empty() || observe) timeline.emplace();
  if (observe) {
    timeline->observe([&injection](const aio::detail::TaskBase& task, aio::TaskEventKind kind) {
      injection.observe(task, kind);
    });
  }
  const int status = run_sections(chosen, sections, injection);
  if (count_suspensions) fmt::print(stderr, "suspensions: {}\n", injection.suspensions);
  if (traces.empty()) return status;
  // Written even when a section failed: the trace shows how it got there.
  timeline->stop();
  for (TraceFile& trace : traces) {
    trace.stream << (trace.svg ? timeline->to_svg() : timeline->to_json());
    trace.stream.close();
    if (!trace.stream) {
      fmt::print(stderr, "error: cannot write the trace to '{}'\n", trace.path);
      return 1;
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv, std::string_view title, std::initializer_list<Section> sections) {
  return after_output(run_program(argc, argv, title, sections));
}

}  // namespace chapter
