// The basemap's glyph ranges: decoded with protozero as MapLibre reads them (glyphs.proto).

#include "server/tiles/glyphs.hpp"
#include "server/router.hpp"
#include "server/server_fixtures.hpp"

#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <libdeflate.h>
#include <protozero/pbf_reader.hpp>

#include <chrono>
#include <map>

using namespace crimemap;
using namespace crimemap::server;
using namespace crimemap::test;
namespace http = boost::beast::http;

namespace {

struct decoded_glyph {
    std::string bitmap;
    std::uint32_t width = 0, height = 0, advance = 0;
    std::int32_t left = 0, top = 0;
};

struct decoded_range {
    std::string name, range;
    std::map<std::uint32_t, decoded_glyph> glyphs;
};

decoded_range decode(const std::string& bytes) {
    decoded_range out;
    protozero::pbf_reader message(bytes);
    int stacks = 0;
    while (message.next(1)) {
        ++stacks;
        auto stack = message.get_message();
        while (stack.next()) {
            switch (stack.tag()) {
            case 1: out.name = stack.get_string(); break;
            case 2: out.range = stack.get_string(); break;
            case 3: {
                auto reader = stack.get_message();
                std::uint32_t id = ~0u;
                decoded_glyph g;
                while (reader.next()) {
                    switch (reader.tag()) {
                    case 1: id = reader.get_uint32(); break;
                    case 2: g.bitmap = reader.get_bytes(); break;
                    case 3: g.width = reader.get_uint32(); break;
                    case 4: g.height = reader.get_uint32(); break;
                    case 5: g.left = reader.get_sint32(); break;
                    case 6: g.top = reader.get_sint32(); break;
                    case 7: g.advance = reader.get_uint32(); break;
                    default: reader.skip();
                    }
                }
                REQUIRE(id != ~0u);
                out.glyphs[id] = g;
                break;
            }
            default: stack.skip();
            }
        }
    }
    REQUIRE(stacks == 1);
    return out;
}

const glyph_library& fonts() {
    static glyph_library library("/usr/share/fonts");
    return library;
}

// A drawn glyph has a bitmap of MapLibre's size: its box and a 3 px border all round.
void check_drawn(const decoded_range& range, std::uint32_t code) {
    INFO("U+" << std::hex << code);
    REQUIRE(range.glyphs.count(code) == 1);
    const auto& g = range.glyphs.at(code);
    CHECK(g.width > 0);
    CHECK(g.height > 0);
    CHECK(g.advance > 0);
    CHECK(g.bitmap.size() == (g.width + 2 * glyph_border) * (g.height + 2 * glyph_border));
}

}  // namespace

TEST_CASE("a glyph range holds the code points asked for, drawn as MapLibre's signed distance fields") {
    auto range = decode(fonts().range("Noto Sans Regular", 0));
    CHECK(range.name == "Noto Sans Regular");
    CHECK(range.range == "0-255");
    for (std::uint32_t code : {0x41u /* A */, 0x61u /* a */, 0x67u /* g */, 0x5au /* Z */, 0x30u, 0x39u, 0x26u /* & */, 0xe9u /* é */}) check_drawn(range, code);
    // A space has an advance and nothing to draw.
    REQUIRE(range.glyphs.count(' ') == 1);
    CHECK(range.glyphs.at(' ').bitmap.empty());
    CHECK(range.glyphs.at(' ').advance > 0);
    for (const auto& [code, g] : range.glyphs) CHECK((code >= ' ' || g.bitmap.empty()));

    // 'I' is one upright bar: its middle is inside (MapLibre's edge is 192), the corners outside.
    const auto& bar = range.glyphs.at('I');
    const auto stride = bar.width + 2 * glyph_border;
    const auto middle = static_cast<unsigned char>(bar.bitmap[(bar.height / 2 + glyph_border) * stride + stride / 2]);
    CHECK(middle > 200);
    CHECK(static_cast<unsigned char>(bar.bitmap[0]) < 150);
    CHECK(static_cast<unsigned char>(bar.bitmap.back()) < 150);
    // Capitals stand on the baseline: their top is the same across letters, and 'g' reaches lower.
    CHECK(range.glyphs.at('A').top == range.glyphs.at('Z').top);
    CHECK(range.glyphs.at('g').top - static_cast<std::int32_t>(range.glyphs.at('g').height) <
          range.glyphs.at('A').top - static_cast<std::int32_t>(range.glyphs.at('A').height));
}

TEST_CASE("Welsh place names draw: the circumflexed w and y are in range 256-511 of Open Sans Bold") {
    auto range = decode(fonts().range("Open Sans Bold", 256));
    CHECK(range.range == "256-511");
    check_drawn(range, 0x175);  // ŵ
    check_drawn(range, 0x177);  // ŷ
}

