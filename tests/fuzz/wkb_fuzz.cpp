// libFuzzer target for reading geometry back from the store: well-known binary (what
// SpatiaLite's AsBinary gives) to Boost.Geometry through OGR. Any bytes must give a geometry,
// an empty one or a std::runtime_error; never a crash.

#include "data/import/wkb.hpp"

#include <cpl_error.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    CPLSetErrorHandler(CPLQuietErrorHandler);  // OGR reports each bad input; the fuzzer wants quiet
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view wkb(reinterpret_cast<const char*>(data), size);
    try {
        (void)crimemap::data::detail::multi_polygon_from_wkb(wkb);
    } catch (const std::runtime_error&) {
    }
    try {
        (void)crimemap::data::detail::point_from_wkb(wkb);
    } catch (const std::runtime_error&) {
    }
    return 0;
}
