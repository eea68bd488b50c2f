# Every third-party library comes from a Debian package (scripts/install-deps) and enters the
# build here, as a dep::NAME target, so versions and lookup quirks live in one file.
find_package(PkgConfig REQUIRED)

find_package(fmt REQUIRED)
add_library(dep::fmt ALIAS fmt::fmt)

find_package(CLI11 REQUIRED)
add_library(dep::cli11 ALIAS CLI11::CLI11)

find_package(TBB REQUIRED)
add_library(dep::tbb ALIAS TBB::tbb)

find_package(ICU REQUIRED COMPONENTS uc i18n data)
add_library(dep::icu INTERFACE IMPORTED)
target_link_libraries(dep::icu INTERFACE ICU::i18n ICU::uc ICU::data)

pkg_check_modules(FYAML REQUIRED IMPORTED_TARGET libfyaml)
add_library(dep::fyaml ALIAS PkgConfig::FYAML)

pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
add_library(dep::xxhash ALIAS PkgConfig::XXHASH)

pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_library(dep::httplib ALIAS PkgConfig::HTTPLIB)

# cmark-gfm ships neither a .pc file nor a CMake config in bookworm.
find_library(CMARK_GFM_LIB cmark-gfm REQUIRED)
find_library(CMARK_GFM_EXT_LIB cmark-gfm-extensions REQUIRED)
find_path(CMARK_GFM_INCLUDE cmark-gfm.h REQUIRED)
add_library(dep::cmark INTERFACE IMPORTED)
target_link_libraries(dep::cmark INTERFACE ${CMARK_GFM_EXT_LIB} ${CMARK_GFM_LIB})
target_include_directories(dep::cmark INTERFACE ${CMARK_GFM_INCLUDE})

find_package(KF5SyntaxHighlighting REQUIRED)
add_library(dep::kf5syntax ALIAS KF5::SyntaxHighlighting)

# mimalloc replaces malloc and free for the whole process of the `haven` executable (linked there
# only; the libraries do not depend on it). A build allocates hundreds of small strings and
# values per page on two threads: at 10,000 posts it cut user time ~10% and wall time more than
# that against glibc's malloc (bench/RESULTS.md).
find_package(mimalloc REQUIRED)
add_library(dep::mimalloc ALIAS mimalloc)

find_package(Threads REQUIRED)

if(HAVEN_TESTS)
  find_package(GTest REQUIRED)
endif()
