// Timeline::to_json: Chrome's trace-event format, for Perfetto.
#include <fmt/core.h>

#include <iterator>
#include <string_view>

#include "aio/trace.hpp"
#include "trace_pieces.hpp"

namespace aio {

namespace {

using detail::Piece;

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// Trace-event times are microseconds.
double microseconds(double seconds) {
  return seconds * 1e6;
}

}  // namespace

std::string Timeline::to_json() const {
  std::string out = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  out += R"({"ph":"M","pid":1,"tid":0,"name":"process_name","args":{"name":"aio tasks"}})";
  const std::vector<std::vector<Piece>> pieces = detail::pieces_by_task(*this);
  auto back = std::back_inserter(out);
  for (std::size_t task = 0; task < names_.size(); ++task) {
    const std::size_t tid = task + 1;
    fmt::format_to(back, ",\n{{\"ph\":\"M\",\"pid\":1,\"tid\":{},\"name\":\"thread_name\",", tid);
    out += "\"args\":{\"name\":";
    append_json_string(out, names_[task]);
    out += "}}";
    fmt::format_to(back,
                   ",\n{{\"ph\":\"M\",\"pid\":1,\"tid\":{0},\"name\":\"thread_sort_index\","
                   "\"args\":{{\"sort_index\":{0}}}}}",
                   tid);
    for (const Piece& piece : pieces[task]) {
      const double ts = microseconds(piece.begin);
      switch (piece.kind) {
        case Piece::Kind::running:
          fmt::format_to(back,
                         ",\n{{\"ph\":\"X\",\"pid\":1,\"tid\":{},\"ts\":{:.3f},\"dur\":{:.3f},"
                         "\"name\":\"running\",\"cat\":\"running\"}}",
                         tid, ts, microseconds(piece.end - piece.begin));
          break;
        case Piece::Kind::waiting:
          fmt::format_to(back,
                         ",\n{{\"ph\":\"X\",\"pid\":1,\"tid\":{},\"ts\":{:.3f},\"dur\":{:.3f},",
                         tid, ts, microseconds(piece.end - piece.begin));
          out += "\"name\":";
          append_json_string(out, piece.detail);
          out += ",\"cat\":\"waiting\"}";
          break;
        case Piece::Kind::instant:
          fmt::format_to(back,
                         ",\n{{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":{},\"ts\":{:.3f},"
                         "\"name\":\"{}\"",
                         tid, ts, to_string(piece.event));
          if (piece.event == TaskEventKind::failed) {
            out += ",\"args\":{\"error\":";
            append_json_string(out, piece.detail);
            out += '}';
          }
          out += '}';
          break;
      }
    }
  }
  out += "\n]}\n";
  return out;
}

}  // namespace aio
