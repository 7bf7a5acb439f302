#include "common/render/template_scan.h"

#include <algorithm>
#include <vector>

namespace provisor {
namespace {

// std::isspace in the "C" locale, without its sign trouble.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

struct OpenSection {
  std::string_view name;
  size_t tag_offset;   // where its tag starts, for messages
  size_t body_offset;  // just after its tag
};

class Scanner {
 public:
  Scanner(std::string_view id, std::string_view text) : id_(id), text_(text) {}

  StatusOr<TemplateScan> Run();

 private:
  Status Error(size_t offset, const std::string& what) const {
    return InvalidArgumentError("template " + std::string(id_) + ": " +
                                LineColumn(text_, offset) + ": " + what);
  }
  // "{{=<% %>=}}" (trimmed contents "=<% %>="), as kainjow reads it.
  Status SetDelimiters(std::string_view contents, size_t offset);
  // Counts kainjow's pieces of the text [from, to) (no tags in it).
  Status Text(size_t from, size_t to);
  // One tag whose trimmed contents are `contents`.
  Status Tag(std::string_view contents, bool triple, size_t offset, size_t end);

  std::string_view id_;
  std::string_view text_;
  std::string begin_ = "{{";
  std::string end_ = "}}";
  std::vector<OpenSection> open_;
  size_t section_bytes_ = 0;
  std::set<std::string, std::less<>> sections_;
  TemplateScan out_;
};

Status Scanner::SetDelimiters(std::string_view contents, size_t offset) {
  const Status invalid = Error(offset, "Invalid set delimiter tag");
  // Smallest legal tag is "=X X=".
  if (contents.size() < 5 || contents.back() != '=') return invalid;
  std::string_view inner = Trim(contents.substr(1, contents.size() - 2));
  const size_t space = inner.find(' ');
  if (space == std::string_view::npos) return invalid;
  std::string_view begin = inner.substr(0, space);
  std::string_view end = inner.substr(space + 1);
  while (!end.empty() && end.front() == ' ') end.remove_prefix(1);
  for (std::string_view d : {begin, end}) {
    for (char c : d) {
      if (c == '=' || IsSpace(c)) return invalid;
    }
    if (d.empty()) return invalid;
    if (d.size() > kMaxDelimiterBytes) {
      return Error(offset, "delimiter longer than " + std::to_string(kMaxDelimiterBytes) +
                               " bytes");
    }
  }
  begin_ = begin;
  end_ = end;
  return Status::Ok();
}

Status Scanner::Text(size_t from, size_t to) {
  bool in_run = false;  // inside a run of text other than whitespace
  for (size_t i = from; i < to; ++i) {
    const char c = text_[i];
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space) {
      // "\r\n" is one piece.
      if (c == '\n' && i > from && text_[i - 1] == '\r') continue;
      in_run = false;
    } else if (in_run) {
      continue;
    } else {
      in_run = true;
    }
    if (++out_.pieces > kMaxTemplatePieces) {
      return Error(i, "more than " + std::to_string(kMaxTemplatePieces) +
                          " pieces (spaces, line ends, runs of text, tags)");
    }
  }
  return Status::Ok();
}

Status Scanner::Tag(std::string_view contents, bool triple, size_t offset, size_t end) {
  if (++out_.pieces > kMaxTemplatePieces) {
    return Error(offset, "more than " + std::to_string(kMaxTemplatePieces) +
                             " pieces (spaces, line ends, runs of text, tags)");
  }
  if (++out_.tags > kMaxTemplateTags) {
    return Error(offset, "more than " + std::to_string(kMaxTemplateTags) + " tags");
  }
  // As in kainjow, even "{{{=<% %>=}}}" changes the delimiters.
  if (!contents.empty() && contents.front() == '=') {
    return SetDelimiters(contents, offset);
  }
  char kind = 0;  // 0: a variable
  std::string_view name = contents;
  if (!triple && !contents.empty() && std::string_view("#^/>&!").find(contents.front()) !=
                                          std::string_view::npos) {
    kind = contents.front();
    name = Trim(contents.substr(1));
  }
  if (kind == '!') return Status::Ok();
  if (name.size() > kMaxTagNameBytes) {
    return Error(offset, "tag name longer than " + std::to_string(kMaxTagNameBytes) + " bytes");
  }
  switch (kind) {
    case '>':
      return Error(offset, "partials ({{>" + std::string(name) + "}}) are not supported");
    case '#':
    case '^':
      if (open_.size() >= kMaxSectionDepth) {
        return Error(offset, "sections nested deeper than " + std::to_string(kMaxSectionDepth));
      }
      open_.push_back(OpenSection{name, offset, end});
      out_.max_depth = std::max(out_.max_depth, open_.size());
      sections_.emplace(name);
      break;
    case '/': {
      if (open_.empty()) {
        return Error(offset, "Unopened section \"" + std::string(name) + "\"");
      }
      const OpenSection section = open_.back();
      if (section.name != name) {
        return Error(section.tag_offset, "Unclosed section \"" + std::string(section.name) + "\"");
      }
      open_.pop_back();
      const size_t body = offset - section.body_offset;
      section_bytes_ += body;
      if (section_bytes_ > kMaxSectionBytes) {
        return Error(section.tag_offset, "section bodies add up to more than " +
                                             std::to_string(kMaxSectionBytes) + " bytes");
      }
      auto [it, added] = out_.section_bytes.emplace(name, body);
      if (!added && it->second < body) it->second = body;
      break;
    }
    default:  // a variable, {{&x}} or {{{x}}}
      if (!name.empty()) out_.variables.emplace(name);
      break;
  }
  if (!name.empty()) out_.names.emplace(name);
  return Status::Ok();
}

StatusOr<TemplateScan> Scanner::Run() {
  if (text_.size() > kMaxTemplateBytes) {
    return InvalidArgumentError("template " + std::string(id_) + ": " +
                                std::to_string(text_.size()) + " bytes, the limit is " +
                                std::to_string(kMaxTemplateBytes));
  }
  size_t pos = 0;
  while (pos < text_.size()) {
    // Delimiters are at most kMaxDelimiterBytes long, so each find is linear.
    const size_t start = text_.find(begin_, pos);
    PROVISOR_RETURN_IF_ERROR(Text(pos, start == std::string_view::npos ? text_.size() : start));
    if (start == std::string_view::npos) break;
    size_t contents = start + begin_.size();
    // "{{{x}}}" only while the delimiters are the default ones.
    const bool triple = begin_ == "{{" && end_ == "}}" && contents < text_.size() &&
                        text_[contents] == '{';
    const std::string_view close = triple ? std::string_view("}}}") : std::string_view(end_);
    if (triple) ++contents;
    const size_t end = text_.find(close, contents);
    if (end == std::string_view::npos) return Error(start, "Unclosed tag");
    pos = end + close.size();
    PROVISOR_RETURN_IF_ERROR(Tag(Trim(text_.substr(contents, end - contents)), triple, start, pos));
  }
  if (!open_.empty()) {  // the outermost, as kainjow reports it
    return Error(open_.front().tag_offset,
                 "Unclosed section \"" + std::string(open_.front().name) + "\"");
  }
  for (const auto& name : sections_) out_.variables.erase(name);
  return std::move(out_);
}

}  // namespace

StatusOr<TemplateScan> ScanTemplate(std::string_view id, std::string_view text) {
  return Scanner(id, text).Run();
}

std::string LineColumn(std::string_view text, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace provisor
