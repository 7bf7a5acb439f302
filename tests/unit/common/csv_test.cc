#include "common/csv.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace provisor {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// Reads all of `text`; the header is the first row of the result.
Rows ReadAll(const std::string& text, size_t chunk_bytes = CsvReader::kDefaultChunkBytes) {
  std::istringstream in(text);
  StatusOr<CsvReader> reader =
      CsvReader::Open(in, CsvReader::kDefaultMaxRecordBytes, chunk_bytes);
  REQUIRE(reader.ok());
  Rows rows{reader->header()};
  std::vector<std::string> fields;
  for (;;) {
    StatusOr<bool> more = reader->Next(&fields);
    INFO(more.status().ToString());
    REQUIRE(more.ok());
    if (!*more) break;
    rows.push_back(fields);
  }
  return rows;
}

// The error reading all of `text` ends with (from Open() or from Next()).
std::string ErrorOf(const std::string& text,
                    size_t max_record_bytes = CsvReader::kDefaultMaxRecordBytes) {
  std::istringstream in(text);
  StatusOr<CsvReader> reader = CsvReader::Open(in, max_record_bytes);
  if (!reader.ok()) {
    CHECK(reader.status().code() == StatusCode::kInvalidArgument);
    return reader.status().message();
  }
  std::vector<std::string> fields;
  for (;;) {
    StatusOr<bool> more = reader->Next(&fields);
    if (!more.ok()) {
      CHECK(more.status().code() == StatusCode::kInvalidArgument);
      return more.status().message();
    }
    if (!*more) return "no error";
  }
}

TEST_CASE("CsvReader reads a header and records") {
  CHECK(ReadAll("mac,model\naa:bb:cc:dd:ee:ff,t46u\n00:11:22:33:44:55,spa122\n") ==
        Rows{{"mac", "model"}, {"aa:bb:cc:dd:ee:ff", "t46u"}, {"00:11:22:33:44:55", "spa122"}});
}

TEST_CASE("CsvReader handles quoting") {
  CHECK(ReadAll("a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"\"\n") ==
        Rows{{"a", "b", "c"}, {"x,y", "say \"hi\"", ""}});
  // Newlines, CRLF and a lone quote pair inside quotes are data.
  CHECK(ReadAll("a,b\n\"line1\nline2\",\"c\r\nd\"\n\"\"\"\",z\n") ==
        Rows{{"a", "b"}, {"line1\nline2", "c\r\nd"}, {"\"", "z"}});
  // A quote inside an unquoted field is kept; spaces are never trimmed.
  CHECK(ReadAll("a,b\nab\"c, x \n") == Rows{{"a", "b"}, {"ab\"c", " x "}});
  // Quoted header names.
  CHECK(ReadAll("\"a,1\",\"b\"\"2\"\n1,2\n") == Rows{{"a,1", "b\"2"}, {"1", "2"}});
}

TEST_CASE("CsvReader accepts CRLF, LF, no final line end and blank lines") {
  const Rows expected{{"a", "b"}, {"1", "2"}, {"3", "4"}};
  CHECK(ReadAll("a,b\r\n1,2\r\n3,4\r\n") == expected);
  CHECK(ReadAll("a,b\n1,2\n3,4\n") == expected);
  CHECK(ReadAll("a,b\r\n1,2\n3,4") == expected);
  CHECK(ReadAll("a,b\n1,2\n3,4\r") == expected);
  CHECK(ReadAll("a,b\n1,2\n3,4\n\n") == expected);
  CHECK(ReadAll("a,b\r\n1,2\r\n3,4\r\n\r\n") == expected);
  CHECK(ReadAll("\na,b\n\n1,2\r\n\r\n3,4\n\n\n") == expected);
  CHECK(ReadAll("a,b\n\"1\",\"2\"\r\n\"3\",\"4\"") == expected);
  CHECK(ReadAll("a,b\n\"1\",\"2\"\r\n\"3\",\"4\"\r") == expected);
  CHECK(ReadAll("a,b\n") == Rows{{"a", "b"}});
  CHECK(ReadAll("a,b") == Rows{{"a", "b"}});
}

