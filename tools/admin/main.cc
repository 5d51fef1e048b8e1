// quanta-admin: the operator's tool for a running quantad (docs/admin.md), shaped like
// riak-admin. Global options come before the command:
//   quanta-admin [--http HOST:PORT] [--pb HOST:PORT] [--data-dir DIR | --token-file F] COMMAND ...
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "common/version.h"
#include "service/admin.h"

namespace quanta::admin {

namespace {

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"status", "", "the server's version, backend, data directory, tables and uptime", RunStatus},
      {"backup", "DIR", "an online backup of the running server into DIR (new, on its machine)", RunBackup},
      {"export", "(--table T [--where COND] | --query SELECT) [--out FILE] [--iso] [--progress]",
       "rows as CSV, streamed partition by partition", RunExport},
      {"import-csv", "--table T [--batch ROWS] [--progress] FILE|-",
       "CSV rows (header = column names) into a table", RunImportCsv},
      {"import",
       "--from HOST:PORT --table T [--since TIME] [--until TIME] [--resume-file F] [--batch ROWS] "
       "[--from-describe] [--progress] [--from-user U [--from-password-file F] [--from-cacert F] "
       "[--from-cert F --from-key F]]",
       "copies a table from Riak TS (or another quantad) into this server; --from-*: log in to a "
       "source with security enabled (password also from $QUANTA_FROM_PASSWORD)",
       RunImport},
      {"restore", "[--force] BACKUP_DIR DATA_DIR", "offline: a backup into a data directory", RunRestore},
      {"security", "SUBCOMMAND [ARGS]", "users, groups, sources and grants, as riak-admin security (docs/security.md)", RunSecurity},
  };
  return commands;
}

void Usage(std::ostream& out) {
  out << "usage: quanta-admin [options] COMMAND [ARGS]\n\n"
         "options:\n"
         "  --http HOST:PORT    the server's HTTP listener (default 127.0.0.1:8098)\n"
         "  --pb HOST:PORT      the server's PB listener (default 127.0.0.1:8087)\n"
         "  --data-dir DIR      the server's data directory, for its admin.token (default ./data)\n"
         "  --token-file FILE   the admin token file, if not in the data directory\n"
         "  --user USER         log in to the PB port (security enabled: STARTTLS, then the\n"
         "                      password from --password-file FILE or $QUANTA_PASSWORD)\n"
         "  --cacert FILE       CA certificates (PEM) the server's must chain to (default: the\n"
         "                      system's); --cert FILE --key FILE: a client certificate\n"
         "  --help, --version\n\n"
         "commands:\n";
  for (const Command& c : Commands()) {
    std::string head = std::string(c.name) + (c.usage[0] ? " " : "") + c.usage;
    out << "  " << head << "\n      " << c.help << "\n";
  }
}

bool SplitHostPort(const std::string& text, std::string* host, uint16_t* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) return false;
  const std::string digits = text.substr(colon + 1);
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
  const unsigned long p = std::stoul(digits);
  if (p == 0 || p > 65535) return false;
  *host = text.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  *port = static_cast<uint16_t>(p);
  return !host->empty();
}

}  // namespace

Result<AdminClient> AdminContext::Server() const {
  const std::string path = token_file.empty() ? data_dir + "/admin.token" : token_file;
  QUANTA_ASSIGN_OR_RETURN(std::string token, service::ReadAdminToken(path));
  return AdminClient(http_host, http_port, std::move(token));
}

int CallAndPrint(const AdminContext& ctx, const std::string& command, const std::string& body) {
  auto client = ctx.Server();
  if (!client.ok()) {
    std::cerr << "quanta-admin: " << client.error().message() << "\n";
    return 1;
  }
  auto answer = client->Call(command, body);
  if (!answer.ok()) {
    std::cerr << "quanta-admin: " << answer.error().message() << "\n";
    return 1;
  }
  if (answer->status != 200) {
    std::cerr << "quanta-admin: " << command << ": " << answer->body;
    if (answer->body.empty() || answer->body.back() != '\n') std::cerr << "\n";
    return 1;
  }
  std::cout << answer->body;
  if (answer->body.empty() || answer->body.back() != '\n') std::cout << "\n";
  return 0;
}

int RunStatus(const AdminContext& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::cerr << "usage: quanta-admin status\n";
    return 2;
  }
  return CallAndPrint(ctx, "status", "{}");
}

int Main(int argc, char** argv) {
  AdminContext ctx;
  int i = 1;
  auto value = [&](const char* flag) -> const char* {
    if (i + 1 >= argc) {
      std::cerr << "quanta-admin: " << flag << " needs a value\n";
      return nullptr;
    }
    return argv[++i];
  };
  for (; i < argc && argv[i][0] == '-'; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      Usage(std::cout);
      return 0;
    }
    if (arg == "--version") {
      std::cout << "quanta-admin " << kQuantaVersion << "\n";
      return 0;
    }
    const std::vector<std::string> rest(argv + i, argv + argc);
    size_t at = 0;
    std::string login_error;
    if (ParseLoginOption(rest, &at, "--", &ctx.pb_login, &login_error)) {
      if (!login_error.empty()) {
        std::cerr << "quanta-admin: " << login_error << "\n";
        return 2;
      }
      i += static_cast<int>(at);
      continue;
    }
    const char* v = nullptr;
    if (arg == "--http" || arg == "--pb") {
      if (!(v = value(arg.c_str()))) return 2;
      const bool ok = arg == "--http" ? SplitHostPort(v, &ctx.http_host, &ctx.http_port)
                                      : SplitHostPort(v, &ctx.pb_host, &ctx.pb_port);
      if (!ok) {
        std::cerr << "quanta-admin: " << arg << " wants HOST:PORT, got '" << v << "'\n";
        return 2;
      }
    } else if (arg == "--data-dir") {
      if (!(v = value("--data-dir"))) return 2;
      ctx.data_dir = v;
    } else if (arg == "--token-file") {
      if (!(v = value("--token-file"))) return 2;
      ctx.token_file = v;
    } else {
      std::cerr << "quanta-admin: unknown option '" << arg << "'\n";
      Usage(std::cerr);
      return 2;
    }
  }
  if (i >= argc) {
    Usage(std::cerr);
    return 2;
  }
  PasswordFromEnvironment("QUANTA_PASSWORD", &ctx.pb_login);
  const std::string name = argv[i++];
  std::vector<std::string> args(argv + i, argv + argc);
  for (const Command& c : Commands()) {
    if (name == c.name) return c.run(ctx, args);
  }
  std::cerr << "quanta-admin: unknown command '" << name << "'\n";
  Usage(std::cerr);
  return 2;
}

}  // namespace quanta::admin

int main(int argc, char** argv) { return quanta::admin::Main(argc, argv); }
