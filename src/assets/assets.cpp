#include "assets/assets.hpp"

#include <algorithm>

namespace haven::assets {

namespace {

// Renders every element with class "math" that the Markdown renderer emitted
// (<span class="math inline">\(…\)</span>, class "math display" for \[…\]) with KaTeX.
constexpr std::string_view k_math_init =
    "(function () {\n"
    "  document.querySelectorAll('.math').forEach(function (el) {\n"
    "    var tex = el.textContent;\n"
    "    if (/^\\\\[([]/.test(tex)) tex = tex.slice(2, -2);\n"
    "    try {\n"
    "      katex.render(tex, el, { displayMode: el.classList.contains('display'), throwOnError: false });\n"
    "    } catch (e) {\n"
    "      console.error(e);\n"
    "    }\n"
    "  });\n"
    "})();\n";

// Draws every <pre class="mermaid"> (```mermaid fences), following the reader's color scheme.
constexpr std::string_view k_mermaid_init =
    "(function () {\n"
    "  var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;\n"
    "  mermaid.initialize({ startOnLoad: false, theme: dark ? 'dark' : 'default' });\n"
    "  mermaid.run({ querySelector: 'pre.mermaid' });\n"
    "})();\n";

constexpr std::string_view k_math_init_route = "lib/katex/haven-math.js";
constexpr std::string_view k_mermaid_init_route = "lib/mermaid/haven-mermaid.js";

} // namespace

const std::vector<Asset>& embedded() { return detail::k_embedded; }

std::vector<Asset> content_assets(bool math, bool mermaid) {
  std::vector<Asset> out;
  for (const Asset& a : detail::k_embedded) {
    if ((math && a.route.starts_with("lib/katex/")) || (mermaid && a.route.starts_with("lib/mermaid/"))) out.push_back(a);
  }
  if (math) out.push_back({k_math_init_route, k_math_init});
  if (mermaid) out.push_back({k_mermaid_init_route, k_mermaid_init});
  return out;
}

std::string head_tags(bool math, bool mermaid, const text::UrlOptions& urls) {
  std::string out;
  auto script = [&](std::string_view route) {
    out += "<script defer src=\"" + text::url_for(route, urls) + "\"></script>";
  };
  if (math) {
    out += "<link rel=\"stylesheet\" href=\"" + text::url_for("lib/katex/katex.min.css", urls) + "\">";
    script("lib/katex/katex.min.js");
    script(k_math_init_route);
  }
  if (mermaid) {
    script("lib/mermaid/mermaid.min.js");
    script(k_mermaid_init_route);
  }
  return out;
}

bool available(bool math, bool mermaid) {
  auto has = [](std::string_view route) {
    return std::any_of(detail::k_embedded.begin(), detail::k_embedded.end(), [&](const Asset& a) { return a.route == route; });
  };
  return (!math || has("lib/katex/katex.min.js")) && (!mermaid || has("lib/mermaid/mermaid.min.js"));
}

} // namespace haven::assets
