// Fuzz target: the template lexer and parser (Engine::finalize), plus rendering of templates
// that parsed, with an empty context. Limits in the engine keep deep nesting from overflowing the
// stack; inputs that loop for long (`range(1e6)` nested) are cut short by the size cap below.
#include "fuzz_main.hpp"
#include "tmpl/engine.hpp"

void fuzz_one(std::string_view input) {
  // Rendering is only fuzzed for small templates: a few bytes can already ask for 10^12 loop
  // iterations, which is a slow template, not a bug.
  constexpr size_t k_max_render_size = 64;
  haven::tmpl::Engine engine;
  engine.add_template("main.njk", std::string(input));
  engine.add_template("base.njk", "<b>{% block a %}base{% endblock %}</b>{{ x }}");
  auto errors = engine.finalize();
  if (errors.empty() && input.size() <= k_max_render_size && input.find("range") == std::string_view::npos) {
    (void)engine.render("main.njk", haven::base::Value(haven::base::Object{}));
  }
}
