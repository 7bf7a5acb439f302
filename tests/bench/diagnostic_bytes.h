// DiagnosticBytes: the reference content of the slave's diagnostic files.
//
// Contract: a file named diag/<size>/<anything> holds the text made by
// repeating the line "provisor diagnostic line NNNNNN\n" (NNNNNN = printf
// "%06llu" of the line number, starting at 000000), cut at exactly `size`
// bytes. Written independently of the server so tests can use it as an oracle.
#ifndef PROVISOR_TESTS_BENCH_DIAGNOSTIC_BYTES_H_
#define PROVISOR_TESTS_BENCH_DIAGNOSTIC_BYTES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace provisor::bench {

// Returns the first `size` bytes of the diagnostic text.
std::string DiagnosticBytes(uint64_t size);

// Returns <size> from a name of the form "diag/<size>/<rest>" (one leading
// '/' tolerated, <rest> non-empty), or nullopt if the name has another form.
std::optional<uint64_t> DiagnosticSizeFromName(std::string_view name);

}  // namespace provisor::bench

#endif  // PROVISOR_TESTS_BENCH_DIAGNOSTIC_BYTES_H_
