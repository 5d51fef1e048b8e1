// The service's side of security (docs/security.md): which permission a statement needs, and
// the admin channel's `security` command.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "service/admin.h"
#include "service/ts_service.h"
#include "sql/ast.h"

namespace quanta::security {
class Security;
class StateStorage;
}
namespace quanta::storage {
class Store;
}

namespace quanta::service {

// The security state as a metadata record of `store` (cluster mode: every coordinator of the
// RADOS pool shares it), changed guarded by what was read (Store::UpdateMetaIf) and announced
// to the other coordinators (Store::NotifyMeta).
std::unique_ptr<security::StateStorage> StoreStateStorage(storage::Store& store);

// A parsed statement's kind and the table it names ("" for SHOW TABLES).
std::pair<StatementKind, std::string> Classify(const sql::Statement& stmt);

// Registers `security`: body {"op": "add-user", "args": ["alice", "password=..."]}, answered
// with {"text": "<what riak-admin security would print>"}; a refused command is
// kInvalidArgument with riak-admin's error text.
void RegisterSecurityCommand(AdminCommands& admin, security::Security& sec);

}  // namespace quanta::service
