// The web app's files served from memory: pages take their shared parts (`_<name>.html`) once,
// at load, and the parts are not served themselves.

#include "server/pages/static_files.hpp"
#include "server/http/http_caching.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>
#include <string>

using crimemap::server::static_files;

namespace {

struct web_folder {
    std::filesystem::path root = std::filesystem::temp_directory_path() / ("crimemap-web-test-" + std::to_string(::getpid()));
    web_folder() { std::filesystem::create_directories(root); }
    ~web_folder() { std::filesystem::remove_all(root); }
    void write(const std::string& name, const std::string& text) const { std::ofstream(root / name) << text; }
};

}  // namespace

TEST_CASE("a page's include lines are replaced by the shared parts, which are not served alone") {
    web_folder web;
    web.write("_exit.html", "  <aside>exit</aside>\n");
    web.write("_footer.html", "  <footer>data.police.uk</footer>\n");
    web.write("signin.html", "<body>\n  <!--#include _exit.html -->\n  <main>form</main>\n  <!--#include _footer.html -->\n</body>\n");
    web.write("app.js", "// <!--#include _exit.html --> stays as it is outside pages\n");
    static_files files(web.root);
    REQUIRE(files.find("/signin") != nullptr);
    CHECK(files.find("/signin")->content ==
          "<body>\n  <aside>exit</aside>\n  <main>form</main>\n  <footer>data.police.uk</footer>\n</body>\n");
    CHECK(files.find("/static/signin.html")->content == files.find("/signin")->content);
    CHECK(files.find("/static/app.js")->content.find("#include") != std::string::npos);
    CHECK(files.find("/_exit") == nullptr);
    CHECK(files.find("/static/_exit.html") == nullptr);
    CHECK(files.part("_exit.html") == "  <aside>exit</aside>\n");
    CHECK(files.part("_missing.html").empty());
}

TEST_CASE("a part's own include lines are filled in too, so pages share one head and one page start") {
    web_folder web;
    web.write("_head.html", "<!doctype html>\n<head>\n  <link rel=\"stylesheet\" href=\"/static/style.css\">\n");
    web.write("_start.html", "</head>\n<body>\n  <!--#include _exit.html -->\n");
    web.write("_exit.html", "  <aside>exit</aside>\n");
    web.write("style.css", "body { margin: 0 }\n");
    web.write("signin.html", "<!--#include _head.html -->\n  <title>Sign in</title>\n<!--#include _start.html -->\n  <main>form</main>\n</body>\n");
    static_files files(web.root);
    CHECK(files.find("/signin")->content ==
          "<!doctype html>\n<head>\n  <link rel=\"stylesheet\" href=\"/static/" + files.version() + "/style.css\">\n"
          "  <title>Sign in</title>\n</head>\n<body>\n  <aside>exit</aside>\n  <main>form</main>\n</body>\n");
    CHECK(files.part("_start.html") == "</head>\n<body>\n  <aside>exit</aside>\n");
}

TEST_CASE("parts that include each other stop the load, naming the part that leads back") {
    web_folder web;
    web.write("_a.html", "<!--#include _b.html -->\n");
    web.write("_b.html", "<!--#include _a.html -->\n");
    web.write("index.html", "<!--#include _a.html -->\n");
    CHECK_THROWS_WITH(static_files(web.root), "web/_b.html includes _a.html, which leads back to it");
}

TEST_CASE("a page that includes a missing part stops the load, naming the page and the part") {
    web_folder web;
    web.write("team.html", "<body>\n  <!--#include _header.html -->\n</body>\n");
    CHECK_THROWS_WITH(static_files(web.root), "web/team.html includes _header.html, which is not a file in web/");
}

TEST_CASE("pages name the other files at one versioned URL each, and preload every module their script imports") {
    web_folder web;
    web.write("index.html", "<head>\n  <link rel=\"stylesheet\" href=\"/static/style.css\">\n"
                            "  <script type=\"module\" src=\"/static/app.js\"></script>\n</head>\n");
    web.write("app.js", "import { a } from './a.js';\nimport {\n  b,\n} from './b.js';\n// import { no } from './comment.js' is not an import\n" +
                         std::string(2000, '/') + "\n");
    web.write("a.js", "export { c } from './c.js';\nexport const a = 'import \"./not.js\"';\n");
    web.write("b.js", "import './a.js';\nexport const b = 2;\n");
    web.write("c.js", "export const c = 3;\n");
    web.write("style.css", "body { margin: 0 }\n");
    static_files files(web.root);
    const auto& version = files.version();
    REQUIRE(version.size() == 16);
    const auto& page = files.find("/")->content;
    CHECK(page.find("href=\"/static/" + version + "/style.css\"") != std::string::npos);
    CHECK(page.find("src=\"/static/" + version + "/app.js\"") != std::string::npos);
    CHECK(page.find("<link rel=\"modulepreload\" href=\"/static/" + version + "/a.js\">\n"
                    "  <link rel=\"modulepreload\" href=\"/static/" + version + "/c.js\">\n"
                    "  <link rel=\"modulepreload\" href=\"/static/" + version + "/b.js\">\n</head>") != std::string::npos);
    CHECK(page.find("not.js") == std::string::npos);
    CHECK(page.find("comment.js") == std::string::npos);
    CHECK_FALSE(files.find("/")->immutable);
    const auto* versioned = files.find("/static/" + version + "/app.js");
    REQUIRE(versioned != nullptr);
    CHECK(versioned->immutable);
    CHECK(versioned->content == files.find("/static/app.js")->content);
    CHECK_FALSE(files.find("/static/app.js")->immutable);
    CHECK(files.url("style.css") == "/static/" + version + "/style.css");
    // Gzipped once at load, when that is smaller.
    CHECK(crimemap::server::gunzip(files.find("/static/app.js")->gzipped, 1 << 20) == files.find("/static/app.js")->content);
    // Any file's change is a new version; the same files give the same one.
    CHECK(static_files(web.root).version() == version);
    web.write("c.js", "export const c = 4;\n");
    CHECK(static_files(web.root).version() != version);
}
