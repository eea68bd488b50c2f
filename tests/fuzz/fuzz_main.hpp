// A main() shared by the fuzz targets: with no arguments it reads one input from stdin (the way
// AFL++ runs a target); with arguments it runs every given file or every file of a given folder
// (corpus replay in `make test`). Each target defines fuzz_one(); a crash or sanitizer report is
// the failure.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

void fuzz_one(std::string_view input);

int main(int argc, char** argv) {
  if (argc < 2) {
    std::string input((std::istreambuf_iterator<char>(std::cin)), {});
    fuzz_one(input);
    return 0;
  }
  size_t runs = 0;
  auto run_file = [&](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::string input((std::istreambuf_iterator<char>(in)), {});
    fuzz_one(input);
    ++runs;
  };
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
        if (e.is_regular_file()) run_file(e.path());
      }
    } else {
      run_file(p);
    }
  }
  std::printf("%zu inputs ran without a crash\n", runs);
  return runs > 0 ? 0 : 1;
}
