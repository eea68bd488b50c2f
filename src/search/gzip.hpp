// gzip (RFC 1952) through zlib, deterministic: no file name, mtime 0, fixed level.
#pragma once

#include <string>
#include <string_view>

namespace haven::search {

// `data` compressed as a gzip member at level 6. Same input, same bytes.
std::string gzip(std::string_view data);

// Inflates a gzip member (tests); throws std::runtime_error on corrupt input.
std::string gunzip(std::string_view data);

}  // namespace haven::search
