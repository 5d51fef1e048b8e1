// Connection handling: keep-alive, Connection: close, HTTP/1.0, pipelining, Expect: 100-continue,
// the body limit (413), chunked list_keys streaming, many concurrent clients, and Stop().
#include <atomic>
#include <chrono>
#include <thread>

#include "server_test_fixture.h"

namespace quanta::http::testing {
namespace {

const std::string kKeys = "/ts/v1/tables/bob/keys";

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  CreateBob();
  TestClient client(port());
  for (int i = 1; i <= 50; ++i) {
    auto put = client.Request("POST", kKeys,
                              R"({"a":"k","b":"dzE=","c":)" + std::to_string(i) + "}");
    ASSERT_TRUE(put) << i;
    EXPECT_EQ(put->status, 200);
    EXPECT_NE(put->header("connection"), "close");
    auto get = client.Request("GET", kKeys + "/a/k/b/dzE=/c/" + std::to_string(i));
    ASSERT_TRUE(get);
    EXPECT_EQ(get->body, R"({"a":"k","b":"dzE=","c":)" + std::to_string(i) + R"(,"d":[]})");
  }
  // Errors keep the connection too.
  auto bad = client.Request("POST", "/ts/v1/query", "");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto ping = client.Request("GET", "/ping");
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->body, "OK");
}

TEST_F(HttpServerTest, ConnectionCloseAndHttp10) {
  {
    TestClient client(port());
    auto r = client.Request("GET", "/ping", "", {"Connection: close"});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_TRUE(client.PeerClosed());
  }
  {
    TestClient client(port());
    ASSERT_TRUE(client.SendRaw("GET /ping HTTP/1.0\r\n\r\n"));
    auto r = client.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "OK");
    EXPECT_TRUE(client.PeerClosed());
  }
}

TEST_F(HttpServerTest, PipelinedRequestsAnswerInOrder) {
  TestClient client(port());
  ASSERT_TRUE(client.SendRaw(
      "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /ts/v1/query HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nshow tables"
      "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto a = client.Read();
  auto b = client.Read();
  auto c = client.Read();
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->body, "OK");
  EXPECT_EQ(b->body, R"({"columns":["Table","Status"],"rows":[]})");
  EXPECT_EQ(c->status, 404);
}

TEST_F(HttpServerTest, ExpectContinue) {
  CreateBob();
  TestClient client(port());
  std::string body = R"({"a":"e","b":"dzE=","c":1})";
  ASSERT_TRUE(client.SendRaw("POST " + kKeys + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                             "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n"));
  // The interim response arrives before the body is sent.
  auto interim = client.ReadHead();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << *interim;
  ASSERT_TRUE(client.SendRaw(body));
  auto r = client.Read();  // skips the 100 Continue
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"success":true})");
}

TEST_F(HttpServerTest, ChunkedRequestBody) {
  TestClient client(port());
  ASSERT_TRUE(client.SendRaw("POST /ts/v1/query HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "5\r\nshow \r\n6\r\ntables\r\n0\r\n\r\n"));
  auto r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, R"({"columns":["Table","Status"],"rows":[]})");
}

TEST_F(HttpServerTest, HeadGetsHeadersOnly) {
  TestClient client(port());
  auto head = client.Request("HEAD", "/ping");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 405);
  // No body bytes: the next response on the connection parses cleanly.
  auto ping = client.Request("GET", "/ping");
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->body, "OK");
}

TEST_F(HttpServerTest, MalformedRequestGets400AndClose) {
  TestClient client(port());
  ASSERT_TRUE(client.SendRaw("GARBAGE\r\n\r\n"));
  auto r = client.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(client.PeerClosed());
}

class HttpServerLimitTest : public HttpServerTest {
 protected:
  void SetUp() override {
    HttpServerOptions options = DefaultOptions();
    options.max_body_bytes = 1024;
    options.idle_timeout_seconds = 1;
    Start(options);
  }
};

