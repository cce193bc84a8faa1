#pragma once
/// \file chapter.hpp
/// The harness every chapter program shares: its sections are plain functions,
/// run by name from the command line, exactly like the chapter's Python twin.
///
///   chapter --list                  the section names, one per line
///   chapter --section NAME          one section
///   chapter                         every section, each under a header
///   chapter --virtual-time ...      on the virtual clock (as AIO_CLOCK=virtual)
///   chapter --trace FILE ...        also record what the tasks did, as an SVG
///                                   chart or a Perfetto trace (FILE's extension)
///   chapter --count-suspensions ... also print on standard error how many times
///                                   a task suspended
///   chapter --cancel-at K ...       cancel the main task at the K-th suspension
///                                   (tools/inject_cancellation.py tries every K)

#include <initializer_list>
#include <string_view>

namespace chapter {

struct Section {
  std::string_view name;
  void (*run)();
};

/// Parses the command line and runs the chosen sections; returns the exit code.
int main(int argc, char** argv, std::string_view title, std::initializer_list<Section> sections);

}  // namespace chapter