TEST_CASE("CsvReader keeps empty fields and a lone CR inside a field") {
  CHECK(ReadAll("a,b,c\n,,\n1,,\n,,3\n\"\",\"\",\"\"\n") ==
        Rows{{"a", "b", "c"}, {"", "", ""}, {"1", "", ""}, {"", "", "3"}, {"", "", ""}});
  CHECK(ReadAll("a,b\nx\ry,z\n") == Rows{{"a", "b"}, {"x\ry", "z"}});
  // A one-column file: a quoted empty field is a record, a blank line is not.
  CHECK(ReadAll("mac\n\"\"\n\nx\n") == Rows{{"mac"}, {""}, {"x"}});
}

TEST_CASE("CsvReader skips a UTF-8 byte order mark and accepts UTF-8") {
  CHECK(ReadAll("\xEF\xBB\xBFname,city\nJos\xC3\xA9,K\xC3\xB6ln\n") ==
        Rows{{"name", "city"}, {"Jos\xC3\xA9", "K\xC3\xB6ln"}});
}

TEST_CASE("CsvReader reports where each record started") {
  std::istringstream in("a,b\n1,2\n\n\"x\ny\",3\n4,5\n");
  StatusOr<CsvReader> reader = CsvReader::Open(in);
  REQUIRE(reader.ok());
  CHECK(reader->line() == 1);
  CHECK(reader->header() == std::vector<std::string>{"a", "b"});
  std::vector<std::string> fields;
  REQUIRE(*reader->Next(&fields));
  CHECK(reader->line() == 2);
  REQUIRE(*reader->Next(&fields));
  CHECK(reader->line() == 4);
  CHECK(fields == std::vector<std::string>{"x\ny", "3"});
  REQUIRE(*reader->Next(&fields));
  CHECK(reader->line() == 6);
  CHECK(fields == std::vector<std::string>{"4", "5"});
  StatusOr<bool> more = reader->Next(&fields);
  REQUIRE(more.ok());
  CHECK_FALSE(*more);
  more = reader->Next(&fields);  // still at the end
  REQUIRE(more.ok());
  CHECK_FALSE(*more);
}

TEST_CASE("CsvReader reuses and resizes the caller's vector") {
  std::istringstream in("a,b\n1,2\n");
  StatusOr<CsvReader> reader = CsvReader::Open(in);
  REQUIRE(reader.ok());
  std::vector<std::string> fields{"old", "values", "too", "many"};
  REQUIRE(*reader->Next(&fields));
  CHECK(fields == std::vector<std::string>{"1", "2"});
}

TEST_CASE("CsvReader rejects malformed input naming the line") {
  CHECK(ErrorOf("a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n\"open,x\n\n") ==
        "line 7: quoted field is never closed");
  CHECK(ErrorOf("a,b\n1,\"never") == "line 2: quoted field is never closed");
  CHECK(ErrorOf("\"a,b\n") == "line 1: quoted field is never closed");
  CHECK(ErrorOf("a,b\n1,2\n\"x\"y,2\n") == "line 3: unexpected character after closing quote");
  CHECK(ErrorOf("a,b\n1,2\n\"x\" ,2\n") == "line 3: unexpected character after closing quote");
  CHECK(ErrorOf("a,b\n\"x\ny\"\rz,2\n") == "line 3: unexpected character after closing quote");
  CHECK(ErrorOf("a,b,c,d\n1,2,3,4\n" + std::string(6, '\n') + "1,2,3,4,5\n") ==
        "line 9: 5 fields, the header has 4");
  CHECK(ErrorOf("a,b,c,d\n1,2,3\n") == "line 2: 3 fields, the header has 4");
  CHECK(ErrorOf("a,b,c,d\nx\n") == "line 2: 1 field, the header has 4");
  CHECK(ErrorOf("a,b\n1,2,\n") == "line 2: 3 fields, the header has 2");
  CHECK(ErrorOf("mac,model,mac\n") == "line 1: header column 3 'mac' repeats column 1");
  CHECK(ErrorOf("a,,b\n") == "line 1: header column 2 is empty");
  CHECK(ErrorOf("a,b,\n") == "line 1: header column 3 is empty");
  CHECK(ErrorOf("\"\"\n") == "line 1: header column 1 is empty");
  CHECK(ErrorOf("") == "line 1: the input is empty; the first line must be the header");
  CHECK(ErrorOf("\n\r\n") == "line 1: the input is empty; the first line must be the header");
  CHECK(ErrorOf("a,b\n1,2\n3,4\n5,caf\xE9\n") == "line 4: not valid UTF-8");
  CHECK(ErrorOf("a,b\n1,2\n\"x\ny\",\"\xED\xA0\x80\"\n") == "line 4: not valid UTF-8");
  CHECK(ErrorOf("a\xC0\xAF,b\n") == "line 1: not valid UTF-8");
  CHECK(ErrorOf("a,b\n1,2\n" + std::string(60, 'x') + ",y\n", 50) ==
        "line 3: record is longer than 50 bytes");
  CHECK(ErrorOf("a,b\n\"" + std::string(60, 'x') + "\",y\n", 50) ==
        "line 2: record is longer than 50 bytes");
}