TEST_F(HttpServerLimitTest, BodyOverLimitGets413) {
  // Declared length over the limit: refused from the header alone.
  {
    TestClient client(port());
    auto r = client.Request("POST", "/ts/v1/query", std::string(4096, ' '));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(r->header("content-type"), kText);
    EXPECT_TRUE(client.PeerClosed());
  }
  // Chunked body that grows past the limit.
  {
    TestClient client(port());
    std::string chunk(600, 'x');
    ASSERT_TRUE(client.SendRaw("POST /ts/v1/query HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "258\r\n" + chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n"));
    auto r = client.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  // Exactly at the limit is fine.
  {
    TestClient client(port());
    auto r = client.Request("POST", "/ts/v1/query", "show tables" + std::string(1024 - 11, ' '));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
}

TEST_F(HttpServerLimitTest, IdleConnectionsAreClosed) {
  TestClient client(port(), 5000);
  ASSERT_TRUE(client.Request("GET", "/ping"));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.PeerClosed());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST_F(HttpServerTest, ListKeysStreamsOneChunkPerBatch) {
  CreateBob();
  // Enough keys for several service batches.
  constexpr int kRows = 3000;
  for (int start = 1; start <= kRows; start += 500) {
    std::string body = "[";
    for (int i = start; i < start + 500; ++i) {
      if (i > start) body += ",";
      body += R"({"a":"s p","b":"dzE=","c":)" + std::to_string(i) + "}";
    }
    body += "]";
    ASSERT_EQ(Call("POST", kKeys, body).status, 200);
  }
  TestClient client(port());
  auto r = client.Request("GET", "/ts/v1/tables/bob/list_keys");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->chunked);
  EXPECT_GE(r->chunks.size(), 1u);
  size_t lines = 0;
  for (char c : r->body) lines += c == '\n';
  EXPECT_EQ(lines, static_cast<size_t>(kRows));
  EXPECT_NE(r->body.find("/keys/a/s%20p/b/dzE%3D/c/3000\n"), std::string::npos);
  // The connection is reusable after a streamed response.
  auto ping = client.Request("GET", "/ping");
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->body, "OK");
}

TEST_F(HttpServerTest, ManyConcurrentClients) {
  CreateBob();
  constexpr int kClients = 32;
  constexpr int kRequests = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      TestClient client(port());
      for (int i = 1; i <= kRequests; ++i) {
        std::string a = "c" + std::to_string(t);
        auto put = client.Request("POST", kKeys,
                                  R"({"a":")" + a + R"(","b":"dzE=","c":)" + std::to_string(i) + "}");
        auto get = client.Request("GET", kKeys + "/a/" + a + "/b/dzE=/c/" + std::to_string(i));
        if (!put || put->status != 200 || !get || get->status != 200) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(HttpServerTest, StartFailsOnAPortInUse) {
  HttpServerOptions options = DefaultOptions();
  options.port = port();
  HttpServer second(*service_, options);
  Status st = second.Start();
  EXPECT_EQ(st.code(), ErrorCode::kIoError);
  EXPECT_NE(st.message().find("127.0.0.1:" + std::to_string(port())), std::string::npos)
      << st.message();
  second.Stop();  // never started: a no-op
  EXPECT_EQ(Call("GET", "/ping").body, "OK");
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsAndReturns) {
  TestClient idle(port());
  ASSERT_TRUE(idle.Request("GET", "/ping"));
  TestClient never_spoke(port());
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(idle.PeerClosed());
  EXPECT_TRUE(never_spoke.PeerClosed());
  // Stop is idempotent, and new connections are refused.
  server_->Stop();
  TestClient late(port());
  EXPECT_FALSE(late.connected() && late.Request("GET", "/ping").has_value());
}

TEST_F(HttpServerTest, StopFinishesInFlightRequest) {
  CreateBob();
  // A request whose body is still arriving when Stop() begins is finished and answered.
  TestClient client(port());
  std::string body = R"({"a":"late","b":"dzE=","c":1})";
  ASSERT_TRUE(client.SendRaw("POST " + kKeys + " HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::thread stopper([&] { server_->Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(client.SendRaw(body.substr(5)));
  auto r = client.Read();
  stopper.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  auto got = service_->Get("bob", Row{Value::Bytes("late"), Value::Bytes("w1"), Value::Int(1)});
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->has_value());
}

}  // namespace
}  // namespace quanta::http::testing
