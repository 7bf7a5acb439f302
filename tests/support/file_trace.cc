#include "tests/support/file_trace.h"

#include <sstream>

namespace provisor::testing {

FileTrace ScanFileTrace(const std::string& log) {
  FileTrace trace;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    const bool open_call = line.find("open(") != std::string::npos ||
                           line.find("openat(") != std::string::npos ||
                           line.find("openat2(") != std::string::npos;
    bool writes = false;
    if (open_call) {
      ++trace.opens;
      for (const char* flag : {"O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"}) {
        if (line.find(flag) != std::string::npos) writes = true;
      }
    }
    for (const char* call : {"creat(", "mkdir(", "mkdirat(", "unlink(", "unlinkat(", "rename(",
                             "renameat(", "renameat2(", "truncate(", "link(", "symlink("}) {
      if (line.find(std::string(" ") + call) != std::string::npos) writes = true;
    }
    if (writes) trace.writes.push_back(line);
  }
  return trace;
}

std::vector<std::string> FileTraceWrapper(const std::string& path) {
  return {"strace", "-f", "-qq", "-e", "trace=%file,%desc", "-o", path};
}

}  // namespace provisor::testing