TEST_CASE("CsvReader repeats its error after a failure") {
  std::istringstream in("a,b\n1,2,3\n4,5\n");
  StatusOr<CsvReader> reader = CsvReader::Open(in);
  REQUIRE(reader.ok());
  std::vector<std::string> fields;
  StatusOr<bool> more = reader->Next(&fields);
  REQUIRE_FALSE(more.ok());
  CHECK(more.status().message() == "line 2: 3 fields, the header has 2");
  more = reader->Next(&fields);
  REQUIRE_FALSE(more.ok());
  CHECK(more.status().message() == "line 2: 3 fields, the header has 2");
}

TEST_CASE("CsvReader reports a stream that cannot be read") {
  std::istringstream in("a,b\n");
  in.setstate(std::ios::badbit);
  StatusOr<CsvReader> reader = CsvReader::Open(in);
  REQUIRE_FALSE(reader.ok());
  CHECK(reader.status().code() == StatusCode::kDataLoss);
  CHECK(reader.status().message() == "line 1: reading the input failed");
}

TEST_CASE("CsvReader parses records that straddle its 1 MiB read chunks") {
  constexpr size_t kChunk = 1024 * 1024;
  const std::string header = "a,b\n";
  const std::string tricky = "\"q\"\"x\",\"m\r\nn\"\r\nu,\r\nv,\"\"\r\n";
  for (size_t back = 0; back <= tricky.size(); ++back) {
    // A filler record ends exactly `back` bytes before the chunk boundary.
    const size_t filler = kChunk - back - header.size() - 3;  // "f,", "\n"
    const std::string text = header + "f," + std::string(filler, 'z') + "\n" + tricky;
    const Rows rows = ReadAll(text);
    INFO("tricky record starts " << back << " bytes before the boundary");
    REQUIRE(rows.size() == 5);
    CHECK(rows[1][1].size() == filler);
    CHECK(rows[2] == std::vector<std::string>{"q\"x", "m\r\nn"});
    CHECK(rows[3] == std::vector<std::string>{"u", ""});
    CHECK(rows[4] == std::vector<std::string>{"v", ""});
  }
}

TEST_CASE("csv: records, quotes and line ends that straddle chunks read the same") {
  const std::string text =
      "\xEF\xBB\xBFmac,name,note\r\n"
      "aa:bb:cc:dd:ee:01,\"Ann \"\"A\"\" Smith\",\"two\r\nlines\"\r\n"
      "\n"
      "aa:bb:cc:dd:ee:02,Bob,\"a,b\"\n"
      "aa:bb:cc:dd:ee:03,,last";
  const Rows expected = {{"mac", "name", "note"},
                         {"aa:bb:cc:dd:ee:01", "Ann \"A\" Smith", "two\r\nlines"},
                         {"aa:bb:cc:dd:ee:02", "Bob", "a,b"},
                         {"aa:bb:cc:dd:ee:03", "", "last"}};
  CHECK(ReadAll(text) == expected);
  for (size_t chunk = 3; chunk <= text.size() + 1; ++chunk) {
    INFO("chunk " << chunk);
    CHECK(ReadAll(text, chunk) == expected);
  }
}

}  // namespace
}  // namespace provisor
