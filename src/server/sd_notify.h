// Readiness notification for systemd services of Type=notify (sd_notify(3)), written against
// the documented protocol rather than libsystemd: when the service manager starts quantad it
// sets $NOTIFY_SOCKET to an AF_UNIX datagram socket (a path, or an abstract name written with a
// leading '@'), and each notification is one datagram of newline-separated VAR=VALUE lines.
// Outside systemd the variable is unset and notifying does nothing.
#pragma once

#include <string>

#include "common/status.h"

namespace quanta::server {

// Sends `state` (e.g. "READY=1", "STOPPING=1", "STATUS=...") to $NOTIFY_SOCKET. OK, without
// sending anything, when the variable is unset or empty; kInvalidArgument for an address that
// is neither a path nor an abstract name or is too long; kIoError when the datagram cannot be
// sent. A failed notification is worth a log line, never worth stopping the server for.
Status NotifyServiceManager(const std::string& state);

}  // namespace quanta::server
