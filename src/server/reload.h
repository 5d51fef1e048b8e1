// SIGHUP: reopens the log file (after logrotate renamed it) and takes from the configuration
// file what a running server can change (IsReloadableKey); changed keys that cannot change
// without a restart are logged as such. Never stops the server: a file that no longer parses is
// logged and the running configuration stays.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "server/config.h"

namespace quanta::service {
class TsService;
}

namespace quanta::server {

struct ReloadState {
  std::string config_file;                                        // --config; may be empty
  std::vector<std::pair<std::string, std::string>> flag_settings;  // they still win over the file
  std::vector<FileSetting> file_settings;                          // as last read
  log::Options log;                                                // as last applied
};

// What one reload did, for its log lines and tests.
struct ReloadReport {
  bool log_reopened = false;
  std::string error;                       // the file could not be read or applied
  std::vector<std::string> applied;        // reloadable keys whose value changed
  std::vector<std::string> needs_restart;  // other keys whose value changed
};

ReloadReport Reload(ReloadState* state, service::TsService& service);

}  // namespace quanta::server
