// ImportStream: one Admin.Import call as the importer sees it, so that the
// import pipeline runs against the real master (AdminClient) or a fake in
// tests. Mirrors grpc::ClientReaderWriter: one thread may Write()/WritesDone()
// while another Read()s; Cancel() may be called from any thread; Finish()
// comes last, after Read() returned false and the writer stopped.
#ifndef PROVISOR_MASTER_CTL_IMPORT_STREAM_H_
#define PROVISOR_MASTER_CTL_IMPORT_STREAM_H_

#include "common/status.h"
#include "provisor/v1/admin.pb.h"

namespace provisor::ctl {

class ImportStream {
 public:
  virtual ~ImportStream() = default;
  // False once the call is over (the master ended it or it broke).
  virtual bool Write(const v1::ImportChunk& chunk) = 0;
  // Half-closes: the master commits what it has and ends the call.
  virtual bool WritesDone() = 0;
  // Blocks for the next batch result; false when the call is over.
  virtual bool Read(v1::ImportBatchResult* result) = 0;
  // Aborts the call; pending Write() and Read() return false.
  virtual void Cancel() = 0;
  // The call's final status, in words for people (see rpc_error.h).
  virtual Status Finish() = 0;
};

}  // namespace provisor::ctl

#endif  // PROVISOR_MASTER_CTL_IMPORT_STREAM_H_
