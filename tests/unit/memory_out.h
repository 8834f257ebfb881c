#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace tap {

/// A FILE* that writes to memory (for a SingerWriter under test), read back as lines.
class MemoryOut {
 public:
  MemoryOut() : file_(open_memstream(&buffer_, &size_)) {}
  ~MemoryOut() {
    std::fclose(file_);
    std::free(buffer_);
  }
  MemoryOut(const MemoryOut&) = delete;
  MemoryOut& operator=(const MemoryOut&) = delete;

  std::FILE* file() { return file_; }

  /// Every line written so far (flush the writer first).
  std::vector<std::string> Lines() {
    std::fflush(file_);
    std::vector<std::string> lines;
    std::string text(buffer_, size_);
    for (size_t start = 0; start < text.size();) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      lines.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return lines;
  }

 private:
  char* buffer_ = nullptr;
  size_t size_ = 0;
  std::FILE* file_;
};

}  // namespace tap
