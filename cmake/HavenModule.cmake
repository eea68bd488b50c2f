# haven_module(NAME DEPS a b ...): a static library from every .cpp in src/NAME, includes rooted
# at src/ (#include "base/value.hpp"). Sources are globbed so adding a file needs no edit here.
function(haven_module name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$")
  if(NOT sources) # a module whose first file is still to come
    set(sources ${PROJECT_SOURCE_DIR}/cmake/empty.cpp)
  endif()
  add_library(haven_${name} STATIC ${sources})
  target_include_directories(haven_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(haven_${name} PUBLIC ${ARG_DEPS})
endfunction()
