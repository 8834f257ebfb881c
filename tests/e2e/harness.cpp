#include "tests/e2e/harness.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidjson/schema.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tap/json.h"

namespace e2e {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Checks every date-time value of `record` against `schema` (RapidJSON ignores "format").
void CheckFormats(const rapidjson::Value& schema, const rapidjson::Value& value,
                  const std::string& where) {
  static const std::regex kDateTime(
      R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
  static const std::regex kDate(R"(\d{4}-\d{2}-\d{2})");
  if (!schema.IsObject() || value.IsNull()) return;
  if (schema.HasMember("format") && value.IsString()) {
    std::string format = schema["format"].GetString();
    if (format == "date-time") {
      EXPECT_TRUE(std::regex_match(value.GetString(), kDateTime))
          << where << " is not RFC 3339: " << value.GetString();
    } else if (format == "date") {
      EXPECT_TRUE(std::regex_match(value.GetString(), kDate))
          << where << " is not a date: " << value.GetString();
    }
  }
  if (schema.HasMember("properties") && value.IsObject()) {
    for (const auto& m : value.GetObject()) {
      if (schema["properties"].HasMember(m.name)) {
        CheckFormats(schema["properties"][m.name], m.value, where + "." + m.name.GetString());
      }
    }
  }
  if (schema.HasMember("items") && value.IsArray()) {
    for (const auto& item : value.GetArray()) CheckFormats(schema["items"], item, where + "[]");
  }
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tap-e2e-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Write(const std::string& name, const std::string& content) const {
  std::string file = path_ + "/" + name;
  std::ofstream(file, std::ios::binary) << content;
  return file;
}

TapRun RunTap(const std::vector<std::string>& args, const TempDir& dir,
              const std::vector<std::string>& env) {
  std::string out_path = dir.path() + "/stdout.txt";
  std::string err_path = dir.path() + "/stderr.txt";
  std::string command;
  if (!env.empty()) command = "env";
  for (const std::string& variable : env) command += " " + ShellQuote(variable);
  command += (command.empty() ? "" : " ") + ShellQuote(TAP_BINARY);
  for (const std::string& arg : args) command += " " + ShellQuote(arg);
  command += " > " + ShellQuote(out_path) + " 2> " + ShellQuote(err_path) + " < /dev/null";
  int status = std::system(command.c_str());
  TapRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = Slurp(out_path);
  run.err = Slurp(err_path);
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);) run.lines.push_back(line);
  return run;
}

Spawned SpawnTap(const std::vector<std::string>& args, const TempDir& dir, const std::string& tag) {
  Spawned s;
  s.out_path = dir.path() + "/" + tag + ".out";
  s.err_path = dir.path() + "/" + tag + ".err";
  std::vector<std::string> argv_store = {TAP_BINARY};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  int pid = fork();
  if (pid == 0) {
    FILE* out = std::freopen(s.out_path.c_str(), "w", stdout);
    FILE* err = std::freopen(s.err_path.c_str(), "w", stderr);
    if (out == nullptr || err == nullptr) _exit(127);
    std::vector<char*> argv;
    for (std::string& a : argv_store) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  s.pid = pid;
  return s;
}

TapRun WaitTap(const Spawned& spawned) {
  int status = 0;
  waitpid(spawned.pid, &status, 0);
  TapRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = Slurp(spawned.out_path);
  run.err = Slurp(spawned.err_path);
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);) run.lines.push_back(line);
  return run;
}

Messages Parse(const TapRun& run) {
  Messages m;
  for (const std::string& line : run.lines) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    EXPECT_FALSE(doc.HasParseError()) << "not JSON: " << line.substr(0, 200);
    EXPECT_TRUE(doc.IsObject() && doc.HasMember("type")) << line.substr(0, 200);
    if (doc.HasParseError() || !doc.IsObject()) continue;
    m.all.push_back(std::move(doc));
  }
  for (const rapidjson::Document& doc : m.all) {
    std::string type = doc["type"].GetString();
    if (type == "SCHEMA") {
      m.schemas[doc["stream"].GetString()].CopyFrom(
          doc, m.schemas[doc["stream"].GetString()].GetAllocator());
    } else if (type == "RECORD") {
      m.records[doc["stream"].GetString()].push_back(&doc["record"]);
    } else if (type == "STATE") {
      m.last_state = &doc["value"];
    }
  }
  return m;
}

