// The service's side of security (docs/security.md): which permission a statement needs, and
// the admin channel's `security` command.
#pragma once

#include <string>
#include <utility>

#include "service/admin.h"
#include "service/ts_service.h"
#include "sql/ast.h"

namespace quanta::security {
class Security;
}

namespace quanta::service {

// A parsed statement's kind and the table it names ("" for SHOW TABLES).
std::pair<StatementKind, std::string> Classify(const sql::Statement& stmt);

// Registers `security`: body {"op": "add-user", "args": ["alice", "password=..."]}, answered
// with {"text": "<what riak-admin security would print>"}; a refused command is
// kInvalidArgument with riak-admin's error text.
void RegisterSecurityCommand(AdminCommands& admin, security::Security& sec);

}  // namespace quanta::service
