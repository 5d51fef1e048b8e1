// RequestHandler's security states (docs/security.md): STARTTLS, AuthReq, grants; the security
// state is set up through the admin channel's `security` command, as quanta-admin does.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "security/security.h"
#include "service/ts_service.h"
#include "wire/pb/pb_frame.h"
#include "wire/pb/pb_messages.h"
#include "wire/pb/request_handler.h"

namespace quanta::wire::pb {
namespace {

using After = RequestHandler::After;

class Collect : public FrameSink {
 public:
  bool Send(std::string frame) override {
    frames.push_back(std::move(frame));
    return true;
  }
  std::vector<std::string> frames;
};

// The errmsg of an RpbErrorResp frame ("" when it is not one).
std::string ErrorText(const std::string& frame) {
  if (frame.size() < 5 || frame[4] != 0) return "";
  RpbErrorResp e;
  if (!Decode(std::string_view(frame).substr(5), &e).ok()) return "";
  return e.errmsg;
}

std::string AuthReq(std::string_view user, std::string_view password) {
  std::string out;
  out.push_back(0x0a);
  out.push_back(static_cast<char>(user.size()));
  out += user;
  out.push_back(0x12);
  out.push_back(static_cast<char>(password.size()));
  out += password;
  return out;
}

std::string Query(std::string_view sql) {
  TsQueryReq q;
  q.query = TsInterpolation{std::string(sql), {}};
  return Encode(q);
}

class RequestSecurity : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quanta-pb-security.XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    service::ServiceOptions o;
    o.data_dir = dir_;
    auto s = service::TsService::Open(o);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    service_ = std::move(s).value();
    handler_ = std::make_unique<RequestHandler>(*service_);
    Admin(R"({"op":"add-user","args":["alice","password=Secret1"]})");
    Admin(R"({"op":"add-source","args":["all","127.0.0.1/32","password"]})");
    Admin(R"({"op":"enable"})");
  }
  void TearDown() override {
    handler_.reset();
    if (service_) service_->Close().IgnoreError();
    service_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Admin(const std::string& body) {
    auto r = service_->admin().Call("security", body);
    ASSERT_TRUE(r.ok()) << body << ": " << r.error().message();
  }
  After Handle(uint8_t code, const std::string& payload, Session& s, Collect& out) {
    return handler_->Handle(code, payload, s, out);
  }
  Session SecureSession() {
    Session s;
    s.secure = service_->security().enabled();
    s.tls_available = true;
    s.peer_ip = "127.0.0.1";
    return s;
  }

  std::string dir_;
  std::unique_ptr<service::TsService> service_;
  std::unique_ptr<RequestHandler> handler_;
};

TEST_F(RequestSecurity, WithoutSecurityStartTlsIsRefusedAndTheConnectionServes) {
  Admin(R"({"op":"disable"})");
  Session s = SecureSession();
  EXPECT_FALSE(s.secure);
  Collect out;
  EXPECT_EQ(Handle(code::kStartTls, "", s, out), After::kKeepOpen);
  EXPECT_EQ(ErrorText(out.frames.at(0)), "Security not enabled; STARTTLS not allowed.");
  EXPECT_EQ(Handle(code::kPingReq, "", s, out), After::kKeepOpen);
  EXPECT_EQ(out.frames.at(1), EncodeFrame(code::kPingResp, ""));
}

TEST_F(RequestSecurity, StartTlsThenAuthThenGrants) {
  Session s = SecureSession();
  Collect out;
  Handle(code::kPingReq, "", s, out);
  EXPECT_EQ(ErrorText(out.frames.at(0)), "Security is enabled, please STARTTLS first");
  Handle(code::kAuthReq, AuthReq("alice", "Secret1"), s, out);
  EXPECT_EQ(ErrorText(out.frames.at(1)), "Security is enabled, please STARTTLS first");
  EXPECT_EQ(Handle(code::kStartTls, "", s, out), After::kStartTls);
  EXPECT_EQ(out.frames.at(2), std::string("\x00\x00\x00\x01\xff", 5));
  s.tls = true;  // the transport did the handshake
  Handle(code::kPingReq, "", s, out);
  EXPECT_EQ(ErrorText(out.frames.at(3)), "Security is enabled, please authenticate first");
  // A wrong password: nothing sent now; the transport answers after its delay.
  EXPECT_EQ(Handle(code::kAuthReq, AuthReq("alice", "nope"), s, out), After::kAuthFailed);
  EXPECT_EQ(out.frames.size(), 4u);
  EXPECT_EQ(s.auth_failures, 1);
  EXPECT_EQ(ErrorText(RequestHandler::AuthFailedFrame()), "Authentication failed");
  EXPECT_EQ(Handle(code::kAuthReq, AuthReq("alice", "Secret1"), s, out), After::kKeepOpen);
  EXPECT_EQ(out.frames.at(4), EncodeFrame(code::kAuthResp, ""));
  EXPECT_TRUE(s.authenticated);
  EXPECT_EQ(s.user, "alice");

  const std::string create =
      "CREATE TABLE T1 (a SINT64 NOT NULL, b TIMESTAMP NOT NULL, "
      "PRIMARY KEY ((a, QUANTUM(b, 1, 's')), a, b))";
  Handle(code::kTsQueryReq, Query(create), s, out);
  EXPECT_EQ(ErrorText(out.frames.at(5)),
            "Permission denied: User 'alice' does not have 'riak_ts.create_table' on T1");
  EXPECT_FALSE(service_->FindTable("T1").ok());
  Admin(R"({"op":"grant","args":["riak_ts.create_table,riak_ts.put","on","any","to","alice"]})");
  Handle(code::kTsQueryReq, Query(create), s, out);
  EXPECT_EQ(out.frames.at(6)[4], static_cast<char>(code::kTsQueryResp));
  Handle(code::kTsQueryReq, Query("INSERT INTO T1 VALUES (1, 1)"), s, out);
  EXPECT_EQ(out.frames.at(7)[4], static_cast<char>(code::kTsQueryResp));
  Handle(code::kTsQueryReq, Query("SELECT * FROM T1 WHERE a = 1 AND b >= 0 AND b < 10"), s, out);
  EXPECT_EQ(ErrorText(out.frames.at(8)),
            "Permission denied: User 'alice' does not have 'riak_ts.query_select' on T1");
  Handle(code::kTsQueryReq, Query("SHOW TABLES"), s, out);
  EXPECT_EQ(ErrorText(out.frames.at(9)),
            "Permission denied: User 'alice' does not have 'riak_ts.show_tables'");
}

TEST_F(RequestSecurity, ThePermissionListIsRiaksPlusExtensions) {
  EXPECT_EQ(service::PermissionFor(service::StatementKind::kShowCreateTable), "riak_ts.describe_table");
  EXPECT_EQ(service::PermissionFor(service::StatementKind::kInsert), "riak_ts.put");
  EXPECT_EQ(service::PermissionFor(service::StatementKind::kDelete), "riak_ts.delete");
  EXPECT_EQ(service::PermissionFor(service::StatementKind::kDropTable), "riak_ts.drop_table");
  EXPECT_EQ(service::PermissionFor(service::StatementKind::kAlterTable), "riak_ts.alter_table");
}

}  // namespace
}  // namespace quanta::wire::pb
