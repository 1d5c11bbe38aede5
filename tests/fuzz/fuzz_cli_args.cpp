// libFuzzer target: the command line's argument parser. The input is split at NUL bytes into
// arguments and parsed against the options `neurite train` accepts; then every typed getter is asked
// for every option. Bad arguments must be a std::invalid_argument naming the option.
#include <cstddef>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/args.hpp"

namespace {

const std::set<std::string> kOptions = {"preset", "model", "weights", "optimizer", "lr", "seed", "data", "epochs",
                                        "batch-size", "out", "train-images", "limit"};
const std::set<std::string> kFlags = {"no-shuffle", "help"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> words(1);
  for (std::size_t i = 0; i < size && words.size() < 64; ++i) {
    if (data[i] == 0)
      words.emplace_back();
    else
      words.back() += static_cast<char>(data[i]);
  }
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  try {
    const neurite::cli::Args args(static_cast<int>(argv.size()), argv.data(), kOptions, kFlags);
    for (const std::string& name : kOptions) {
      try {
        (void)args.get(name);
        (void)args.get_count(name, 1);
        (void)args.get_number(name, 1.0f);
      } catch (const std::invalid_argument&) {
      }
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
