// HttpServerTest: a real TsService over a temporary data directory plus an HttpServer on an
// ephemeral port, and helpers to speak HTTP to it.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "http/http_server.h"
#include "service/ts_service.h"
#include "test_client.h"

namespace quanta::http::testing {

constexpr const char* kJson = "application/json";
constexpr const char* kText = "text/plain";

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(DefaultOptions()); }
  void TearDown() override { Shutdown(); }

  static HttpServerOptions DefaultOptions() {
    HttpServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.worker_threads = 8;
    options.request_timeout_seconds = 10;
    return options;
  }

  void Start(HttpServerOptions options,
             service::ServiceOptions service_options = service::ServiceOptions()) {
    char dir_template[] = "/tmp/quanta_http_test_XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    service_options.data_dir = dir_;
    auto opened = service::TsService::Open(service_options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    service_ = std::move(opened).value();
    server_ = std::make_unique<HttpServer>(*service_, options);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ASSERT_NE(server_->port(), 0);
  }

  void Shutdown() {
    if (server_) server_->Stop();
    server_.reset();
    if (service_) service_->Close().IgnoreError();
    service_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    dir_.clear();
  }

  uint16_t port() const { return server_->port(); }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port()); }

  // One request on a fresh connection.
  ClientResponse Call(const std::string& method, const std::string& target,
                      const std::string& body = "",
                      const std::vector<std::string>& headers = {}) {
    TestClient client(port());
    EXPECT_TRUE(client.connected());
    auto response = client.Request(method, target, body, headers);
    EXPECT_TRUE(response.has_value()) << method << " " << target;
    return response.value_or(ClientResponse{});
  }
  ClientResponse Query(const std::string& sql) { return Call("POST", "/ts/v1/query", sql); }

  static void ExpectResponse(const ClientResponse& r, int status, const std::string& content_type,
                             const std::string& body) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type"), content_type);
    EXPECT_EQ(r.body, body);
  }

  // create table bob (riak_ts.md section 18 fixtures).
  void CreateBob() {
    ExpectResponse(Query("create table bob (a varchar not null, b blob not null, "
                         "c timestamp not null, d sint64, "
                         "primary key ((a, b, quantum(c, 1, m)), a, b, c))"),
                   200, kJson, R"({"success":true})");
  }
  // Four rows: (q1,w1,11,110) (q1,w1,20,119) (qN,wN,11,NULL) (q2,w1,5,1).
  void SeedBob() {
    CreateBob();
    ExpectResponse(Call("POST", "/ts/v1/tables/bob/keys", R"({"a": "q1", "b": "dzE=", "c": 11, "d":110})"),
                   200, kJson, R"({"success":true})");
    ExpectResponse(Call("POST", "/ts/v1/tables/bob/keys",
                        R"([{"a": "q1", "b": "dzE=", "c": 20, "d":119},
                            {"a": "qN", "b": "d04=", "c": 11, "d":null}])"),
                   200, kJson, R"({"success":true})");
    ExpectResponse(Call("POST", "/ts/v1/tables/bob/keys", R"({"a": "q2", "b": "dzE=", "c": 5, "d":1})"),
                   200, kJson, R"({"success":true})");
  }

  std::string dir_;
  std::unique_ptr<service::TsService> service_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace quanta::http::testing
