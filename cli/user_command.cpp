#include "cli/options.hpp"
#include "data/accounts/account_mail.hpp"
#include "data/accounts/accounts.hpp"
#include "data/store/store.hpp"

#include <iostream>
#include <iterator>

namespace crimemap::cli {

namespace {

constexpr auto link_lifetime = std::chrono::hours(72);

std::string scope_text(const data::user& u) {
    if (u.kind == data::role::team) return u.force + "/" + u.neighbourhood;
    if (u.kind == data::role::coordinator) {
        std::string out;
        for (const auto& s : u.schemes) out += (out.empty() ? "" : ",") + s;
        return out;
    }
    return "-";
}

int add(const arguments& args) {
    po::options_description options("user add options");
    std::string db, email, role_text, force, neighbourhood, base_url = "http://127.0.0.1:8080";
    std::vector<std::string> schemes;
    bool password_stdin = false, send_link = false;
    options.add_options()                                                                    //
        ("db", any_store_value(&db), "the store: a SQLite file or a postgresql:// URI (default: $CRIMEMAP_DB)")                        //
        ("email", po::value(&email)->required(), "the person's email address; they sign in with it")  //
        ("role", po::value(&role_text)->required(), "admin, team or coordinator")            //
        ("force", po::value(&force), "a team's force id")                                    //
        ("neighbourhood", po::value(&neighbourhood), "a team's neighbourhood id")            //
        ("scheme", po::value(&schemes)->composing(), "a coordinator's Watch scheme id (repeat for more)")  //
        ("password-stdin", po::bool_switch(&password_stdin), "read the password from standard input instead of printing a link")  //
        ("send-link", po::bool_switch(&send_link),
         "email the link to the account's address instead of printing it (the running serve sends it)")  //
        ("public-url", po::value(&base_url)->default_value(base_url), "where the server is reached, for the link");
    po::variables_map values;
    if (!parse_options(args,
                       "crimemap user add --db FILE|URI --email E --role admin|team|coordinator "
                       "[--force F --neighbourhood N | --scheme ID...] [--password-stdin | --send-link]",
                       options, values))
        return 0;
    db = store_or_environment(db);
    auto role = data::parse_role(role_text);
    if (!role) throw po::error("--role wants admin, team or coordinator, not '" + role_text + "'");
    if (password_stdin && send_link) throw po::error("give --password-stdin or --send-link, not both");
    std::string password;
    if (password_stdin) {
        password.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
        if (auto problem = data::password_problem(password); !problem.empty())
            throw po::error("the password from standard input " + problem);
    }
    auto store = data::open_store_for_writing(db);
    data::user u;
    u.email = email;
    u.kind = *role;
    u.force = force;
    u.neighbourhood = neighbourhood;
    u.schemes = schemes;
    std::int64_t id = 0;
    // With --send-link the account, its link and the link's mail are one transaction.
    data::Transaction tx(store);
    try {
        id = data::add_user(store, u);
    } catch (const data::account_error& error) {
        throw po::error(error.what());
    }
    data::audit(store, {std::nullopt, "operator", "user add", email, "", std::string(data::role_name(*role)) + " " + scope_text(u), "allowed"});
    if (password_stdin) {
        data::set_password_hash(store, id, data::hash_password(password));
        tx.commit();
        std::cout << "added " << email << " (" << data::role_name(*role) << ") with the password given\n";
        return 0;
    }
    while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
    auto token = data::create_password_token(store, id, link_lifetime);
    if (send_link) {
        data::queue_password_link(store, email, base_url + "/auth/set-password?token=" + token,
                                  data::link_reason::new_account, link_lifetime);
        tx.commit();
        std::cout << "added " << email << " (" << data::role_name(*role)
                  << "); their set-password link is in the outbox, and the running crimemap serve mails it\n";
        return 0;
    }
    tx.commit();
    std::cout << "added " << email << " (" << data::role_name(*role) << "); they set their password within 72 hours at\n"
              << base_url << "/auth/set-password?token=" << token << '\n';
    return 0;
}

int list(const arguments& args) {
    po::options_description options("user list options");
    std::string db;
    options.add_options()("db", any_store_value(&db), "the store: a SQLite file or a postgresql:// URI (default: $CRIMEMAP_DB)");
    po::variables_map values;
    if (!parse_options(args, "crimemap user list --db FILE|URI", options, values)) return 0;
    db = store_or_environment(db);
    auto store = data::open_store_for_writing(db);
    for (const auto& u : data::list_users(store))
        std::cout << u.email << '\t' << data::role_name(u.kind) << '\t' << scope_text(u) << '\t'
                  << (u.disabled ? "disabled" : u.has_password ? "active" : "no password yet") << '\n';
    return 0;
}

int disable(const arguments& args) {
    po::options_description options("user disable options");
    std::string db, email;
    options.add_options()("db", any_store_value(&db), "the store: a SQLite file or a postgresql:// URI (default: $CRIMEMAP_DB)")  //
        ("email", po::value(&email)->required(), "the account's email address");
    po::variables_map values;
    if (!parse_options(args, "crimemap user disable --db FILE|URI --email E", options, values)) return 0;
    db = store_or_environment(db);
    auto store = data::open_store_for_writing(db);
    if (!data::disable_user(store, email)) throw po::error("--email: no account " + email);
    data::audit(store, {std::nullopt, "operator", "user disable", email, "", "", "allowed"});
    std::cout << "disabled " << email << "; their sessions end at their next request\n";
    return 0;
}

int reset(const arguments& args) {
    po::options_description options("user reset options");
    std::string db, email, base_url = "http://127.0.0.1:8080";
    bool send_link = false;
    options.add_options()("db", any_store_value(&db), "the store: a SQLite file or a postgresql:// URI (default: $CRIMEMAP_DB)")  //
        ("email", po::value(&email)->required(), "the account's email address")       //
        ("send-link", po::bool_switch(&send_link),
         "email the new link to the account's address instead of printing it (the running serve sends it)")  //
        ("public-url", po::value(&base_url)->default_value(base_url), "where the server is reached, for the link");
    po::variables_map values;
    if (!parse_options(args, "crimemap user reset --db FILE|URI --email E [--send-link]", options, values)) return 0;
    db = store_or_environment(db);
    auto store = data::open_store_for_writing(db);
    data::Transaction tx(store);
    std::string token;
    try {
        token = data::reset_user(store, email, link_lifetime);
    } catch (const data::account_error& error) {
        throw po::error(std::string("--") + error.what());
    }
    data::audit(store, {std::nullopt, "operator", "user reset", email, "", "", "allowed"});
    while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
    if (send_link) {
        data::queue_password_link(store, email, base_url + "/auth/set-password?token=" + token, data::link_reason::reset,
                                  link_lifetime);
        tx.commit();
        std::cout << "reset " << email << ": their password and sessions have ended; the new link is in the outbox, "
                     "and the running crimemap serve mails it\n";
        return 0;
    }
    tx.commit();
    std::cout << "reset " << email << ": their password and sessions have ended; they set a new password within 72 hours at\n"
              << base_url << "/auth/set-password?token=" << token << '\n';
    return 0;
}

}  // namespace

int user_command(const arguments& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << "usage: crimemap user add|list|disable|reset --db FILE|URI ...\n\n"
                     "  add      create an account and print (or with --send-link email) its one-time set-password link\n"
                     "  list     list the accounts\n"
                     "  disable  stop an account from signing in\n"
                     "  reset    end an account's password and sessions and print (or email) a new one-time link\n";
        return args.empty() ? 2 : 0;
    }
    arguments rest(args.begin() + 1, args.end());
    if (args[0] == "add") return add(rest);
    if (args[0] == "list") return list(rest);
    if (args[0] == "disable") return disable(rest);
    if (args[0] == "reset") return reset(rest);
    throw po::error("unknown user command '" + args[0] + "'; want add, list, disable or reset");
}

}  // namespace crimemap::cli
