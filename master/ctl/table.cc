#include "master/ctl/table.h"

#include <algorithm>

namespace provisor::ctl {
namespace {

void AppendPadded(std::string* out, std::string_view cell, size_t width) {
  out->append(cell);
  const size_t shown = DisplayWidth(cell);
  if (shown < width) out->append(width - shown, ' ');
}

void TrimTrailingSpaces(std::string* line) {
  while (!line->empty() && line->back() == ' ') line->pop_back();
}

}  // namespace

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0x1B && i + 1 < text.size() && text[i + 1] == '[') {
      // An SGR colour sequence (ESC [ ... m) takes no room.
      size_t end = text.find('m', i + 2);
      if (end != std::string_view::npos) {
        i = end;
        continue;
      }
    }
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::vector<size_t> Table::Widths(bool with_header) const {
  std::vector<size_t> widths(headers_.size(), 0);
  for (size_t i = 0; i < widths.size(); ++i) {
    if (with_header) widths[i] = DisplayWidth(headers_[i]);
    if (i < min_widths_.size()) widths[i] = std::max(widths[i], min_widths_[i]);
    for (const std::vector<std::string>& row : rows_) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  return widths;
}

std::string Table::Render(bool with_header) const {
  const std::vector<size_t> widths = Widths(with_header);
  std::string out;
  auto render_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line.append("  ");
      AppendPadded(&line, cells[i], widths[i]);
    }
    TrimTrailingSpaces(&line);
    out.append(line).push_back('\n');
  };
  if (with_header) render_row(headers_);
  for (const std::vector<std::string>& row : rows_) render_row(row);
  return out;
}

std::string RenderPairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  size_t width = 0;
  for (const auto& [field, value] : pairs) width = std::max(width, DisplayWidth(field));
  std::string out;
  for (const auto& [field, value] : pairs) {
    std::string line;
    AppendPadded(&line, field, width);
    line.append("  ");
    size_t start = 0;
    while (true) {
      const size_t newline = value.find('\n', start);
      line.append(value, start, newline == std::string::npos ? std::string::npos
                                                             : newline - start);
      TrimTrailingSpaces(&line);
      out.append(line).push_back('\n');
      if (newline == std::string::npos || newline + 1 == value.size()) break;
      start = newline + 1;
      line.assign(width + 2, ' ');
    }
  }
  return out;
}

}  // namespace provisor::ctl
