#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/simulator/sim_server.h"

namespace e2e {

/// What one run of the tap binary produced.
struct TapRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<std::string> lines;  // stdout split into lines
};

/// A fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  /// Writes `content` to <dir>/<name> and returns the full path.
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

/// Runs the built tap-tiktok-ads with `args`, capturing stdout, stderr and the exit code; `env`
/// ("NAME=value") is added to its environment.
TapRun RunTap(const std::vector<std::string>& args, const TempDir& dir,
              const std::vector<std::string>& env = {});

/// A tap started in the background (for signal tests).
struct Spawned {
  int pid = -1;
  std::string out_path, err_path;
};
Spawned SpawnTap(const std::vector<std::string>& args, const TempDir& dir, const std::string& tag);
/// Waits for a spawned tap; returns its run (exit code 128+N when killed by signal N).
TapRun WaitTap(const Spawned& spawned);

/// Singer messages of one run, grouped for assertions.
struct Messages {
  std::vector<rapidjson::Document> all;                                 // every line, parsed
  std::map<std::string, rapidjson::Document> schemas;                   // last SCHEMA per stream
  std::map<std::string, std::vector<const rapidjson::Value*>> records;  // record objects
  const rapidjson::Value* last_state = nullptr;
};

/// Parses every stdout line; fails the current test on a line that is not one JSON object.
Messages Parse(const TapRun& run);

/// Checks the Singer rules a target relies on: SCHEMA before RECORD, every RECORD valid against
/// its schema (and date-time values RFC 3339), key properties present and non-null, a STATE
/// after the last RECORD. Adds a test failure for each violation.
void ExpectValidSingerStream(const Messages& messages);

/// The discovered catalog with only `streams` selected, as JSON text: with all their fields, or
/// with the fields selected by default.
std::string CatalogSelecting(const std::vector<std::string>& streams, bool all_fields = true);

/// The JSON object `base` with the members of `extra` (both JSON object texts) put over it.
std::string MergeJson(const std::string& base, const std::string& extra);

/// The config JSON for a simulator on `port` (a STATE after every commit), merged with `extra`
/// (a JSON object text).
std::string Config(int port, const sim::SimConfig& sim, const std::string& extra = "{}");

}  // namespace e2e
