#include "text/collate.hpp"

#include <memory>
#include <unicode/coll.h>

namespace haven::text {

int compare_collated(std::string_view a, std::string_view b) {
  // Collators are not thread-safe for comparison with shared state; one per thread is cheap.
  thread_local std::unique_ptr<icu::Collator> collator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Collator> c(icu::Collator::createInstance(icu::Locale("zh"), status));
    if (U_FAILURE(status)) c.reset();
    return c;
  }();
  if (collator) {
    UErrorCode status = U_ZERO_ERROR;
    UCollationResult r = collator->compareUTF8(
        icu::StringPiece(a.data(), static_cast<int32_t>(a.size())),
        icu::StringPiece(b.data(), static_cast<int32_t>(b.size())), status);
    if (U_SUCCESS(status)) return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
  }
  int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

} // namespace haven::text
