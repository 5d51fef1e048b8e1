// quantad: the Quanta server process. Opens the data directory, starts the PB and HTTP
// listeners, and runs until SIGTERM or SIGINT, then stops the listeners (finishing requests in
// flight) and closes the store cleanly. SIGHUP reopens the log file and reloads what can change
// at run time (server/reload.h); it never stops the server.
#include <csignal>
#include <filesystem>
#include <cstdio>
#include <iostream>
#include <memory>
#include <pthread.h>

#include "common/log.h"
#include "common/memory.h"
#include "common/version.h"
#include "console/assets.h"
#include "http/http_server.h"
#include "server/config.h"
#include "server/sd_notify.h"
#include "server/reload.h"
#include "service/ts_service.h"
#include "storage/store.h"
#include "wire/pb/pb_server.h"

namespace {

int Fail(const std::string& msg, int code) {
  quanta::log::Error("quantad: " + msg);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace quanta;
  // Block the shutdown signals and SIGHUP in every thread (first, so
  // that a SIGHUP during start-up does not stop the server); the main thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  auto cl = server::ParseCommandLine(argc, argv);
  if (!cl.ok()) return Fail(cl.error().message(), 2);
  if (cl->help) {
    std::cout << server::UsageText();
    return 0;
  }
  if (cl->version) {
    std::cout << "quantad " << kQuantaVersion << " (Riak TS 1.5.2 compatible)\n";
    return 0;
  }
  server::ServerConfig config;
  server::ReloadState reload;
  reload.config_file = cl->config_file;
  reload.flag_settings = cl->settings;
  if (!cl->config_file.empty()) {
    auto read = server::ReadConfigFile(cl->config_file);
    if (!read.ok()) return Fail(read.error().message(), 2);
    Status st = server::ApplyFileSettings(&config, cl->config_file, *read);
    if (!st.ok()) return Fail(st.message(), 2);
    reload.file_settings = std::move(read).value();
  }
  for (const auto& [k, v] : cl->settings) {
    Status st = server::ApplySetting(&config, k, v);
    if (!st.ok()) return Fail(st.message(), 2);
  }
  if (Status st = log::Configure(config.log); !st.ok()) return Fail(st.message(), 2);
  reload.log = config.log;
  if (!config.ignored_riak_keys.empty()) {
    std::string keys;
    for (const auto& k : config.ignored_riak_keys) keys += (keys.empty() ? "" : ", ") + k;
    log::Info("quantad: " + std::to_string(config.ignored_riak_keys.size()) +
              " riak.conf key(s) have no meaning for Quanta and are ignored: " + keys);
  }
  if (!config.ignored_unknown_keys.empty()) {
    std::string keys;
    for (const auto& k : config.ignored_unknown_keys) keys += (keys.empty() ? "" : ", ") + k;
    log::Warning("quantad: " + std::to_string(config.ignored_unknown_keys.size()) +
              " configuration key(s) are neither Quanta's nor known Riak keys and are ignored "
              "(a typo?): " + keys);
  }
  config.service.advertised_pb_host = config.pb_host;
  config.service.advertised_pb_port = config.pb_port;
  MemoryAccount::set_trim_threshold(config.memory_trim_threshold_bytes);
  MemoryAccount::ConfigureAllocator(config.malloc_arenas);


  const bool rados = config.service.storage_backend == "rados";
  // Where the data is, for messages.
  const std::string where = rados ? "RADOS pool '" + config.service.rados_pool + "'" +
                                        (config.service.rados_namespace.empty()
                                             ? std::string()
                                             : " namespace '" + config.service.rados_namespace + "'")
                                  : "data directory '" + config.service.data_dir + "'";
  auto service = service::TsService::Open(config.service);
  if (!service.ok()) return Fail("cannot open " + where + ": " + service.error().message(), 1);

  if (storage::StoreStats ss = (*service)->store().Stats(); !rados && (ss.read_only || !ss.writable)) {
    log::Warning("quantad: the data directory's disk is full (" +
                 std::to_string(ss.free_bytes >> 20) + " MiB free, storage.min_free_space is " +
                 std::to_string(config.service.min_free_space_bytes >> 20) +
                 " MiB): serving reads, refusing writes with 'disk full' until space returns" +
                 (ss.read_only ? " (opened read-only, reopens by itself)" : ""));
  }

  // The admin channel's token (service/admin.h) lives in the data directory, also in RADOS
  // mode (where the directory holds nothing else). Without it quanta-admin cannot connect; the
  // server still serves.
  {
    std::error_code ec;
    std::filesystem::create_directories(config.service.data_dir, ec);
    auto token = service::LoadOrCreateAdminToken(config.service.data_dir);
    if (token.ok()) {
      (*service)->admin().set_token(std::move(token).value());
    } else {
      log::Warning("quantad: admin commands are off: " + token.error().message());
    }
  }

  std::unique_ptr<wire::pb::PbServer> pb;
  if (config.pb_enabled) {
    wire::pb::PbServerOptions o;
    o.host = config.pb_host;
    o.port = config.pb_port;
    o.max_frame_bytes = config.pb_max_frame_bytes;
    o.idle_timeout_seconds = config.pb_idle_timeout_seconds;
    o.read_timeout_seconds = config.pb_read_timeout_seconds;
    o.write_timeout_seconds = config.pb_write_timeout_seconds;
    o.threads = config.threads;
    o.tls_certfile = config.tls_certfile;
    o.tls_keyfile = config.tls_keyfile;
    o.tls_cacertfile = config.tls_cacertfile;
    pb = std::make_unique<wire::pb::PbServer>(**service, o);
    Status st = pb->Start();
    if (!st.ok()) return Fail("cannot start the PB listener: " + st.message(), 1);
  }
  // The HTTP and HTTPS listeners serve the same; HTTPS adds TLS.
  auto web_options = [&](const std::string& host, uint16_t port) {
    http::HttpServerOptions o;
    o.host = host;
    o.port = port;
    o.max_body_bytes = config.http_max_body_bytes;
    o.request_timeout_seconds = config.http_request_timeout_seconds;
    o.write_timeout_seconds = config.http_write_timeout_seconds;
    o.console = &console::Assets();
    o.threads = config.threads;
    return o;
  };
  std::unique_ptr<http::HttpServer> web;
  if (config.http_enabled) {
    web = std::make_unique<http::HttpServer>(**service, web_options(config.http_host, config.http_port));
    Status st = web->Start();
    if (!st.ok()) {
      if (pb) pb->Stop();
      return Fail("cannot start the HTTP listener: " + st.message(), 1);
    }
  }
  std::unique_ptr<http::HttpServer> secure_web;
  if (config.https_enabled) {
    http::HttpServerOptions o = web_options(config.https_host, config.https_port);
    o.tls = true;
    o.tls_certfile = config.tls_certfile;
    o.tls_keyfile = config.tls_keyfile;
    secure_web = std::make_unique<http::HttpServer>(**service, o);
    Status st = secure_web->Start();
    if (!st.ok()) {
      if (web) web->Stop();
      if (pb) pb->Stop();
      return Fail("cannot start the HTTPS listener: " + st.message(), 1);
    }
  }
  std::string serving = "quantad: serving data in " + (rados ? where : config.service.data_dir);
  if (pb) serving += ", PB on " + config.pb_host + ":" + std::to_string(pb->port());
  if (web) serving += ", HTTP on " + config.http_host + ":" + std::to_string(web->port());
  if (secure_web) {
    serving += ", HTTPS on " + config.https_host + ":" + std::to_string(secure_web->port());
  }
  log::Info(serving);
  // Under systemd (Type=notify): the unit counts as started only now that clients can connect.
  if (Status st = server::NotifyServiceManager("READY=1"); !st.ok()) {
    log::Warning("quantad: " + st.message());
  }

  int sig = 0;
  for (;;) {
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig != SIGHUP) break;
    server::Reload(&reload, **service);
    if (!config.tls_certfile.empty()) {
      // A renewed certificate (same files): for the connections from now on.
      Status st = pb ? pb->ReloadTls() : Status::OK();
      if (st.ok() && secure_web) st = secure_web->ReloadTls();
      if (st.ok()) {
        log::Info("quantad: SIGHUP: TLS certificate and key read again from " +
                  config.tls_certfile + " and " + config.tls_keyfile);
      } else {
        log::Warning("quantad: SIGHUP: TLS certificate not reloaded, the old one stays: " +
                     st.message());
      }
    }
  }
  log::Info(std::string("quantad: ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", shutting down");
  if (Status st = server::NotifyServiceManager("STOPPING=1"); !st.ok()) {
    log::Warning("quantad: " + st.message());
  }
  if (secure_web) secure_web->Stop();
  if (web) web->Stop();
  if (pb) pb->Stop();
  Status st = (*service)->Close();
  if (!st.ok()) return Fail("error while closing the store: " + st.message(), 1);
  log::Info("quantad: stopped cleanly");
  return 0;
}
