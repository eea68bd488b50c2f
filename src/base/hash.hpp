// Checksums and digests Hexo compatibility needs (abbrlink, :hash, gravatar) plus a fast
// content hash for incremental builds.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace haven::base {

// CRC-16/ARC (poly 0x8005 reflected, init 0): hexo-abbrlink's default algorithm.
uint16_t crc16_arc(std::string_view data);
// CRC-32 (IEEE 802.3, as zlib): hexo-abbrlink's `alg: crc32`.
uint32_t crc32_ieee(std::string_view data);
// Lower-case hex digests.
std::string sha1_hex(std::string_view data);
std::string md5_hex(std::string_view data);
// XXH3 64-bit: fast, non-cryptographic, for change detection. A `seed` chains hashes without
// concatenating their inputs.
uint64_t content_hash(std::string_view data, uint64_t seed = 0);
// content_hash of the concatenation of `pieces` (without concatenating them).
uint64_t content_hash(std::span<const std::string_view> pieces, uint64_t seed = 0);

} // namespace haven::base
