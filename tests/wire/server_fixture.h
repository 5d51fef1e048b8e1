// Test fixture: a TsService on a fresh temporary directory and a PbServer on an ephemeral port.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "service/ts_service.h"
#include "wire/pb/pb_client.h"
#include "wire/pb/pb_frame.h"
#include "wire/pb/pb_messages.h"
#include "wire/pb/pb_server.h"

namespace quanta::wire::testing {

inline constexpr int64_t kTs = 1420113600000;
inline constexpr const char* kCreateT1 =
    "CREATE TABLE t1 (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v DOUBLE, "
    "PRIMARY KEY ((k, QUANTUM(ts, 15, 'm')), k, ts))";
inline constexpr const char* kT1Select =
    "SELECT * FROM t1 WHERE k = 'a' AND ts >= 1420113600000 AND ts < 1420113700000";

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts (or restarts) the server with `options` (port forced to 0).
  void StartServer(pb::PbServerOptions options);
  // Stops the server, reopens the service on the same directory with `so` (data_dir forced),
  // and starts the server again with `po`.
  void RestartService(service::ServiceOptions so, pb::PbServerOptions po);
  std::unique_ptr<pb::PbClient> Connect(bool use_ttb = false);
  // Runs a statement that must succeed.
  void Exec(const std::string& sql);
  void CreateT1() { Exec(kCreateT1); }

  // Sends one frame on a fresh connection's socket and returns the reply frame.
  pb::PbFrame MustCall(pb::PbClient& c, uint8_t code, const std::string& payload);

  std::string dir_;
  std::unique_ptr<service::TsService> service_;
  std::unique_ptr<pb::PbServer> server_;
  uint16_t port_ = 0;
};

// Decodes an RpbErrorResp frame (fails the test if it is not one).
pb::RpbErrorResp ErrorOf(const pb::PbFrame& f);

}  // namespace quanta::wire::testing
