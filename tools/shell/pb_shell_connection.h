// The ShellConnection of the quanta-shell executable: wire::pb::PbClient (Protocol Buffers,
// codes 90/91 for queries) behind the shell's interface. A PbClient error with code kIoError is
// a transport failure (the client is dropped); any other is the node's RpbErrorResp.
#pragma once

#include <memory>

#include "shell_connection.h"

namespace quanta::shell {

std::unique_ptr<ShellConnectionFactory> MakePbConnectionFactory(int connect_timeout_ms);

}  // namespace quanta::shell
