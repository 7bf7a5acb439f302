// CsvReader: a streaming RFC 4180 reader for bulk imports (subscribers,
// devices). The first record is the header; every later record must have as
// many fields as the header.
//
// Accepted: fields quoted with '"' ("" inside quotes is one quote; quoted
// fields may hold commas, CR and LF), CRLF or LF line ends, a missing final
// line end, a UTF-8 byte order mark before the header. Blank lines (nothing
// between two line ends) are skipped anywhere. A '"' inside an unquoted field
// is kept as data; spaces are never trimmed.
// Rejected with INVALID_ARGUMENT "line N: ...": a quoted field never closed,
// a character other than ',' or a line end after a closing quote, a record
// whose field count differs from the header's, an empty or repeated header
// name, a field that is not valid UTF-8, a record longer than
// max_record_bytes. A failed read of the stream is DATA_LOSS. After an error
// every later Next() returns the same error.
//
// The stream is read in 1 MiB chunks (smaller ones in the fuzzer, so that
// records straddle chunks); Next() reuses the strings already in `fields`,
// so reading a file costs no allocation per record once warm.
//
// Thread-safety: not thread-safe. REQUIRES: the stream outlives the reader.
#ifndef PROVISOR_COMMON_CSV_H_
#define PROVISOR_COMMON_CSV_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "common/status.h"

namespace provisor {

class CsvReader {
 public:
  static constexpr size_t kDefaultMaxRecordBytes = 16 * 1024 * 1024;
  static constexpr size_t kDefaultChunkBytes = 1024 * 1024;

  // Reads the header record. An empty stream is an error. `chunk_bytes`
  // (at least 1) is how much is read from the stream at a time.
  static StatusOr<CsvReader> Open(std::istream& in,
                                  size_t max_record_bytes = kDefaultMaxRecordBytes,
                                  size_t chunk_bytes = kDefaultChunkBytes);

  CsvReader(CsvReader&&) = default;
  CsvReader& operator=(CsvReader&&) = default;
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  const std::vector<std::string>& header() const { return header_; }

  // Reads the next record into `fields` (resized to the header's size).
  // Returns false at the end of the input.
  StatusOr<bool> Next(std::vector<std::string>* fields);

  // The 1-based line on which the last record read (or the header) started.
  uint64_t line() const { return record_line_; }

 private:
  CsvReader(std::istream* in, size_t max_record_bytes, size_t chunk_bytes);

  Status ReadHeader();
  // One record into `fields`; `*got` is false at the end of the input.
  Status ReadRecord(std::vector<std::string>* fields, bool* got);
  // The rest of a field whose opening quote was consumed; `*more` is true
  // when a ',' ended it.
  Status ReadQuoted(std::string* field, uint64_t field_line, bool* more);
  Status ReadUnquoted(std::string* field, bool* more);
  Status Append(std::string* field, size_t from, size_t to);

  // The next byte, refilling the buffer as needed; -1 at the end of input.
  int Peek() {
    if (pos_ == end_ && !Fill()) return -1;
    return static_cast<unsigned char>(buffer_[pos_]);
  }
  bool Fill();
  size_t Find(char c) const;
  // Records and returns the error (a read failure wins over `message`).
  Status Fail(uint64_t line, const std::string& message);

  std::istream* in_;
  size_t max_record_bytes_;
  std::vector<char> buffer_;
  size_t pos_ = 0;  // next unread byte in buffer_
  size_t end_ = 0;  // bytes valid in buffer_
  // Cached positions of the next ',' and '\n' at or after pos_ (end_ when
  // none in the buffer); kStale after a refill or once pos_ passes them.
  size_t next_comma_;
  size_t next_newline_;
  bool at_eof_ = false;
  bool read_failed_ = false;
  uint64_t line_ = 1;         // line of buffer_[pos_]
  uint64_t record_line_ = 1;  // line where the current record started
  size_t record_bytes_ = 0;
  Status failed_;
  std::vector<std::string> header_;
};

}  // namespace provisor

#endif  // PROVISOR_COMMON_CSV_H_
