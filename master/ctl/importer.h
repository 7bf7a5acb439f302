// Importer: streams the rows of a RowSource to the master over one
// Admin.Import call and collects the batch results. A writer thread reads the
// file and sends chunks (at most chunk_rows rows or about chunk_bytes bytes,
// the batch size in the first); the thread in Run() reads the answers at the
// same time, so the file is never held in memory and the master never waits
// for the client.
//
// A row the client cannot map (a bad value) is still sent, as a row without
// an entity, so that the master rejects its batch and batch boundaries stay
// the master's; its answer then carries the client's message. A fatal file
// error (broken CSV quoting) sends such a row for the line it stopped at and
// half-closes, so the batch it interrupted is rejected, not half-committed.
//
// Stop() (Ctrl-C) stops sending and half-closes: the master commits what it
// got and answers every batch. Abort() cancels the call outright.
//
// Thread-safety: Run() once, from one thread; Stop(), Abort() and Progress()
// from any thread while it runs. REQUIRES: source and stream outlive Run().
#ifndef PROVISOR_MASTER_CTL_IMPORTER_H_
#define PROVISOR_MASTER_CTL_IMPORTER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "master/ctl/import_stream.h"
#include "master/ctl/row_source.h"

namespace provisor::ctl {

struct ImportOptions {
  uint32_t batch_size = 1000;          // rows per atomic batch (1..10000)
  uint32_t chunk_rows = 500;           // rows per ImportChunk
  uint64_t chunk_bytes = 1024 * 1024;  // ImportChunk size, roughly
  bool upsert = false;
};

struct RejectedBatch {
  uint64_t first_row = 0;
  uint64_t last_row = 0;
  std::vector<v1::RowError> errors;  // by row
};

struct ImportProgress {
  uint64_t rows_sent = 0;
  uint64_t rows_committed = 0;
  uint64_t batches = 0;
  uint64_t batches_rejected = 0;
  uint64_t bytes_read = 0;
  std::optional<uint64_t> size;
};

struct ImportSummary {
  ImportProgress progress;
  uint64_t rows_rejected = 0;
  Duration elapsed{};
  // The first kMaxKeptRejections rejected batches, in order.
  std::vector<RejectedBatch> rejected;
  bool interrupted = false;   // Stop() or Abort()
  uint64_t last_row_sent = 0;
  Status file_error;          // the file could not be read to its end
  Status call_error;          // the Import call failed
};

inline constexpr size_t kMaxKeptRejections = 1000;

class Importer {
 public:
  Importer(RowSource* source, ImportStream* stream, const Clock* clock, ImportOptions options)
      : source_(source), stream_(stream), clock_(clock), options_(options) {}

  ImportSummary Run();

  void Stop() { stop_.store(true); }
  void Abort() {
    stop_.store(true);
    aborted_.store(true);
    stream_->Cancel();
  }
  ImportProgress Progress() const;

 private:
  // The writer thread's whole job.
  void SendRows();
  // Sends and clears `chunk`; false when the call is over.
  bool Send(v1::ImportChunk* chunk);
  void Answer(const v1::ImportBatchResult& result, ImportSummary* summary);

  RowSource* source_;
  ImportStream* stream_;
  const Clock* clock_;
  ImportOptions options_;

  std::atomic<bool> stop_{false};
  std::atomic<bool> aborted_{false};
  std::atomic<uint64_t> rows_sent_{0};
  std::atomic<uint64_t> rows_committed_{0};
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> batches_rejected_{0};
  bool first_chunk_ = true;       // writer thread only
  uint64_t last_row_sent_ = 0;    // writer thread; read after join
  Status file_error_;             // writer thread; read after join

  std::mutex mu_;
  // Messages for rows sent without an entity, until their batch is answered.
  std::map<uint64_t, std::string> local_errors_;  // guarded by mu_
};

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_IMPORTER_H_
