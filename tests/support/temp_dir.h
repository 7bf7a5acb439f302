// TempDir: a fresh directory under $TMPDIR (or /tmp) removed with everything
// in it when the object goes away. Tests use one each, so they run in
// parallel without sharing files.
#ifndef PROVISOR_TESTS_SUPPORT_TEMP_DIR_H_
#define PROVISOR_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

namespace provisor::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `contents` to path()/name (creating parent directories); returns the path.
  std::string WriteFile(const std::string& name, const std::string& contents) const;
  std::string ReadFile(const std::string& name) const;

 private:
  std::string path_;
};

}  // namespace provisor::testing

#endif  // PROVISOR_TESTS_SUPPORT_TEMP_DIR_H_
