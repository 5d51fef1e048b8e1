// Security::Apply: the riak-admin security subcommands (docs/security.md, "Managing security").
#include <algorithm>
#include <mutex>
#include <sstream>

#include "security/password.h"
#include "security/security.h"

namespace quanta::security {

namespace {

constexpr size_t kMaxNameBytes = 256;

Status Usage(std::string_view text) { return Status(ErrorCode::kInvalidArgument, std::string(text)); }
Status Err(std::string text) { return Status(ErrorCode::kInvalidArgument, "Error: " + std::move(text)); }

std::vector<std::string> SplitCommas(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    if (comma > start) out.emplace_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Status CheckName(std::string_view kind, std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return Err("invalid " + std::string(kind) + " name");
  for (unsigned char c : name) {
    if (c < 0x21 || c == 0x7f || c == ',' || c == '/' || c == '=') {
      return Err("invalid " + std::string(kind) + " name '" + std::string(name) + "'");
    }
  }
  if (name == "all" || name == "any" || name == "on" || name == "to" || name == "from") {
    return Err("'" + std::string(name) + "' is a reserved name");
  }
  return Status::OK();
}

// `key=value` options of add-user / alter-user.
struct UserOptions {
  std::optional<std::string> password;
  std::optional<std::set<std::string>> groups;
};

Result<UserOptions> ParseUserOptions(const std::vector<std::string>& args, size_t from) {
  UserOptions o;
  for (size_t i = from; i < args.size(); ++i) {
    size_t eq = args[i].find('=');
    if (eq == std::string::npos) return Err("expected key=value, got '" + args[i] + "'");
    std::string key = args[i].substr(0, eq), value = args[i].substr(eq + 1);
    if (key == "password") {
      o.password = value;
    } else if (key == "groups") {
      auto list = SplitCommas(value);
      o.groups = std::set<std::string>(list.begin(), list.end());
    } else {
      return Err("unknown option '" + key + "' (password=, groups=)");
    }
  }
  return o;
}

// A text table in the shape riak-admin prints.
std::string Table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(head.size());
  for (size_t i = 0; i < head.size(); ++i) width[i] = head[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::string line = "+";
  for (size_t w : width) line += std::string(w + 2, '-') + "+";
  line += "\n";
  auto row = [&](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (size_t i = 0; i < width.size(); ++i) {
      const std::string& c = i < cells.size() ? cells[i] : std::string();
      out += " " + c + std::string(width[i] - c.size(), ' ') + " |";
    }
    return out + "\n";
  };
  std::string out = line + row(head) + line;
  for (const auto& r : rows) out += row(r);
  return out + line;
}

std::string Join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

// "user/x", "group/x", "all", or a bare name resolved as Riak does (a user, else a group; both
// is ambiguous).
Result<std::string> ResolveRole(const State& s, const std::string& name) {
  if (name == "all") return name;
  if (name.rfind("user/", 0) == 0) {
    if (!s.users.count(name.substr(5))) return Err("User '" + name.substr(5) + "' does not exist");
    return name;
  }
  if (name.rfind("group/", 0) == 0) {
    if (!s.groups.count(name.substr(6))) return Err("Group '" + name.substr(6) + "' does not exist");
    return name;
  }
  bool user = s.users.count(name) > 0, group = s.groups.count(name) > 0;
  if (user && group) return Err("Ambiguous role '" + name + "': prefix it with user/ or group/");
  if (user) return "user/" + name;
  if (group) return "group/" + name;
  return Err("Role '" + name + "' does not exist");
}

Result<std::set<std::string>> ParsePermissions(std::string_view list) {
  std::set<std::string> perms;
  for (const auto& p : SplitCommas(list)) {
    const auto& known = KnownPermissions();
    if (p == "riak_ts.*") {
      perms.insert(known.begin(), known.end());
      continue;
    }
    if (std::find(known.begin(), known.end(), p) == known.end()) {
      return Err("Unknown permission " + p);
    }
    perms.insert(p);
  }
  if (perms.empty()) return Err("no permission given");
  return perms;
}

void DropGrantee(State* s, const std::string& grantee) { s->grants.erase(grantee); }

}  // namespace

Result<std::string> Security::Apply(std::string_view op, const std::vector<std::string>& args) {
  // Hash outside the lock: PBKDF2 is slow on purpose.
  std::optional<PasswordHash> new_hash;
  if (op == "add-user" || op == "alter-user") {
    if (args.empty()) return Usage(std::string("usage: security ") + std::string(op) + " NAME [password=PW] [groups=G1,G2]");
    QUANTA_ASSIGN_OR_RETURN(UserOptions o, ParseUserOptions(args, 1));
    if (o.password) {
      QUANTA_ASSIGN_OR_RETURN(PasswordHash h, HashPassword(*o.password));
      new_hash = std::move(h);
    }
  }
  // Another coordinator's change in between (kConflict): read the state again and redo.
  constexpr int kApplyAttempts = 16;
  for (int attempt = 1;; ++attempt) {
    auto r = ApplyOnce(op, args, new_hash);
    if (r.ok() || r.error().code() != ErrorCode::kConflict || attempt == kApplyAttempts) return r;
    refresh_.MarkChanged();
  }
}

Result<std::string> Security::ApplyOnce(std::string_view op, const std::vector<std::string>& args,
                                        const std::optional<PasswordHash>& new_hash) {
  RefreshIfChanged();
  std::unique_lock lock(mu_);
  State next = state_;
  std::string out;
  auto need = [&](size_t n, std::string_view usage) -> Status {
    if (args.size() != n) return Usage(std::string("usage: security ") + std::string(usage));
    return Status::OK();
  };

  if (op == "status") {
    QUANTA_RETURN_IF_ERROR(need(0, "status"));
    return std::string(state_.enabled ? "Enabled\n" : "Disabled\n");
  } else if (op == "export") {
    // The whole state, password hashes included (docs/formats/security.md), for `import` on
    // another server: moving an embedded server's users into a cluster.
    QUANTA_RETURN_IF_ERROR(need(0, "export"));
    return EncodeState(state_);
  } else if (op == "import") {
    QUANTA_RETURN_IF_ERROR(need(1, "import FILE|-"));
    auto imported = DecodeState(args[0]);
    if (!imported.ok()) return Err("not an exported security state: " + imported.error().message());
    next = std::move(imported).value();
    size_t grants = 0;
    for (const auto& [role, scopes] : next.grants) grants += scopes.size();
    out = "Imported " + std::to_string(next.users.size()) + " users, " +
          std::to_string(next.groups.size()) + " groups, " + std::to_string(next.sources.size()) +
          " sources and grants on " + std::to_string(grants) + " (role, table) pairs (security " +
          (next.enabled ? "enabled" : "disabled") + "), replacing the state there was\n";
  } else if (op == "enable" || op == "disable") {
    QUANTA_RETURN_IF_ERROR(need(0, std::string(op)));
    next.enabled = op == "enable";
  } else if (op == "add-user" || op == "alter-user") {
    const std::string& name = args[0];
    QUANTA_RETURN_IF_ERROR(CheckName("user", name));
    bool exists = next.users.count(name) > 0;
    if (op == "add-user" && exists) return Err("User '" + name + "' already exists");
    if (op == "alter-user" && !exists) return Err("User '" + name + "' does not exist");
    QUANTA_ASSIGN_OR_RETURN(UserOptions o, ParseUserOptions(args, 1));
    User& u = next.users[name];
    u.name = name;
    if (new_hash) u.password = *new_hash;
    if (o.groups) {
      for (const auto& g : *o.groups) {
        if (!next.groups.count(g)) return Err("Group '" + g + "' does not exist");
      }
      u.groups = *o.groups;
    }
  } else if (op == "del-user") {
    QUANTA_RETURN_IF_ERROR(need(1, "del-user NAME"));
    if (!next.users.erase(args[0])) return Err("User '" + args[0] + "' does not exist");
    std::erase_if(next.sources, [&](const Source& s) { return s.user == args[0]; });
    DropGrantee(&next, "user/" + args[0]);
  } else if (op == "add-group") {
    QUANTA_RETURN_IF_ERROR(need(1, "add-group NAME"));
    QUANTA_RETURN_IF_ERROR(CheckName("group", args[0]));
    if (next.groups.count(args[0])) return Err("Group '" + args[0] + "' already exists");
    next.groups[args[0]] = Group{args[0]};
  } else if (op == "del-group") {
    QUANTA_RETURN_IF_ERROR(need(1, "del-group NAME"));
    if (!next.groups.erase(args[0])) return Err("Group '" + args[0] + "' does not exist");
    for (auto& [n, u] : next.users) u.groups.erase(args[0]);
    DropGrantee(&next, "group/" + args[0]);
  } else if (op == "add-source") {
    QUANTA_RETURN_IF_ERROR(need(3, "add-source all|USER[,USER...] CIDR trust|password|certificate"));
    QUANTA_ASSIGN_OR_RETURN(Cidr cidr, Cidr::Parse(args[1]));
    auto type = ParseSourceType(args[2]);
    if (!type) return Err("Unknown source " + args[2] + " (trust, password, certificate)");
    for (const auto& user : SplitCommas(args[0])) {
      if (user != "all" && !next.users.count(user)) return Err("User '" + user + "' does not exist");
      // As Riak: a source for the same user and block replaces the old one.
      std::erase_if(next.sources, [&](const Source& s) { return s.user == user && s.cidr == cidr; });
      next.sources.push_back(Source{user, cidr, *type});
    }
  } else if (op == "del-source") {
    QUANTA_RETURN_IF_ERROR(need(2, "del-source all|USER[,USER...] CIDR"));
    QUANTA_ASSIGN_OR_RETURN(Cidr cidr, Cidr::Parse(args[1]));
    size_t before = next.sources.size();
    for (const auto& user : SplitCommas(args[0])) {
      std::erase_if(next.sources, [&](const Source& s) { return s.user == user && s.cidr == cidr; });
    }
    if (next.sources.size() == before) return Err("No such source");
  } else if (op == "grant" || op == "revoke") {
    const char* link = op == "grant" ? "to" : "from";
    if (args.size() != 5 || args[1] != "on" || args[3] != link) {
      return Usage(std::string("usage: security ") + std::string(op) + " PERM[,PERM...] on any|TABLE " +
                   link + " all|USER|GROUP[,...]");
    }
    QUANTA_ASSIGN_OR_RETURN(auto perms, ParsePermissions(args[0]));
    const std::string scope = args[2] == "ANY" ? "any" : args[2];
    if (scope.empty() || scope.size() > kMaxNameBytes) return Err("invalid table name");
    for (const auto& role : SplitCommas(args[4])) {
      QUANTA_ASSIGN_OR_RETURN(std::string grantee, ResolveRole(next, role));
      auto& held = next.grants[grantee][scope];
      for (const auto& p : perms) {
        if (op == "grant") {
          held.insert(p);
        } else {
          held.erase(p);
        }
      }
      if (held.empty()) next.grants[grantee].erase(scope);
      if (next.grants[grantee].empty()) next.grants.erase(grantee);
    }
  } else if (op == "print-users") {
    QUANTA_RETURN_IF_ERROR(need(0, "print-users"));
    std::vector<std::vector<std::string>> rows;
    for (const auto& [n, u] : state_.users) {
      rows.push_back({n, Join(u.groups), u.password ? u.password->hash_hex.substr(0, 40) : "", "[]"});
    }
    return Table({"username", "groups", "password", "options"}, rows);
  } else if (op == "print-groups") {
    QUANTA_RETURN_IF_ERROR(need(0, "print-groups"));
    std::vector<std::vector<std::string>> rows;
    for (const auto& [n, g] : state_.groups) {
      std::set<std::string> members;
      for (const auto& [un, u] : state_.users) {
        if (u.groups.count(n)) members.insert(un);
      }
      rows.push_back({n, Join(members), "[]"});
    }
    return Table({"group", "members", "options"}, rows);
  } else if (op == "print-sources") {
    QUANTA_RETURN_IF_ERROR(need(0, "print-sources"));
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : state_.sources) {
      rows.push_back({s.user, s.cidr.ToString(), std::string(SourceTypeName(s.type)), "[]"});
    }
    return Table({"users", "cidr", "source", "options"}, rows);
  } else if (op == "print-grants") {
    QUANTA_RETURN_IF_ERROR(need(1, "print-grants USER|GROUP"));
    QUANTA_ASSIGN_OR_RETURN(std::string role, ResolveRole(state_, args[0]));
    auto grants_of = [&](const std::string& grantee) {
      std::vector<std::vector<std::string>> rows;
      auto g = state_.grants.find(grantee);
      if (g != state_.grants.end()) {
        for (const auto& [scope, perms] : g->second) rows.push_back({scope == "any" ? "ANY" : scope, Join(perms)});
      }
      return rows;
    };
    std::map<std::string, std::set<std::string>> cumulative;
    auto add = [&](const std::string& grantee) {
      auto g = state_.grants.find(grantee);
      if (g == state_.grants.end()) return;
      for (const auto& [scope, perms] : g->second) cumulative[scope].insert(perms.begin(), perms.end());
    };
    std::vector<std::vector<std::string>> inherited;
    add(role);
    add("all");
    for (const auto& r : grants_of("all")) inherited.push_back({"all", r[0], r[1]});
    if (role.rfind("user/", 0) == 0) {
      for (const auto& g : state_.users.at(role.substr(5)).groups) {
        add("group/" + g);
        for (const auto& r : grants_of("group/" + g)) inherited.push_back({g, r[0], r[1]});
      }
    }
    std::vector<std::vector<std::string>> total;
    for (const auto& [scope, perms] : cumulative) total.push_back({scope == "any" ? "ANY" : scope, Join(perms)});
    out = "Inherited permissions (" + role + ")\n\n" + Table({"group", "table", "grants"}, inherited) +
          "\nDedicated permissions (" + role + ")\n\n" + Table({"table", "grants"}, grants_of(role)) +
          "\nCumulative permissions (" + role + ")\n\n" + Table({"table", "grants"}, total);
    return out;
  } else {
    return Usage("unknown security command '" + std::string(op) + "'");
  }
  QUANTA_RETURN_IF_ERROR(Save(next));
  state_ = std::move(next);
  return out;
}

}  // namespace quanta::security
