// Records, per page render, whether the templates read site-wide data (`site.posts`, the tag
// list, …). Pages that did must be rendered again whenever those lists change; pages that did
// not can be kept when only other posts changed.
#pragma once

namespace haven::site {

// While alive on a thread, collects site-wide reads made on that thread.
class RenderTracking {
public:
  RenderTracking();
  ~RenderTracking();
  RenderTracking(const RenderTracking&) = delete;
  RenderTracking& operator=(const RenderTracking&) = delete;
  bool site_read() const { return m_site_read; }

private:
  friend void note_site_read();
  bool m_site_read = false;
  RenderTracking* m_outer;
};

// Marks that the render in progress on this thread read site-wide data. Helpers that read the
// site model directly (list_tags, tagcloud, recent posts…) call it too.
void note_site_read();

} // namespace haven::site
