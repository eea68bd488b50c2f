#include "site/render_tracking.hpp"

namespace haven::site {

namespace {
thread_local RenderTracking* t_current = nullptr;
} // namespace

RenderTracking::RenderTracking() : m_outer(t_current) { t_current = this; }
RenderTracking::~RenderTracking() { t_current = m_outer; }

void note_site_read() {
  if (t_current) t_current->m_site_read = true;
}

} // namespace haven::site
