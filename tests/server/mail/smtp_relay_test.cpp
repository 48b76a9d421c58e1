#include "server/mail/smtp_relay.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

using namespace crimemap;
using test::temp_dir;

namespace {

// Debian's aiosmtpd on a free loopback port (tests/smtp_sink.py), stopped at scope end.
class smtp_sink {
public:
    smtp_sink() {
        std::string command = std::string(CRIMEMAP_MAIL_PYTHON) + " " + CRIMEMAP_SOURCE_DIR + "/tests/smtp_sink.py " +
                              dir_.path().string() + " 60 &";
        REQUIRE(std::system(command.c_str()) == 0);
        for (int i = 0; i < 200 && !std::filesystem::exists(dir_.path() / "port"); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::ifstream in(dir_.path() / "port");
        REQUIRE(in >> port);
    }
    ~smtp_sink() { test::write_file(dir_.path() / "stop", ""); std::this_thread::sleep_for(std::chrono::milliseconds(300)); }
    /// The n-th message received (from 1), as tests/smtp_sink.py decoded it; null after 10 s.
    nlohmann::json message(int n) const {
        auto path = dir_.path() / (std::to_string(n) + ".json");
        for (int i = 0; i < 200 && !std::filesystem::exists(path); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::ifstream in(path);
        if (!in) return nullptr;
        return nlohmann::json::parse(in);
    }
    int port = 0;

private:
    temp_dir dir_;
};

server::mail_message sample(std::string subject) {
    server::mail_message m;
    m.to = "coordinator@example.org";
    m.subject = std::move(subject);
    m.text = "2 new messages came for Ælfrēd's Watch.\nRead them at https://crimemap.example/watch/inbox\n";
    m.html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title></head>"
             "<body><p>2 new messages came for Ælfrēd's Watch.</p></body></html>";
    m.message_id = "outbox-7.abc@example.org";
    m.date = 1796164200;  // 2026-12-01 22:30:00 UTC
    return m;
}

}  // namespace

TEST_CASE("header text stays on its line: CR, LF and other control characters become spaces") {
    CHECK(server::header_text("New messages", 9) == "New messages");
    CHECK(server::header_text("a\r\nBcc: victim@example.net", 9) == "a  Bcc: victim@example.net");
    CHECK(server::header_text("tab\tand\x7f", 9) == "tab and ");
    CHECK(server::header_text("Ümlaut\r\nBcc: x@y.z", 9).find_first_of("\n") ==
          server::header_text("Ümlaut\r\nBcc: x@y.z", 9).find("\r\n "));  // only folding, never a new header
}

TEST_CASE("non-ASCII header text becomes RFC 2047 encoded words of at most 75 characters, whole characters each") {
    auto encoded = server::header_text(std::string(40, 'x') + " Bürgerwache Straße 東京 " + std::string(40, 'y'), 9);
    CHECK(encoded.starts_with("=?UTF-8?B?"));
    std::size_t start = 0;
    int words = 0;
    while (start < encoded.size()) {
        auto end = encoded.find("\r\n ", start);
        auto word = encoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
        CHECK(word.size() <= 75);
        CHECK(word.starts_with("=?UTF-8?B?"));
        CHECK(word.ends_with("?="));
        ++words;
        start = end == std::string::npos ? encoded.size() : end + 3;
    }
    CHECK(words >= 3);
    // Text that merely looks like an encoded word is encoded too, so it reads as written.
    CHECK(server::header_text("=?UTF-8?B?QQ==?=", 9).starts_with("=?UTF-8?B?"));
}

TEST_CASE("mail dates are RFC 5322 dates in UTC") {
    CHECK(server::mail_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
    CHECK(server::mail_date(1796164200) == "Tue, 01 Dec 2026 22:30:00 +0000");
}

TEST_CASE("relay settings are checked, naming the option") {
    server::smtp_settings s{"smtp://127.0.0.1:25", false, "", "", "crimemap@example.org"};
    CHECK(server::smtp_settings_problem(s).empty());
    s.url = "http://relay";
    CHECK_THAT(server::smtp_settings_problem(s), Catch::Contains("--smtp-url"));
    s.url = "smtps://relay:465";
    s.from = "crimemap@example.org\r\nBcc: x@y.z";
    CHECK_THAT(server::smtp_settings_problem(s), Catch::Contains("--mail-from"));
    s.from = "";
    CHECK_THAT(server::smtp_settings_problem(s), Catch::Contains("--mail-from"));
}

TEST_CASE("a mail reaches a real SMTP server as multipart/alternative with its headers decoded as written") {
    smtp_sink sink;
    server::smtp_relay relay({"smtp://127.0.0.1:" + std::to_string(sink.port), false, "", "", "crimemap@example.org"});
    auto m = sample("2 new messages for Ælfrēd's Watch\r\nBcc: victim@example.net");
    m.headers.push_back({"List-Unsubscribe", "<https://crimemap.example/u?token=abc>\r\nBcc: victim@example.net"});
    auto result = relay.send(m);
    INFO(result.error);
    REQUIRE(result.sent);
    auto got = sink.message(1);
    REQUIRE(!got.is_null());
    CHECK(got["rcpt_tos"] == nlohmann::json::array({"coordinator@example.org"}));
    CHECK(got["mail_from"] == "crimemap@example.org");
    CHECK(got["content_type"] == "multipart/alternative");
    const auto& h = got["headers"];
    CHECK(h["Subject"] == "2 new messages for Ælfrēd's Watch  Bcc: victim@example.net");
    CHECK(h["Message-ID"] == "<outbox-7.abc@example.org>");
    CHECK(h["Date"] == "Tue, 01 Dec 2026 22:30:00 +0000");
    CHECK(h["From"] == "crimemap@example.org");
    CHECK(h["To"] == "coordinator@example.org");
    CHECK(h.count("Bcc") == 0);
    CHECK_THAT(h["List-Unsubscribe"].get<std::string>(), Catch::StartsWith("<https://crimemap.example/u?token=abc>"));
    REQUIRE(got["parts"].size() == 2);
    CHECK(got["parts"][0]["type"] == "text/plain");
    CHECK(got["parts"][1]["type"] == "text/html");
    CHECK(got["parts"][0]["encoding"] == "quoted-printable");
    CHECK(got["parts"][0]["content"] == m.text);
    CHECK_THAT(got["parts"][1]["content"].get<std::string>(), Catch::Contains("Ælfrēd's Watch.</p>"));
}

TEST_CASE("a relay that is not there is a failure to retry, and a refused recipient address is sent nowhere") {
    server::smtp_relay relay({"smtp://127.0.0.1:9", false, "", "", "crimemap@example.org"});
    auto result = relay.send(sample("hello"));
    CHECK(!result.sent);
    CHECK(!result.permanent);
    CHECK(!result.error.empty());
    auto bad = sample("hello");
    bad.to = "a@example.org\r\nRCPT TO:<victim@example.net>";
    auto refused = relay.send(bad);
    CHECK(!refused.sent);
    CHECK(refused.permanent);
}

TEST_CASE("a relay that offers no TLS is sent nothing when TLS is required (--smtp-require-tls)") {
    smtp_sink sink;
    server::smtp_relay relay({"smtp://127.0.0.1:" + std::to_string(sink.port), true, "", "", "crimemap@example.org"});
    auto result = relay.send(sample("hello"));
    CHECK(!result.sent);
    CHECK(!result.permanent);
}
