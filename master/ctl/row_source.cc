#include "master/ctl/row_source.h"

#include <filesystem>
#include <vector>

#include "common/csv.h"
#include "master/ctl/counting_file_buf.h"
#include "master/ctl/json_input.h"
#include "master/ctl/row_mapper.h"
#include "master/ctl/text.h"

namespace provisor::ctl {
namespace {

// What the sources share: the stream and, for files, its counting buffer.
class StreamInput {
 public:
  StreamInput(std::unique_ptr<CountingFileBuf> buf, std::unique_ptr<std::istream> in)
      : buf_(std::move(buf)), in_(std::move(in)) {}

  std::istream& in() { return *in_; }
  uint64_t bytes_read() const { return buf_ ? buf_->bytes_read() : 0; }
  std::optional<uint64_t> size() const { return buf_ ? buf_->size() : std::nullopt; }
  // A read error that made the stream look finished.
  bool failed() const { return (buf_ && buf_->failed()) || in_->bad(); }

 private:
  std::unique_ptr<CountingFileBuf> buf_;  // may be null (tests)
  std::unique_ptr<std::istream> in_;      // reads buf_ when there is one
};

class CsvSource final : public RowSource {
 public:
  CsvSource(StreamInput input, CsvReader reader, RowMapper mapper)
      : input_(std::move(input)), reader_(std::move(reader)), mapper_(std::move(mapper)) {}

  StatusOr<bool> Next(SourceRow* row) override {
    StatusOr<bool> got = reader_.Next(&fields_);
    if (!got.ok()) return got.status();
    if (!*got) {
      if (input_.failed()) {
        return Status(StatusCode::kDataLoss,
                      "line " + std::to_string(reader_.line()) + ": the file could not be read");
      }
      return false;
    }
    row->row = reader_.line();
    StatusOr<v1::Entity> entity = mapper_.Map(fields_);
    if (entity.ok()) {
      row->entity = std::move(*entity);
      row->error.clear();
    } else {
      row->entity.reset();
      row->error = entity.status().message();
    }
    return true;
  }
  uint64_t line() const override { return reader_.line(); }
  uint64_t bytes_read() const override { return input_.bytes_read(); }
  std::optional<uint64_t> size() const override { return input_.size(); }

 private:
  StreamInput input_;
  CsvReader reader_;  // reads input_
  RowMapper mapper_;
  std::vector<std::string> fields_;
};

class JsonLinesSource final : public RowSource {
 public:
  JsonLinesSource(StreamInput input, std::optional<v1::EntityKind> kind)
      : input_(std::move(input)), kind_(kind) {}

  StatusOr<bool> Next(SourceRow* row) override {
    while (std::getline(input_.in(), text_)) {
      ++line_;
      if (Trim(text_).empty()) continue;
      row->row = line_;
      StatusOr<v1::Entity> entity = ParseEntityJsonLine(text_, kind_);
      if (entity.ok()) {
        row->entity = std::move(*entity);
        row->error.clear();
      } else {
        row->entity.reset();
        row->error = entity.status().message();
      }
      return true;
    }
    if (input_.failed()) {
      return Status(StatusCode::kDataLoss,
                    "line " + std::to_string(line_ + 1) + ": the file could not be read");
    }
    return false;
  }
  uint64_t line() const override { return line_; }
  uint64_t bytes_read() const override { return input_.bytes_read(); }
  std::optional<uint64_t> size() const override { return input_.size(); }

 private:
  StreamInput input_;
  std::optional<v1::EntityKind> kind_;
  uint64_t line_ = 0;
  std::string text_;
};

StatusOr<std::unique_ptr<RowSource>> MakeSource(StreamInput input, SourceFormat format,
                                                std::optional<v1::EntityKind> kind,
                                                std::string base_dir) {
  if (format == SourceFormat::kJsonLines) {
    std::unique_ptr<RowSource> source =
        std::make_unique<JsonLinesSource>(std::move(input), kind);
    return source;
  }
  StatusOr<CsvReader> reader = CsvReader::Open(input.in());
  if (!reader.ok()) return reader.status();
  StatusOr<RowMapper> mapper = RowMapper::Create(reader->header(), kind, std::move(base_dir));
  if (!mapper.ok()) {
    return InvalidArgumentError("line " + std::to_string(reader->line()) + ": " +
                                mapper.status().message());
  }
  std::unique_ptr<RowSource> source = std::make_unique<CsvSource>(
      std::move(input), std::move(*reader), std::move(*mapper));
  return source;
}

SourceFormat FormatFromName(const std::string& path) {
  const std::string extension = Lower(std::filesystem::path(path).extension().string());
  if (extension == ".csv") return SourceFormat::kCsv;
  if (extension == ".jsonl" || extension == ".json" || extension == ".ndjson") {
    return SourceFormat::kJsonLines;
  }
  return SourceFormat::kAuto;
}

}  // namespace

StatusOr<std::unique_ptr<RowSource>> OpenRowSource(const std::string& path,
                                                   const SourceOptions& options) {
  StatusOr<std::unique_ptr<CountingFileBuf>> buf = CountingFileBuf::Open(path);
  if (!buf.ok()) return buf.status();
  SourceFormat format = options.format;
  if (format == SourceFormat::kAuto) format = FormatFromName(path);
  std::string_view head = (*buf)->Peek();
  const size_t first = head.find_first_not_of(" \t\r\n");
  const char first_char = first == std::string_view::npos ? '\0' : head[first];
  if (format == SourceFormat::kAuto) {
    format = first_char == '{' ? SourceFormat::kJsonLines : SourceFormat::kCsv;
  }
  if (format == SourceFormat::kJsonLines && first_char == '[') {
    return InvalidArgumentError(path + ": a JSON array; import wants JSON lines "
                                       "(one object per line)");
  }
  if (first == std::string_view::npos && (*buf)->size().value_or(1) == 0) {
    return InvalidArgumentError(path + " is empty");
  }
  std::string base_dir;
  if (path != "-") base_dir = std::filesystem::path(path).parent_path().string();
  CountingFileBuf* raw = buf->get();
  StreamInput input(std::move(*buf), std::make_unique<std::istream>(raw));
  StatusOr<std::unique_ptr<RowSource>> source =
      MakeSource(std::move(input), format, options.kind, std::move(base_dir));
  if (!source.ok()) return Status(source.status().code(), path + ": " + source.status().message());
  return source;
}

StatusOr<std::unique_ptr<RowSource>> OpenStreamSource(std::unique_ptr<std::istream> in,
                                                      SourceFormat format,
                                                      std::optional<v1::EntityKind> kind,
                                                      std::string base_dir) {
  if (format == SourceFormat::kAuto) return InvalidArgumentError("a format is required");
  return MakeSource(StreamInput(nullptr, std::move(in)), format, kind, std::move(base_dir));
}

}  // namespace provisor::ctl
