// The event catalogue (docs/EVENTS.md) lists exactly the event ids the code
// logs: every log call in common/, master/, slave/ and deploy/kea/ starts its
// line with an id that has an entry, and every entry is used somewhere.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace provisor {
namespace {

namespace fs = std::filesystem;

const std::regex kId("[A-Z][A-Z0-9_]{2,}");
const std::regex kLeadingId("^([A-Z][A-Z0-9_]{2,})( .*)?$");

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A log call: the string literals among its arguments (adjacent literals
// joined) and whether it formats an EventId(kind).
struct LogCall {
  std::string where;
  std::vector<std::string> literals;
  bool uses_event_id = false;
};

// Reads the arguments of the call whose '(' is at `open`. Tracks string and
// character literals so that parentheses and ';' inside them do not count.
LogCall ReadCall(const std::string& text, size_t open, std::string where) {
  LogCall call{std::move(where), {}, false};
  int depth = 0;
  bool last_was_literal = false;
  for (size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      std::string literal;
      size_t j = i + 1;
      for (; j < text.size() && text[j] != c; ++j) {
        if (text[j] == '\\' && j + 1 < text.size()) ++j;
        literal += text[j];
      }
      if (c == '"') {
        if (last_was_literal && !call.literals.empty()) {
          call.literals.back() += literal;
        } else {
          call.literals.push_back(literal);
        }
        last_was_literal = true;
      }
      i = j;
      continue;
    }
    if (!std::isspace(static_cast<unsigned char>(c))) last_was_literal = false;
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) {
      call.uses_event_id =
          text.substr(open, i - open).find("EventId(") != std::string::npos;
      break;
    }
  }
  return call;
}

std::vector<LogCall> FindLogCalls(const fs::path& file, const std::string& relative) {
  static const char* const kMethods[] = {"->trace(", "->debug(", "->info(",    "->warn(",
                                         "->error(", "->critical(", "->log("};
  const std::string text = ReadFile(file);
  std::vector<LogCall> calls;
  for (const char* method : kMethods) {
    const std::string needle(method);
    for (size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + 1)) {
      const size_t line = 1 + std::count(text.begin(), text.begin() + at, '\n');
      calls.push_back(ReadCall(text, at + needle.size() - 1,
                               relative + ":" + std::to_string(line)));
    }
  }
  return calls;
}

// The ids EventId() (master/cluster/event_log.cc) returns for the cluster
// event kinds.
std::set<std::string> EventLogIds(const fs::path& source) {
  const std::string text = ReadFile(source / "master/cluster/event_log.cc");
  const size_t begin = text.find("std::string EventId(");
  REQUIRE(begin != std::string::npos);
  const size_t end = text.find("\n}\n", begin);
  REQUIRE(end != std::string::npos);
  const std::string body = text.substr(begin, end - begin);
  std::set<std::string> ids;
  const std::regex returned("return \"([A-Z][A-Z0-9_]{2,})\";");
  for (std::sregex_iterator it(body.begin(), body.end(), returned), last; it != last; ++it) {
    ids.insert((*it)[1]);
  }
  return ids;
}

// Entries of docs/EVENTS.md: "### ID" headings, each with its text.
std::map<std::string, std::string> CatalogueEntries(const fs::path& source) {
  std::istringstream in(ReadFile(source / "docs/EVENTS.md"));
  std::map<std::string, std::string> entries;
  std::string line;
  std::string* current = nullptr;
  while (std::getline(in, line)) {
    if (line.rfind("### ", 0) == 0) {
      const std::string id = line.substr(4);
      INFO("catalogue heading: " << line);
      CHECK(std::regex_match(id, kId));
      CHECK(entries.count(id) == 0);
      current = &entries[id];
    } else if (line.rfind("#", 0) == 0) {
      current = nullptr;
    } else if (current != nullptr) {
      *current += line + "\n";
    }
  }
  return entries;
}

TEST_CASE("every logged event id has a catalogue entry and every entry is logged") {
  const fs::path source(PROVISOR_SOURCE_DIR);
  const std::set<std::string> event_log_ids = EventLogIds(source);
  std::map<std::string, std::string> used;  // id -> first place it is logged
  std::vector<std::string> without_id;
  int calls = 0;
  for (const char* dir : {"common", "master", "slave", "deploy/kea"}) {
    for (const auto& entry : fs::recursive_directory_iterator(source / dir)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".cc" && ext != ".h")) continue;
      const std::string relative = fs::relative(entry.path(), source).string();
      for (const LogCall& call : FindLogCalls(entry.path(), relative)) {
        ++calls;
        std::vector<std::string> ids;
        if (call.uses_event_id) {
          ids.assign(event_log_ids.begin(), event_log_ids.end());
        } else if (!call.literals.empty()) {
          std::smatch m;
          if (std::regex_match(call.literals[0], m, kLeadingId)) {
            ids.push_back(m[1]);
          } else if (call.literals[0].rfind("{}", 0) == 0) {
            // The id is an argument: "{} ...", cond ? "ID_A" : "ID_B".
            for (size_t i = 1; i < call.literals.size(); ++i) {
              if (std::regex_match(call.literals[i], kId)) ids.push_back(call.literals[i]);
            }
          }
        }
        if (ids.empty()) without_id.push_back(call.where);
        for (const std::string& id : ids) used.emplace(id, call.where);
      }
    }
  }
  // The scan itself works: it sees the known shapes of log call.
  CHECK(calls >= 30);
  CHECK(used.count("SLAVE_DOWN") == 1);          // EventLog kind
  CHECK(used.count("FOLLOW_SYNC_LOST") == 1);    // id passed as an argument
  CHECK(used.count("HTTP_ADMIN_REFUSED") == 1);  // id passed as an argument
  CHECK(used.count("TOKEN_KEYS_SEALED") == 1);   // id leading the format

  for (const std::string& where : without_id) {
    FAIL_CHECK("log call without an event id at " << where);
  }
  const std::map<std::string, std::string> catalogue = CatalogueEntries(source);
  for (const auto& [id, where] : used) {
    if (catalogue.count(id) == 0) {
      FAIL_CHECK(id << " (logged at " << where << ") has no entry in docs/EVENTS.md");
    }
  }
  for (const auto& [id, text] : catalogue) {
    if (used.count(id) == 0) FAIL_CHECK(id << " is in docs/EVENTS.md but no code logs it");
    INFO("catalogue entry " << id);
    CHECK(text.find("Severity: ") != std::string::npos);
  }
}

}  // namespace
}  // namespace provisor