TEST_CASE("a font stack resolves to the installed fonts; an unknown one falls back, keeping its weight") {
    CHECK(fonts().resolve("Open Sans Bold,Noto Sans Regular").front() == "Open Sans Bold");
    CHECK(fonts().resolve("open sans bold").front() == "Open Sans Bold");
    CHECK(fonts().resolve("Arial Unicode MS Regular").front() == "Noto Sans Regular");
    CHECK(fonts().resolve("Klokantech Noto Sans Bold").front() == "Noto Sans Bold");
    CHECK(fonts().resolve("Metropolis Italic").front() == "Noto Sans Italic");
    auto unknown = decode(fonts().range("Arial Unicode MS Regular", 0));
    CHECK(unknown.name == "Arial Unicode MS Regular");  // MapLibre files the glyphs under the stack it asked for
    check_drawn(unknown, 'A');
}

TEST_CASE("a new stack name resolving to fonts already drawn costs no new rendering") {
    // Any client may ask for any name: a fresh name for the same fonts comes from the cache.
    auto first = decode(fonts().range("Unheard Of Sans Regular", 1024));
    const auto rendered = fonts().ranges_rendered();
    auto second = decode(fonts().range("Unheard Of Serif Regular", 1024));
    CHECK(fonts().ranges_rendered() == rendered);  // nothing drawn again
    CHECK(first.name == "Unheard Of Sans Regular");
    CHECK(second.name == "Unheard Of Serif Regular");  // still filed under the stack asked for
    CHECK(second.range == "1024-1279");
    CHECK(second.glyphs.size() == first.glyphs.size());
    CHECK(second.glyphs.size() > 50);  // Cyrillic is drawn
}

TEST_CASE("glyph ranges over HTTP: decoded stack names, gzip, ETags, and 400 for a bad range") {
    app_state state = generated_app_state();
    state.glyphs = std::shared_ptr<const glyph_library>(&fonts(), [](const glyph_library*) {});
    auto get = [&](const std::string& target, std::initializer_list<std::pair<http::field, std::string>> headers = {}) {
        request req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1:8080");
        for (const auto& [field, value] : headers) req.set(field, value);
        return handle_request(req, state);
    };
    auto res = get("/fonts/Noto%20Sans%20Bold,Open%20Sans%20Regular/0-255.pbf");
    REQUIRE(res.result() == http::status::ok);
    CHECK(res[http::field::content_type] == "application/x-protobuf");
    auto range = decode(res.body());
    CHECK(range.name == "Noto Sans Bold,Open Sans Regular");
    check_drawn(range, 'M');

    auto zipped = get("/fonts/Noto%20Sans%20Bold,Open%20Sans%20Regular/0-255.pbf", {{http::field::accept_encoding, "gzip"}});
    REQUIRE(zipped[http::field::content_encoding] == "gzip");
    std::string plain(res.body().size(), '\0');
    std::size_t actual = 0;
    auto* d = libdeflate_alloc_decompressor();
    CHECK(libdeflate_gzip_decompress(d, zipped.body().data(), zipped.body().size(), plain.data(), plain.size(), &actual) ==
          LIBDEFLATE_SUCCESS);
    libdeflate_free_decompressor(d);
    CHECK(plain == res.body());
    const std::string etag(res[http::field::etag]);
    CHECK(get("/fonts/Noto%20Sans%20Bold,Open%20Sans%20Regular/0-255.pbf", {{http::field::if_none_match, etag}}).result() ==
          http::status::not_modified);

    // A range no installed font covers is an empty range, not an error.
    auto private_use = decode(get("/fonts/Noto%20Sans%20Regular/57344-57599.pbf").body());
    CHECK(private_use.range == "57344-57599");
    for (const char* bad : {"/fonts/Noto%20Sans%20Regular/1-256.pbf", "/fonts/Noto%20Sans%20Regular/0-256.pbf",
                            "/fonts/Noto%20Sans%20Regular/0-255.png", "/fonts/0-255.pbf", "/fonts/%FF/0-255.pbf",
                            "/fonts/Noto%00Sans/0-255.pbf", "/fonts/x/a-255.pbf", "/fonts/x/99999999999-255.pbf"}) {
        INFO(bad);
        CHECK(get(bad).result() == http::status::bad_request);
    }
    // Without --basemap there are no fonts.
    CHECK(handle_request(request{http::verb::get, "/fonts/Noto%20Sans%20Regular/0-255.pbf", 11}, generated_app_state())
              .result() == http::status::not_found);
}
