// Timeline::to_svg: a self-contained SVG Gantt chart, one row per task.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>

#include "aio/trace.hpp"
#include "trace_pieces.hpp"

namespace aio {

namespace {

using detail::Piece;

void append_xml_text(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
}

std::size_t character_count(std::string_view text) {
  // UTF-8: count every byte that does not continue a character.
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// `text` cut to at most `limit` characters, ending in an ellipsis when cut.
std::string fit_text(std::string_view text, std::size_t limit) {
  if (character_count(text) <= limit) return std::string(text);
  if (limit == 0) return {};
  std::size_t kept = 0;
  std::size_t bytes = 0;
  for (; bytes < text.size(); ++bytes) {
    if ((static_cast<unsigned char>(text[bytes]) & 0xC0) != 0x80 && kept++ == limit - 1) break;
  }
  return std::string(text.substr(0, bytes)) + "\u2026";
}

// The chart's geometry, in pixels. Monospace characters are 0.6 em wide.
constexpr double chart_width = 800;
constexpr double margin = 8;
constexpr double name_font = 12;
constexpr double label_font = 11;
constexpr double name_char = 0.6 * name_font;
constexpr double label_char = 0.6 * label_font;
constexpr double legend_height = 30;
constexpr double row_height = 24;
constexpr double bar_height = 14;
constexpr std::size_t max_name_characters = 24;  // longer names are cut
constexpr std::size_t max_rows = 30;     // more would not be readable; the JSON has them all
constexpr double min_running_width = 2;  // a step takes no loop time on the virtual clock

const char* const running_colour = "#e8590c";
const char* const waiting_fill = "#d0e2f5";
const char* const waiting_stroke = "#5b8cc2";
const char* const waiting_text = "#1d3b5e";
const char* const end_colour = "#b3001b";

// A tick step of 1, 2 or 5 times a power of ten giving at most about six ticks.
double tick_step(double span) {
  const double raw = span / 6;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  const double factor = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10;
  return factor * magnitude;
}

std::string empty_svg() {
  return R"(<svg xmlns="http://www.w3.org/2000/svg" width="800" height="48" viewBox="0 0 800 48" font-family="sans-serif" font-size="13">
<rect width="800" height="48" fill="#ffffff"/>
<text x="16" y="29" fill="#444444">No task ran while this timeline was recording, so there is nothing to draw.</text>
</svg>
)";
}

// The key along the top; cancelled and failed appear only when some task was.
void append_legend(std::string& out, bool cancelled, bool failed) {
  constexpr double y = 10;           // the top of the symbols
  constexpr double text_char = 6.6;  // a sans-serif character, roughly
  auto back = std::back_inserter(out);
  double x = margin;
  auto label = [&](double symbol_width, std::string_view text) {
    fmt::format_to(back,
                   R"(<text x="{:.1f}" y="{:.1f}">{}</text>)"
                   "\n",
                   x + symbol_width + 6, y + 10, text);
    x += symbol_width + 6 + static_cast<double>(text.size()) * text_char + 18;
  };
  fmt::format_to(back,
                 R"(<rect x="{:.1f}" y="{:.1f}" width="14" height="12" fill="{}"/>)"
                 "\n",
                 x, y, running_colour);
  label(14, "running");
  fmt::format_to(back,
                 R"(<rect x="{:.1f}" y="{:.1f}" width="28" height="12" fill="{}" stroke="{}"/>)"
                 "\n",
                 x, y, waiting_fill, waiting_stroke);
  label(28, "waiting, labelled with what it awaits");
  if (cancelled) {
    fmt::format_to(back,
                   R"(<path d="M{:.1f} {:.1f}l8 8m0 -8l-8 8" stroke="{}" stroke-width="2"/>)"
                   "\n",
                   x + 1, y + 2, end_colour);
    label(10, "cancelled");
  }
  if (failed) {
    fmt::format_to(back,
                   R"(<circle cx="{:.1f}" cy="{:.1f}" r="4.5" fill="{}"/>)"
                   "\n",
                   x + 5, y + 6, end_colour);
    label(10, "failed");
  }
}

}  // namespace

std::string Timeline::to_svg() const {
  if (names_.empty()) return empty_svg();
  const std::vector<std::vector<Piece>> pieces = detail::pieces_by_task(*this);
  const std::size_t rows = std::min(names_.size(), max_rows);
  const std::size_t hidden = names_.size() - rows;

  std::size_t longest = 0;
  for (std::size_t task = 0; task < rows; ++task) {
    longest = std::max(longest, character_count(names_[task]));
  }
  const std::size_t name_limit = std::min(longest, max_name_characters);
  const double name_width = std::max(static_cast<double>(name_limit) * name_char, 48.0);
  const double plot_left = margin + name_width + 12;
  const double plot_right = chart_width - 24;

  double end = 0;
  for (const std::vector<Piece>& row : pieces) {
    for (const Piece& piece : row) end = std::max(end, piece.end);
  }
  // The axis ends on a tick; a timeline where no time passed still gets one.
  const double step = tick_step(end > 0 ? end : 1.0);
  const double domain = std::max(step, std::ceil(end / step - 1e-9) * step);
  const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  auto x = [&](double time) {
    return plot_left + time / domain * (plot_right - plot_left);
  };

  const double rows_top = legend_height + 4;
  const double rows_bottom =
      rows_top + static_cast<double>(rows + (hidden > 0 ? 1 : 0)) * row_height;
  const double axis_y = rows_bottom + 6;
  const double height = axis_y + 42;

  std::string out;
  auto back = std::back_inserter(out);
  fmt::format_to(back,
                 R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0:.0f}" height="{1:.0f}" )"
                 R"(viewBox="0 0 {0:.0f} {1:.0f}" font-family="sans-serif" font-size="12">)"
                 "\n"
                 R"(<rect width="{0:.0f}" height="{1:.0f}" fill="#ffffff"/>)"
                 "\n",
                 chart_width, height);
  auto any = [&](TaskEventKind kind) {
    return std::any_of(events_.begin(), events_.end(),
                       [kind](const TaskEvent& event) { return event.kind == kind; });
  };
  append_legend(out, any(TaskEventKind::cancelled), any(TaskEventKind::failed));

