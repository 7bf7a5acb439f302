// Reads an `strace -f -e trace=%file,%desc` log and finds the calls that
// would write to the file system: opens for writing, creating or
// truncating, and creat/mkdir/unlink/rename/truncate/link/symlink calls.
#ifndef PROVISOR_TESTS_SUPPORT_FILE_TRACE_H_
#define PROVISOR_TESTS_SUPPORT_FILE_TRACE_H_

#include <string>
#include <vector>

namespace provisor::testing {

struct FileTrace {
  size_t opens = 0;                  // open/openat/openat2 calls seen
  std::vector<std::string> writes;   // lines of calls that write
};

FileTrace ScanFileTrace(const std::string& log);

// The strace command line that records such a log into `path`.
std::vector<std::string> FileTraceWrapper(const std::string& path);

}  // namespace provisor::testing

#endif  // PROVISOR_TESTS_SUPPORT_FILE_TRACE_H_
