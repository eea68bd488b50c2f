// HTML escaping and stripping with the exact character sets of hexo-util and Nunjucks.
#pragma once

#include <string>
#include <string_view>

namespace haven::text {

// hexo-util escapeHTML: & < > " ' ` / = become &amp; &lt; &gt; &quot; &#39; &#96; &#x2F; &#x3D;.
std::string escape_html(std::string_view s);

// Whether escape_html(s) changes `s`, i.e. `s` holds one of & < > " ' ` / = (escape_html_min's
// characters are among them).
bool escape_html_changes(std::string_view s);

// Nunjucks/markup escape: & " ' < > become &amp; &quot; &#39; &lt; &gt;.
std::string escape_html_min(std::string_view s);

// Appends escape_html_min(s) to `out` without a temporary (hot render paths).
void append_escaped_min(std::string& out, std::string_view s);

// Decodes character references: common named entities (&amp; &lt; &gt; &quot; &apos; &nbsp;
// &copy; &hellip; …) and numeric &#NN; / &#xNN;. Unknown or malformed references stay as is.
std::string unescape_html(std::string_view s);

// hexo-util stripHTML: removes tags (quote-aware, nested '<' counted) and <!-- comments -->,
// keeping text and entities untouched. A '<' followed by a space or newline is text ("< ").
std::string strip_html(std::string_view s);

} // namespace haven::text