  for (std::size_t row = 1; row < rows; row += 2) {
    fmt::format_to(back,
                   R"(<rect x="0" y="{:.1f}" width="{:.0f}" height="{:.0f}" fill="#f3f5f8"/>)"
                   "\n",
                   rows_top + static_cast<double>(row) * row_height, chart_width, row_height);
  }
  for (int tick = 0; tick * step <= domain + step / 2; ++tick) {
    fmt::format_to(back,
                   R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#dde1e6"/>)"
                   "\n",
                   x(tick * step), rows_top, rows_bottom);
  }

  for (std::size_t task = 0; task < rows; ++task) {
    const double top = rows_top + static_cast<double>(task) * row_height;
    const double middle = top + row_height / 2;
    const double bar_top = middle - bar_height / 2;
    const std::string& name = names_[task];
    out += "<g class=\"task-row\">\n";
    fmt::format_to(back,
                   R"(<text x="{:.1f}" y="{:.1f}" font-family="monospace" font-size="{:.0f}">)",
                   margin, middle + 4, name_font);
    const std::string shown = fit_text(name, name_limit);
    append_xml_text(out, shown);
    if (shown != name) {  // the whole name on hover
      out += "<title>";
      append_xml_text(out, name);
      out += "</title>";
    }
    out += "</text>\n";
    // Waits first, so the instant steps between them stay visible on top.
    for (const Piece& piece : pieces[task]) {
      if (piece.kind != Piece::Kind::waiting) continue;
      const double left = x(piece.begin);
      const double width = std::max(x(piece.end) - left, 1.0);
      fmt::format_to(back,
                     R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.0f}" fill="{}" )"
                     R"(stroke="{}"><title>)",
                     left, bar_top, width, bar_height, waiting_fill, waiting_stroke);
      append_xml_text(out, fmt::format("{} waits for {}: {:.6g} s to {:.6g} s", name, piece.detail,
                                       piece.begin, piece.end));
      out += "</title></rect>\n";
      const auto fits = static_cast<std::size_t>(std::max(0.0, (width - 8) / label_char));
      if (fits >= std::min<std::size_t>(4, character_count(piece.detail))) {
        fmt::format_to(back,
                       R"(<text x="{:.1f}" y="{:.1f}" font-family="monospace" font-size="{:.0f}" )"
                       R"(fill="{}">)",
                       left + 4, middle + 4, label_font, waiting_text);
        append_xml_text(out, fit_text(piece.detail, fits));
        out += "</text>\n";
      }
    }
    for (const Piece& piece : pieces[task]) {
      const double left = x(piece.begin);
      if (piece.kind == Piece::Kind::running) {
        fmt::format_to(back,
                       R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.0f}" fill="{}">)"
                       "<title>",
                       left, bar_top, std::max(x(piece.end) - left, min_running_width), bar_height,
                       running_colour);
        append_xml_text(out,
                        fmt::format("{} runs: {:.6g} s to {:.6g} s", name, piece.begin, piece.end));
        out += "</title></rect>\n";
      } else if (piece.event == TaskEventKind::cancelled) {
        fmt::format_to(back,
                       R"(<path d="M{:.1f} {:.1f}l8 8m0 -8l-8 8" stroke="{}" stroke-width="2">)"
                       "<title>",
                       left - 4, middle - 4, end_colour);
        append_xml_text(out, fmt::format("{} cancelled at {:.6g} s", name, piece.begin));
        out += "</title></path>\n";
      } else if (piece.event == TaskEventKind::failed) {
        fmt::format_to(back, R"(<circle cx="{:.1f}" cy="{:.1f}" r="4.5" fill="{}"><title>)", left,
                       middle, end_colour);
        append_xml_text(out,
                        fmt::format("{} failed at {:.6g} s: {}", name, piece.begin, piece.detail));
        out += "</title></circle>\n";
      }
    }
    out += "</g>\n";
  }
  if (hidden > 0) {
    fmt::format_to(back,
                   R"(<text x="{:.1f}" y="{:.1f}" fill="#555555">and {}{} more task{} )"
                   "(the JSON trace has {})</text>\n",
                   margin, rows_bottom - row_height / 2 + 4, more_tasks_ ? "over " : "", hidden,
                   hidden == 1 ? "" : "s",
                   more_tasks_ ? fmt::format("the first {}", max_tasks) : "them all");
  }

  fmt::format_to(back,
                 R"(<line x1="{0:.1f}" y1="{2:.1f}" x2="{1:.1f}" y2="{2:.1f}" stroke="#333333"/>)"
                 "\n",
                 plot_left, plot_right, axis_y);
  for (int tick = 0; tick * step <= domain + step / 2; ++tick) {
    const double at = x(tick * step);
    fmt::format_to(back,
                   R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#333333"/>)"
                   "\n"
                   R"(<text x="{0:.1f}" y="{3:.1f}" text-anchor="middle">{4:.{5}f}</text>)"
                   "\n",
                   at, axis_y, axis_y + 5, axis_y + 18, tick * step, decimals);
  }
  fmt::format_to(back,
                 R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" fill="#333333">)"
                 "loop time (s)</text>\n</svg>\n",
                 (plot_left + plot_right) / 2, axis_y + 35);
  return out;
}

}  // namespace aio
