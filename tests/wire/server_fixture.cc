#include "server_fixture.h"

#include <cstdlib>
#include <filesystem>

namespace quanta::wire::testing {

void ServerTest::SetUp() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "quanta-wire-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  dir_ = tmpl;
  service::ServiceOptions so;
  so.data_dir = dir_;
  auto svc = service::TsService::Open(so);
  ASSERT_TRUE(svc.ok()) << svc.error().ToString();
  service_ = std::move(svc).value();
  pb::PbServerOptions po;
  po.threads = 2;
  StartServer(po);
}

void ServerTest::StartServer(pb::PbServerOptions options) {
  if (server_) server_->Stop();
  options.host = "127.0.0.1";
  options.port = 0;
  server_ = std::make_unique<pb::PbServer>(*service_, options);
  Status st = server_->Start();
  ASSERT_TRUE(st.ok()) << st.ToString();
  port_ = server_->port();
  ASSERT_NE(port_, 0);
}

void ServerTest::RestartService(service::ServiceOptions so, pb::PbServerOptions po) {
  if (server_) server_->Stop();
  server_.reset();
  if (service_) service_->Close().IgnoreError();
  service_.reset();
  so.data_dir = dir_;
  auto svc = service::TsService::Open(so);
  ASSERT_TRUE(svc.ok()) << svc.error().ToString();
  service_ = std::move(svc).value();
  StartServer(po);
}

void ServerTest::TearDown() {
  if (server_) server_->Stop();
  server_.reset();
  if (service_) service_->Close().IgnoreError();
  service_.reset();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::unique_ptr<pb::PbClient> ServerTest::Connect(bool use_ttb) {
  pb::PbClientOptions o;
  o.use_ttb = use_ttb;
  o.io_timeout_ms = 20000;
  auto c = pb::PbClient::Connect("127.0.0.1", port_, o);
  EXPECT_TRUE(c.ok()) << c.error().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

void ServerTest::Exec(const std::string& sql) {
  auto c = Connect();
  ASSERT_NE(c, nullptr);
  auto r = c->Query(sql);
  ASSERT_TRUE(r.ok()) << sql << ": " << r.error().ToString();
}

pb::PbFrame ServerTest::MustCall(pb::PbClient& c, uint8_t code, const std::string& payload) {
  auto f = c.Call(code, payload);
  EXPECT_TRUE(f.ok()) << f.error().ToString();
  return f.ok() ? std::move(f).value() : pb::PbFrame{255, ""};
}

pb::RpbErrorResp ErrorOf(const pb::PbFrame& f) {
  pb::RpbErrorResp e;
  EXPECT_EQ(f.code, pb::code::kErrorResp);
  EXPECT_TRUE(pb::Decode(f.payload, &e).ok());
  return e;
}

}  // namespace quanta::wire::testing
