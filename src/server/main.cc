// quantad: the Quanta server process. Opens the data directory, starts the PB and HTTP
// listeners, and runs until SIGTERM or SIGINT, then stops the listeners (finishing requests in
// flight) and closes the store cleanly.
#include <csignal>
#include <filesystem>
#include <cstdio>
#include <iostream>
#include <memory>
#include <pthread.h>

#include "common/memory.h"
#include "common/version.h"
#include "console/assets.h"
#include "http/http_server.h"
#include "server/config.h"
#include "service/ts_service.h"
#include "storage/store.h"
#include "wire/pb/pb_server.h"

namespace {

int Fail(const std::string& msg, int code) {
  std::cerr << "quantad: " << msg << "\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace quanta;
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
  if (!cl->config_file.empty()) {
    Status st = server::LoadConfigFile(&config, cl->config_file);
    if (!st.ok()) return Fail(st.message(), 2);
  }
  for (const auto& [k, v] : cl->settings) {
    Status st = server::ApplySetting(&config, k, v);
    if (!st.ok()) return Fail(st.message(), 2);
  }
  config.service.advertised_pb_host = config.pb_host;
  config.service.advertised_pb_port = config.pb_port;
  MemoryAccount::set_trim_threshold(config.memory_trim_threshold_bytes);
  MemoryAccount::ConfigureAllocator(config.malloc_arenas);

  // Block the shutdown signals in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

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
    std::cerr << "quantad: the data directory's disk is full (" << (ss.free_bytes >> 20)
              << " MiB free, storage.min_free_space is "
              << (config.service.min_free_space_bytes >> 20)
              << " MiB): serving reads, refusing writes with 'disk full' until space returns"
              << (ss.read_only ? " (opened read-only, reopens by itself)" : "") << std::endl;
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
      std::cerr << "quantad: admin commands are off: " << token.error().message() << std::endl;
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
    pb = std::make_unique<wire::pb::PbServer>(**service, o);
    Status st = pb->Start();
    if (!st.ok()) return Fail("cannot start the PB listener: " + st.message(), 1);
  }
  std::unique_ptr<http::HttpServer> web;
  if (config.http_enabled) {
    http::HttpServerOptions o;
    o.host = config.http_host;
    o.port = config.http_port;
    o.max_body_bytes = config.http_max_body_bytes;
    o.request_timeout_seconds = config.http_request_timeout_seconds;
    o.write_timeout_seconds = config.http_write_timeout_seconds;
    o.console = &console::Assets();
    o.threads = config.threads;
    web = std::make_unique<http::HttpServer>(**service, o);
    Status st = web->Start();
    if (!st.ok()) {
      if (pb) pb->Stop();
      return Fail("cannot start the HTTP listener: " + st.message(), 1);
    }
  }
  std::cerr << "quantad: serving data in " << (rados ? where : config.service.data_dir);
  if (pb) std::cerr << ", PB on " << config.pb_host << ":" << pb->port();
  if (web) std::cerr << ", HTTP on " << config.http_host << ":" << web->port();
  std::cerr << std::endl;

  int sig = 0;
  sigwait(&signals, &sig);
  std::cerr << "quantad: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ", shutting down"
            << std::endl;
  if (web) web->Stop();
  if (pb) pb->Stop();
  Status st = (*service)->Close();
  if (!st.ok()) return Fail("error while closing the store: " + st.message(), 1);
  std::cerr << "quantad: stopped cleanly" << std::endl;
  return 0;
}