void ExpectValidSingerStream(const Messages& messages) {
  std::map<std::string, std::unique_ptr<rapidjson::SchemaDocument>> validators;
  std::map<std::string, const rapidjson::Value*> schema_of;
  bool record_since_state = false;
  for (const rapidjson::Document& doc : messages.all) {
    std::string type = doc["type"].GetString();
    if (type == "SCHEMA") {
      ASSERT_TRUE(doc.HasMember("key_properties")) << "SCHEMA without key_properties";
      ASSERT_TRUE(doc["schema"].HasMember("properties"));
      for (const auto& key : doc["key_properties"].GetArray()) {
        EXPECT_TRUE(doc["schema"]["properties"].HasMember(key))
            << "key " << key.GetString() << " not in schema";
      }
      validators[doc["stream"].GetString()] =
          std::make_unique<rapidjson::SchemaDocument>(doc["schema"]);
      schema_of[doc["stream"].GetString()] = &doc;
    } else if (type == "RECORD") {
      std::string stream = doc["stream"].GetString();
      ASSERT_TRUE(validators.count(stream)) << "RECORD of " << stream << " before its SCHEMA";
      rapidjson::SchemaValidator validator(*validators[stream]);
      if (!doc["record"].Accept(validator)) {
        rapidjson::StringBuffer where;
        validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
        ADD_FAILURE() << stream << " record fails its schema at " << where.GetString() << " ("
                      << validator.GetInvalidSchemaKeyword()
                      << "): " << tap::ToJson(doc["record"]).substr(0, 300);
      }
      CheckFormats((*schema_of[stream])["schema"], doc["record"], stream);
      for (const auto& key : (*schema_of[stream])["key_properties"].GetArray()) {
        const rapidjson::Value& record = doc["record"];
        EXPECT_TRUE(record.HasMember(key) && !record[key].IsNull())
            << stream << " record lacks key " << key.GetString();
      }
      EXPECT_TRUE(doc.HasMember("time_extracted"));
      record_since_state = true;
    } else if (type == "STATE") {
      EXPECT_TRUE(doc.HasMember("value") && doc["value"].IsObject());
      record_since_state = false;
    } else {
      ADD_FAILURE() << "unexpected message type " << type;
    }
  }
  EXPECT_FALSE(record_since_state) << "no STATE after the last RECORD";
}

std::string CatalogSelecting(const std::vector<std::string>& streams, bool all_fields) {
  static const std::string discovered = [] {
    TempDir dir;
    return RunTap({"--discover"}, dir).out;
  }();
  rapidjson::Document catalog;
  catalog.Parse(discovered.c_str());
  auto& a = catalog.GetAllocator();
  for (auto& entry : catalog["streams"].GetArray()) {
    bool selected =
        std::find(streams.begin(), streams.end(), entry["stream"].GetString()) != streams.end();
    for (auto& md : entry["metadata"].GetArray()) {
      bool field = all_fields || !md["metadata"].HasMember("selected-by-default") ||
                   md["metadata"]["selected-by-default"].GetBool();
      md["metadata"].RemoveMember("selected");
      md["metadata"].AddMember("selected", md["breadcrumb"].Empty() ? selected : field, a);
    }
  }
  return tap::ToJson(catalog);
}

std::string MergeJson(const std::string& base, const std::string& extra) {
  rapidjson::Document merged;
  merged.Parse(base.c_str());
  rapidjson::Document more;
  more.Parse(extra.c_str());
  for (auto& m : more.GetObject()) {
    merged.RemoveMember(m.name.GetString());
    merged.AddMember(rapidjson::Value(m.name, merged.GetAllocator()),
                     rapidjson::Value(m.value, merged.GetAllocator()), merged.GetAllocator());
  }
  return tap::ToJson(merged);
}

std::string Config(int port, const sim::SimConfig& sim, const std::string& extra) {
  // A STATE after every commit (state_interval 0), so that the tests see every point a run
  // could resume from; the throttled default has tests of its own.
  return MergeJson(fmt::format(R"({{"access_token":"{}","start_date":"2020-01-01",
                                    "app_id":"{}","secret":"{}",
                                    "max_requests_per_second":1000,"max_requests_per_minute":60000,
                                    "state_interval":0,"api_base_url":"http://127.0.0.1:{}"}})",
                               sim.access_token, sim.app_id, sim.secret, port),
                   extra);
}

}  // namespace e2e
