// quanta-admin security ...: riak-admin security's subcommands, sent to the server's admin
// channel as {"op": SUBCOMMAND, "args": [WORDS...]}; the server answers {"text": ...}, printed
// as riak-admin would print it (docs/security.md).
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "commands.h"
#include "service/admin.h"

namespace quanta::admin {

namespace {

// The "text" member of the server's answer (the only member it sends), unescaped.
bool ExtractText(const std::string& json, std::string* out) {
  const std::string key = "\"text\":\"";
  size_t i = json.find(key);
  if (i == std::string::npos) return false;
  out->clear();
  for (i += key.size(); i < json.size(); ++i) {
    char c = json[i];
    if (c == '"') return true;
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i >= json.size()) return false;
    switch (json[i]) {
      case 'n': out->push_back('\n'); break;
      case 't': out->push_back('\t'); break;
      case 'r': out->push_back('\r'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'u': {
        if (i + 4 >= json.size()) return false;
        unsigned v = std::stoul(json.substr(i + 1, 4), nullptr, 16);
        i += 4;
        if (v < 0x80) {
          out->push_back(static_cast<char>(v));
        } else if (v < 0x800) {
          out->push_back(static_cast<char>(0xc0 | (v >> 6)));
          out->push_back(static_cast<char>(0x80 | (v & 0x3f)));
        } else {
          out->push_back(static_cast<char>(0xe0 | (v >> 12)));
          out->push_back(static_cast<char>(0x80 | ((v >> 6) & 0x3f)));
          out->push_back(static_cast<char>(0x80 | (v & 0x3f)));
        }
        break;
      }
      default: out->push_back(json[i]);
    }
  }
  return false;
}

constexpr const char* kUsage =
    "usage: quanta-admin security SUBCOMMAND [ARGS]\n"
    "  add-user NAME [password=PW] [groups=G1,G2]\n"
    "  alter-user NAME [password=PW] [groups=G1,G2]\n"
    "  del-user NAME\n"
    "  add-group NAME | del-group NAME\n"
    "  add-source all|USER[,USER...] CIDR trust|password|certificate\n"
    "  del-source all|USER[,USER...] CIDR\n"
    "  grant PERM[,PERM...] on any|TABLE to all|USER|GROUP[,...]\n"
    "  revoke PERM[,PERM...] on any|TABLE from all|USER|GROUP[,...]\n"
    "  print-users | print-groups | print-sources | print-grants USER|GROUP\n"
    "  enable | disable | status\n"
    "  export > FILE        the whole state, password hashes included (extension)\n"
    "  import FILE|-        replaces the server's state with an exported one (extension)\n";

}  // namespace

int RunSecurity(const AdminContext& ctx, const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? std::cerr : std::cout) << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::vector<std::string> words = args;
  if (words[0] == "import" && words.size() == 2) {
    // The server takes the exported text itself: read from the file (or standard input).
    std::ifstream file;
    if (words[1] != "-") {
      file.open(words[1], std::ios::binary);
      if (!file) {
        std::cerr << "quanta-admin: security import: cannot read " << words[1] << "\n";
        return 1;
      }
    }
    std::istream& in = words[1] == "-" ? std::cin : file;
    words[1].assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::string body = "{\"op\":" + service::JsonQuote(words[0]) + ",\"args\":[";
  for (size_t i = 1; i < words.size(); ++i) body += (i > 1 ? "," : "") + service::JsonQuote(words[i]);
  body += "]}";
  auto client = ctx.Server();
  if (!client.ok()) {
    std::cerr << "quanta-admin: " << client.error().message() << "\n";
    return 1;
  }
  auto answer = client->Call("security", body);
  if (!answer.ok()) {
    std::cerr << "quanta-admin: " << answer.error().message() << "\n";
    return 1;
  }
  if (answer->status != 200) {
    std::cerr << answer->body;
    if (answer->body.empty() || answer->body.back() != '\n') std::cerr << "\n";
    return answer->status == 400 && answer->body.rfind("usage:", 0) == 0 ? 2 : 1;
  }
  std::string text;
  if (!ExtractText(answer->body, &text)) {
    std::cerr << "quanta-admin: unexpected answer: " << answer->body << "\n";
    return 1;
  }
  std::cout << text;
  return 0;
}

}  // namespace quanta::admin
