// Hexo's title casing (its `titlecase` option, helper and blockquote titles), which uses the npm
// package `titlecase` 1.1.3 (David Gouch's To Title Case with Rod Vagg's changes).
#pragma once

#include <string>
#include <string_view>

namespace haven::text {

// Title-cases `s` as Hexo does: each word (a run of non-space, non-hyphen characters starting
// with an ASCII letter or digit or a Latin-1 letter U+00C0–U+00FF) gets its first character upper
// cased, unless it already has a capital after its first character or a dot inside (iPhone,
// example.com), or it is a small word (a, an, and, as, at, but, by, en, for, if, in, nor, of, on,
// or, per, the, to, v, vs, via) that is neither first nor last, nor right after a colon, which
// is lower cased. Everything else, CJK text included, is copied unchanged.
std::string titlecase(std::string_view s);

} // namespace haven::text
