#pragma once
// A fresh empty directory under the system's temp dir, removed with the object (file-reading tests).
#include <filesystem>
#include <string>

namespace neurite::testing {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name) : path(std::filesystem::temp_directory_path() / name) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace neurite::testing
