// Plain-text tables for provisorctl's human-readable output: left-aligned
// columns two spaces apart, no trailing spaces, widths counted in UTF-8 code
// points. Paged output keeps its columns aligned across pages by carrying the
// widths from one page's table to the next (SetMinWidths).
//
// Thread-safety: value type.
#ifndef PROVISOR_MASTER_CTL_TABLE_H_
#define PROVISOR_MASTER_CTL_TABLE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace provisor::ctl {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

  // Missing cells print blank; extra cells are dropped.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  // Every column at least this wide.
  void SetMinWidths(std::vector<size_t> widths) { min_widths_ = std::move(widths); }
  // The widths Render() uses.
  std::vector<size_t> Widths(bool with_header = true) const;

  std::string Render(bool with_header = true) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<size_t> min_widths_;
};

// "field  value" lines, the fields padded to one width. A value with line
// breaks continues on indented lines.
std::string RenderPairs(const std::vector<std::pair<std::string, std::string>>& pairs);

// Code points in UTF-8 `text` (bytes that do not continue a sequence),
// not counting ANSI colour sequences (ESC [ ... m).
size_t DisplayWidth(std::string_view text);

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_TABLE_H_
