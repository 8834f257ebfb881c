#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tap/status.h"

namespace tap {

/// The rules of one time zone as a compiled TZif file (RFC 8536) states them: the UTC offset of
/// every period up to the last transition, then the POSIX TZ footer for all later instants.
/// Read from the bytes of a file, so the tap needs no C++ time-zone library and can carry its
/// own copy of the database where the system has none.
class ZoneRules {
 public:
  /// Parses a TZif file of version 1 to 4 (the 64-bit data of version 2 and later is used);
  /// kInvalidInput, naming `what`, for anything that is not a whole, consistent TZif file.
  static Result<std::shared_ptr<const ZoneRules>> Parse(std::string_view bytes,
                                                        std::string_view what);

  /// The UTC offset (local time minus UTC) in effect at instant `t`.
  std::chrono::seconds OffsetAt(std::chrono::sys_seconds t) const;

  /// The offset of local wall-clock time `local`. In a gap (clocks spring forward) or an
  /// overlap (clocks fall back) the offset in effect before the change wins.
  std::chrono::seconds OffsetAtLocal(std::chrono::local_seconds local) const;

 private:
  struct Footer;  // the POSIX TZ rule after the last transition

  std::vector<int64_t> transitions_;      // UTC seconds, ascending
  std::vector<uint8_t> type_of_;          // the local time type from each transition on
  std::vector<int32_t> offsets_;          // UTC offset of each local time type (type 0 comes first)
  std::shared_ptr<const Footer> footer_;  // null: the last type lasts forever
};

}  // namespace tap
