// Build-time typography for CJK text: a thin space between CJK and Latin letters or digits
// ("中文English" → "中文 English"), done once at build time instead of in the reader's browser.
#pragma once

#include <string>
#include <string_view>

namespace haven::site {

// Returns `html` with one ASCII space inserted wherever a Han/Kana/Bopomofo character meets a
// Latin letter or digit (either order) in text. Never touches markup (tags, attributes,
// comments, character references) nor text inside <pre>, <code>, <kbd>, <samp>, <script>,
// <style>, <textarea> or <svg>/<math>. Also spaces across inline element boundaries
// ("中文<a>Link</a>" → "中文 <a>Link</a>"); block boundaries and <br> reset. Idempotent.
std::string space_cjk_latin(std::string_view html);

} // namespace haven::site
