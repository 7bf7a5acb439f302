#include "common/csv.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "common/utf8.h"

namespace provisor {
namespace {

constexpr size_t kStale = std::numeric_limits<size_t>::max();

}  // namespace

CsvReader::CsvReader(std::istream* in, size_t max_record_bytes, size_t chunk_bytes)
    : in_(in),
      max_record_bytes_(max_record_bytes),
      buffer_(std::max<size_t>(chunk_bytes, 1)),
      next_comma_(kStale),
      next_newline_(kStale) {}

StatusOr<CsvReader> CsvReader::Open(std::istream& in, size_t max_record_bytes,
                                    size_t chunk_bytes) {
  CsvReader reader(&in, max_record_bytes, chunk_bytes);
  Status status = reader.ReadHeader();
  if (!status.ok()) return status;
  return reader;
}

Status CsvReader::ReadHeader() {
  if (Fill() && end_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) {
    pos_ = 3;  // UTF-8 byte order mark, as spreadsheets write it
  }
  bool got = false;
  PROVISOR_RETURN_IF_ERROR(ReadRecord(&header_, &got));
  if (!got) return Fail(1, "the input is empty; the first line must be the header");
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i].empty()) {
      return Fail(record_line_, "header column " + std::to_string(i + 1) + " is empty");
    }
    for (size_t j = 0; j < i; ++j) {
      if (header_[j] == header_[i]) {
        return Fail(record_line_, "header column " + std::to_string(i + 1) + " " +
                                      QuoteForMessage(header_[i]) + " repeats column " +
                                      std::to_string(j + 1));
      }
    }
  }
  return Status::Ok();
}

StatusOr<bool> CsvReader::Next(std::vector<std::string>* fields) {
  if (!failed_.ok()) return failed_;
  bool got = false;
  Status status = ReadRecord(fields, &got);
  if (!status.ok()) return status;
  if (!got) return false;
  if (fields->size() != header_.size()) {
    return Fail(record_line_, std::to_string(fields->size()) +
                                  (fields->size() == 1 ? " field" : " fields") +
                                  ", the header has " + std::to_string(header_.size()));
  }
  return true;
}

Status CsvReader::ReadRecord(std::vector<std::string>* fields, bool* got) {
  *got = false;
  for (;;) {
    if (Peek() < 0) {
      return read_failed_ ? Fail(line_, "") : Status::Ok();
    }
    record_line_ = line_;
    record_bytes_ = 0;
    size_t count = 0;
    bool blank = false;
    for (bool more = true; more;) {
      if (count == fields->size()) fields->emplace_back();
      std::string& field = (*fields)[count++];
      field.clear();
      const uint64_t field_line = line_;
      const bool quoted = Peek() == '"';
      if (quoted) {
        ++pos_;
        PROVISOR_RETURN_IF_ERROR(ReadQuoted(&field, field_line, &more));
      } else {
        PROVISOR_RETURN_IF_ERROR(ReadUnquoted(&field, &more));
      }
      if (!IsValidUtf8(field)) return Fail(field_line, "not valid UTF-8");
      blank = count == 1 && !more && !quoted && field.empty();
    }
    fields->resize(count);
    if (read_failed_) return Fail(line_, "");
    if (!blank) {
      *got = true;
      return Status::Ok();
    }
  }
}

Status CsvReader::ReadQuoted(std::string* field, uint64_t field_line, bool* more) {
  for (;;) {
    if (pos_ == end_ && !Fill()) return Fail(field_line, "quoted field is never closed");
    const char* begin = buffer_.data() + pos_;
    const void* quote = std::memchr(begin, '"', end_ - pos_);
    const size_t stop = quote ? static_cast<const char*>(quote) - buffer_.data() : end_;
    line_ += std::count(begin, static_cast<const char*>(buffer_.data() + stop), '\n');
    PROVISOR_RETURN_IF_ERROR(Append(field, pos_, stop));
    pos_ = stop;
    if (!quote) continue;
    ++pos_;
    int next = Peek();
    if (next == '"') {  // "" is one quote
      PROVISOR_RETURN_IF_ERROR(Append(field, pos_, pos_ + 1));
      ++pos_;
      continue;
    }
    *more = next == ',';
    if (next == ',') {
      ++pos_;
      return Status::Ok();
    }
    if (next == '\r') {
      ++pos_;
      next = Peek();
      if (next < 0) return Status::Ok();
    }
    if (next == '\n') {
      ++pos_;
      ++line_;
      return Status::Ok();
    }
    if (next < 0) return Status::Ok();
    return Fail(line_, "unexpected character after closing quote");
  }
}

Status CsvReader::ReadUnquoted(std::string* field, bool* more) {
  *more = false;
  for (;;) {
    if (pos_ == end_ && !Fill()) break;
    if (next_comma_ == kStale || next_comma_ < pos_) next_comma_ = Find(',');
    if (next_newline_ == kStale || next_newline_ < pos_) next_newline_ = Find('\n');
    const size_t stop = std::min(next_comma_, next_newline_);
    PROVISOR_RETURN_IF_ERROR(Append(field, pos_, stop));
    pos_ = stop;
    if (stop == end_) continue;
    ++pos_;
    if (buffer_[stop] == ',') {
      *more = true;
      return Status::Ok();
    }
    ++line_;
    break;
  }
  // The record ended (line end or end of input): CR of a CRLF is not data.
  if (!field->empty() && field->back() == '\r') field->pop_back();
  return Status::Ok();
}

Status CsvReader::Append(std::string* field, size_t from, size_t to) {
  record_bytes_ += to - from;
  if (record_bytes_ > max_record_bytes_) {
    return Fail(record_line_,
                "record is longer than " + std::to_string(max_record_bytes_) + " bytes");
  }
  field->append(buffer_.data() + from, to - from);
  return Status::Ok();
}

bool CsvReader::Fill() {
  if (at_eof_) return false;
  pos_ = 0;
  end_ = 0;
  next_comma_ = kStale;
  next_newline_ = kStale;
  in_->read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  end_ = static_cast<size_t>(in_->gcount());
  if (end_ == 0) {
    at_eof_ = true;
    read_failed_ = in_->bad();
    return false;
  }
  return true;
}

size_t CsvReader::Find(char c) const {
  const void* hit = std::memchr(buffer_.data() + pos_, c, end_ - pos_);
  return hit ? static_cast<const char*>(hit) - buffer_.data() : end_;
}

Status CsvReader::Fail(uint64_t line, const std::string& message) {
  if (read_failed_) {
    failed_ = Status(StatusCode::kDataLoss,
                     "line " + std::to_string(line) + ": reading the input failed");
  } else {
    failed_ = InvalidArgumentError("line " + std::to_string(line) + ": " + message);
  }
  return failed_;
}

}  // namespace provisor
