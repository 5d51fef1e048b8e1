// The service's request log: one line per failed request at the right level, with the
// transport and peer its transport declared; slow-query lines; runtime limits.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "common/log.h"
#include "service/request_context.h"
#include "service/request_log.h"
#include "service/ts_service.h"

namespace quanta::service {
namespace {

class RequestLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("quanta_reqlog_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    log_path_ = (dir_ / "quantad.log").string();
    log::Options lo;
    lo.file = log_path_;
    lo.level = log::Level::kDebug;
    ASSERT_TRUE(log::Configure(lo).ok());
    ServiceOptions o;
    o.data_dir = (dir_ / "data").string();
    o.min_free_space_bytes = 0;
    auto s = TsService::Open(o);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    svc_ = std::move(s).value();
  }
  void TearDown() override {
    svc_.reset();
    ASSERT_TRUE(log::Configure(log::Options{}).ok());
    std::filesystem::remove_all(dir_);
  }
  std::string LogText() {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::filesystem::path dir_;
  std::string log_path_;
  std::unique_ptr<TsService> svc_;
};

TEST_F(RequestLogTest, ClientErrorsAtDebugWithTransportAndPeer) {
  {
    ScopedRequest context(Transport::kPb, "10.1.2.3:4567");
    QueryOutcome out;
    EXPECT_FALSE(svc_->Query("SELEC nonsense", {}, &out).ok());
  }
  EXPECT_FALSE(svc_->Put("missing", {}).ok());
  std::string text = LogText();
  EXPECT_NE(text.find(" debug request failed op=query code=1020 "), std::string::npos) << text;
  EXPECT_NE(text.find("transport=pb peer=10.1.2.3:4567"), std::string::npos) << text;
  EXPECT_NE(text.find(" debug request failed op=put code=1019 "), std::string::npos) << text;
  EXPECT_NE(text.find("transport=inproc"), std::string::npos) << text;

  // At the default level a flood of bad requests writes nothing.
  log::SetLevel(log::Level::kInfo);
  size_t before = LogText().size();
  for (int i = 0; i < 100; ++i) {
    QueryOutcome out;
    EXPECT_FALSE(svc_->Query("SELEC nonsense", {}, &out).ok());
  }
  EXPECT_EQ(LogText().size(), before);
}

TEST_F(RequestLogTest, ServerSideErrorsAtWarning) {
  EXPECT_EQ(FailureLevel(Status(ErrorCode::kTimeout, "timeout")), log::Level::kWarning);
  EXPECT_EQ(FailureLevel(SubmitError("overload")), log::Level::kWarning);
  EXPECT_EQ(FailureLevel(Status(ErrorCode::kNoSpace, "Failed to put 1 record(s): disk full")),
            log::Level::kWarning);
  EXPECT_EQ(FailureLevel(SubmitError("Failed to put 1 record(s): disk full")),
            log::Level::kWarning);
  EXPECT_EQ(FailureLevel(Status(ErrorCode::kMemoryLimit, "Not enough memory for x")),
            log::Level::kWarning);
  EXPECT_EQ(FailureLevel(Status(ErrorCode::kParse, "syntax")), log::Level::kDebug);
  EXPECT_EQ(FailureLevel(Status(ErrorCode::kTableInactive, "no table")), log::Level::kDebug);
  EXPECT_EQ(FailureLevel(SubmitError("bad column")), log::Level::kDebug);
  // 1004: storage kept part of a batch (its cause in detail) vs. rows over the size limit.
  EXPECT_EQ(FailureLevel(Status(ErrorCode::kPut, "Failed to put 2 record(s)", "2013: timed out")),
            log::Level::kWarning);
  EXPECT_EQ(FailureLevel(Status(ErrorCode::kPut, "Failed to put 2 record(s)")), log::Level::kDebug);

  log::SetLevel(log::Level::kWarning);
  LogRequestFailure(Op::kQuery, Status(ErrorCode::kTimeout, "no response from backend"), 10.5);
  EXPECT_NE(LogText().find(" warning request failed op=query code=1013 "
                           "error=\"no response from backend\" ms=10.500"),
            std::string::npos)
      << LogText();
}

TEST_F(RequestLogTest, SlowQueryLineIsTruncated) {
  std::string sql = "SELECT * FROM t WHERE x = '" + std::string(3000, 'a') + "'";
  LogSlowQuery(sql, 1500.0, 42, Status::OK());
  std::string text = LogText();
  EXPECT_NE(text.find(" warning slow query ms=1500.000 rows=42 code=0 transport=inproc"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("statement=\"SELECT * FROM t WHERE x = 'aaa"), std::string::npos);
  EXPECT_NE(text.find("aaa...\"\n"), std::string::npos);
  EXPECT_LT(text.size(), kSlowQueryTextBytes + 300);
}

TEST_F(RequestLogTest, RuntimeLimitsChangeWhileRunning) {
  RuntimeLimits l = svc_->runtime_limits();
  EXPECT_EQ(l.query_timeout_ms, 10000);
  EXPECT_EQ(l.slow_query_ms, 1000);
  l.query_timeout_ms = 1234;
  l.slow_query_ms = 0;
  l.max_returned_data_size = 99;
  svc_->SetRuntimeLimits(l);
  RuntimeLimits got = svc_->runtime_limits();
  EXPECT_EQ(got.query_timeout_ms, 1234);
  EXPECT_EQ(got.slow_query_ms, 0);
  EXPECT_EQ(got.max_returned_data_size, 99);
}

}  // namespace
}  // namespace quanta::service
