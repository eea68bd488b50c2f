// Files compiled into the binary (the default theme, under theme/ in the repository).
#pragma once

#include <string_view>
#include <vector>

namespace haven::site {

struct EmbeddedFile {
  std::string_view path;  // relative to theme/ ("layout/post.njk")
  std::string_view data;
};

extern const std::vector<EmbeddedFile> k_embedded_files;

} // namespace haven::site
