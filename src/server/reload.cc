#include "server/reload.h"

#include <map>
#include <optional>

#include "service/ts_service.h"

namespace quanta::server {
namespace {

std::map<std::string, std::string> LastValues(const std::vector<FileSetting>& settings) {
  std::map<std::string, std::string> out;
  for (const FileSetting& s : settings) out[s.key] = s.value;
  return out;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

ReloadReport Reload(ReloadState* state, service::TsService& service) {
  ReloadReport report;
  Status reopened = log::Reopen();
  report.log_reopened = reopened.ok();
  if (!reopened.ok()) log::Warning("quantad: SIGHUP: " + reopened.message());
  if (state->config_file.empty()) {
    log::Info("quantad: SIGHUP: log reopened; no configuration file to reload (--config)");
    return report;
  }

  auto read = ReadConfigFile(state->config_file);
  ServerConfig fresh;
  Status st = read.ok() ? ApplyFileSettings(&fresh, state->config_file, *read) : read.error();
  for (const auto& [k, v] : state->flag_settings) {
    if (st.ok()) st = ApplySetting(&fresh, k, v);
  }
  if (!st.ok()) {
    report.error = st.message();
    log::Warning("quantad: SIGHUP: configuration not reloaded, the running one stays: " +
                 st.message());
    return report;
  }

  // A key added, removed or given another value is a change (removed: back to its default).
  std::map<std::string, std::pair<std::optional<std::string>, std::optional<std::string>>> diff;
  for (const auto& [k, v] : LastValues(state->file_settings)) diff[k].first = v;
  for (const auto& [k, v] : LastValues(*read)) diff[k].second = v;
  for (const auto& [k, values] : diff) {
    if (values.first == values.second) continue;
    if (!IsKnownKey(k)) continue;  // a Riak key Quanta ignores
    (IsReloadableKey(k) ? report.applied : report.needs_restart).push_back(k);
  }

  const log::Options& nl = fresh.log;
  if (nl.file != state->log.file || nl.format != state->log.format) {
    Status configured = log::Configure(nl);
    if (!configured.ok()) {
      log::Warning("quantad: SIGHUP: log settings not changed: " + configured.message());
    } else {
      state->log = nl;
    }
  } else if (nl.level != state->log.level) {
    log::SetLevel(nl.level);
    state->log.level = nl.level;
  }
  service::RuntimeLimits limits;
  limits.query_timeout_ms = fresh.service.query_timeout_ms;
  limits.max_returned_data_size = fresh.service.max_returned_data_size;
  limits.slow_query_ms = fresh.service.slow_query_ms;
  service.SetRuntimeLimits(limits);
  state->file_settings = std::move(read).value();

  log::Info("quantad: SIGHUP: log reopened, configuration reloaded from " + state->config_file +
                (report.applied.empty() ? std::string(" (no reloadable key changed)")
                                        : "; changed: " + Join(report.applied)),
            {{"log_level", log::LevelName(log::CurrentLevel())},
             {"slow_query_ms", limits.slow_query_ms},
             {"query_timeout_ms", limits.query_timeout_ms}});
  if (!report.needs_restart.empty()) {
    log::Warning("quantad: SIGHUP: needs a restart to take effect: " +
                 Join(report.needs_restart));
  }
  return report;
}

}  // namespace quanta::server
