// Resource bounds of the HTTP server (issue 9): request deadlines, write deadlines, list_keys
// streams that cannot take every worker, query admission before the worker pool, and put bodies
// decoded within the memory account.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "server_test_fixture.h"
#include "service/query_gate.h"

namespace quanta::http::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Waits (bounded) until `done` holds; returns whether it did.
template <typename Pred>
bool WaitFor(Pred done, std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
  auto until = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

class HttpDeadlineTest : public HttpServerTest {
 protected:
  void SetUp() override {
    HttpServerOptions options = DefaultOptions();
    options.request_timeout_seconds = 1;
    Start(options);
  }
};

// A request line and headers trickled a byte at a time: the request timeout counts from the
// first byte, so the connection is cut after it although bytes keep arriving.
TEST_F(HttpDeadlineTest, TrickledHeadersAreCutAfterTheRequestTimeout) {
  TestClient client(port(), 5000);
  ASSERT_TRUE(client.connected());
  const std::string request = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: abcdefghijklmnop\r\n\r\n";
  // 250 ms a byte: the whole request would take about 17 s.
  size_t sent = 0;
  for (; sent < request.size(); ++sent) {
    if (!client.SendRaw(request.substr(sent, 1))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_LT(sent, request.size()) << "the server never cut the trickled request";
  EXPECT_TRUE(client.PeerClosed());
  // The server still serves others.
  EXPECT_EQ(Call("GET", "/ping").body, "OK");
}

// Waiting for a request's first byte is the idle timeout, not the request timeout.
TEST_F(HttpDeadlineTest, AnIdleConnectionOutlivesTheRequestTimeout) {
  TestClient client(port(), 5000);
  ASSERT_TRUE(client.Request("GET", "/ping"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  auto again = client.Request("GET", "/ping");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "OK");
}

class HttpWriteTimeoutTest : public HttpServerTest {
 protected:
  void SetUp() override {
    HttpServerOptions options = DefaultOptions();
    options.write_timeout_seconds = 4;
    options.worker_threads = 8;
    Start(options);
  }
};

// 16 clients ask for list_keys and never read. At most 4 streams run (the rest get 503), they
// cannot take every worker, a query on another connection answers meanwhile, and the streams
// are dropped after the write timeout.
TEST_F(HttpWriteTimeoutTest, NeverReadingListKeysClientsAreDropped) {
  CreateBob();
  // About 20 MB of key URLs: more than the socket buffers hold.
  constexpr int kRows = 300000;
  for (int start = 1; start <= kRows; start += 10000) {
    std::vector<Row> rows;
    for (int i = start; i < start + 10000; ++i) {
      rows.push_back(Row{Value::Bytes("k"), Value::Bytes("w1"), Value::Int(i), Value::Int(i)});
    }
    ASSERT_TRUE(service_->Put("bob", std::move(rows)).ok());
  }

  constexpr int kClients = 16;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<TestClient>(port(), 15000));
    ASSERT_TRUE(clients.back()->Send("GET", "/ts/v1/tables/bob/list_keys"));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  // Answered while the streams are blocked (the client gives up before the write timeout).
  {
    TestClient other(port(), 3000);
    auto r = other.Request("POST", "/ts/v1/query",
                           "select c from bob where a = 'k' and b = 0x7731 and c >= 1 and c <= 3");
    ASSERT_TRUE(r) << "no answer while list_keys clients hold their streams";
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"columns":["c"],"rows":[[1],[2],[3]]})");
    auto get = other.Request("GET", "/ts/v1/tables/bob/keys/a/k/b/dzE=/c/7");
    ASSERT_TRUE(get);
    EXPECT_EQ(get->status, 200);
  }

  // Reading now would let the streams go on: first wait until they were cut.
  std::this_thread::sleep_for(std::chrono::milliseconds(5500));
  int streams = 0, overloads = 0;
  for (auto& client : clients) {
    auto head = client->ReadHead();
    ASSERT_TRUE(head);
    if (head->rfind("HTTP/1.1 200", 0) == 0) {
      ++streams;
      // Dropped after the write timeout: what the kernel buffered, then end of stream.
      EXPECT_TRUE(client->DrainUntilClosed());
    } else {
      EXPECT_EQ(head->rfind("HTTP/1.1 503", 0), 0u) << *head;
      ++overloads;
    }
  }
  EXPECT_EQ(streams, 4);
  EXPECT_EQ(overloads, kClients - 4);
  EXPECT_EQ(Call("GET", "/ping").body, "OK");
}

class HttpAdmissionTest : public HttpServerTest {
 protected:
  void SetUp() override {
    service::ServiceOptions service_options;
    service_options.query_timeout_ms = 60000;
    Start(DefaultOptions(), service_options);
  }
  // Takes every running slot of the query gate (3 by default).
  void HoldAllSlots() {
    for (int i = 0; i < service_->options().max_concurrent_queries; ++i) {
      auto slot = service_->gate().Admit(Clock::now() + std::chrono::seconds(60));
      ASSERT_TRUE(slot.ok());
      held_.push_back(std::move(slot).value());
    }
  }
  std::vector<service::QuerySlot> held_;
};

// Queries wait for admission outside the worker pool: with every slot busy, 15 queued queries
// (more than the 8 workers) leave the pool free, the 16th is refused at once, and the queued ones
// run once slots free up.
TEST_F(HttpAdmissionTest, QueriesBeyondRunningPlusQueueGet503Overload) {
  HoldAllSlots();
  const int queue = service_->options().query_queue_length;
  std::vector<std::unique_ptr<TestClient>> waiting;
  for (int i = 0; i < queue; ++i) {
    waiting.push_back(std::make_unique<TestClient>(port(), 15000));
    ASSERT_TRUE(waiting.back()->Send("POST", "/ts/v1/query", "show tables"));
  }
  ASSERT_TRUE(WaitFor([&] { return service_->gate().waiting() == queue; }));

  ExpectResponse(Query("show tables"), 503, kText, "Query worker overload");
  // Other requests still find workers.
  EXPECT_EQ(Call("GET", "/ping").body, "OK");
  EXPECT_EQ(Call("GET", "/ts/v1/tables/nope/keys/a/1").status, 404);

  held_.clear();
  for (auto& client : waiting) {
    auto r = client->Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"columns":["Table","Status"],"rows":[]})");
  }
}

class HttpQueueTimeoutTest : public HttpAdmissionTest {
 protected:
  void SetUp() override {
    service::ServiceOptions service_options;
    service_options.query_timeout_ms = 500;
    Start(DefaultOptions(), service_options);
  }
};

TEST_F(HttpQueueTimeoutTest, AQueryThatGetsNoSlotInTimeGets503) {
  HoldAllSlots();
  ExpectResponse(Query("show tables"), 503, kText, "Query worker timeout");
  held_.clear();
  EXPECT_EQ(Query("show tables").status, 200);
}

// A 22-column table: every row decoded eagerly would take about 1 KiB.
void CreateWide(HttpServerTest& test, const std::function<ClientResponse(const std::string&)>& query) {
  std::string ddl = "create table wide (k varchar not null, t timestamp not null";
  for (int i = 1; i <= 20; ++i) ddl += ", c" + std::to_string(i) + " sint64";
  ddl += ", primary key ((k, quantum(t, 1, d)), k, t))";
  ClientResponse r = query(ddl);
  EXPECT_EQ(r.status, 200) << r.body;
  (void)test;
}

std::string EmptyObjects(size_t n) {
  std::string body = "[";
  body.reserve(n * 3 + 2);
  for (size_t i = 0; i < n; ++i) body += i ? ",{}" : "{}";
  body += "]";
  return body;
}

TEST_F(HttpServerTest, PutOfManyEmptyObjectsIsRefusedWithinTheMemoryBudget) {
  CreateWide(*this, [this](const std::string& sql) { return Query(sql); });
  const std::string body = EmptyObjects(500000);
  ExpectResponse(Call("POST", "/ts/v1/tables/wide/keys", body), 400, kText,
                 R"(Missing field "k" for key in table "wide")");
  MemoryAccount& account = service_->memory();
  EXPECT_GE(account.peak(), static_cast<int64_t>(body.size()));  // the body itself was counted
  EXPECT_LT(account.peak(), static_cast<int64_t>(3 * body.size()));
  EXPECT_TRUE(WaitFor([&] { return account.used() == 0; })) << account.used();
}

TEST_F(HttpServerTest, PutWithALateBadRowFreesTheDecodedRows) {
  CreateWide(*this, [this](const std::string& sql) { return Query(sql); });
  std::string body = "[";
  for (int i = 1; i <= 20000; ++i) {
    body += R"({"k":"x","t":)" + std::to_string(i) + R"(,"c1":1},)";
  }
  body += R"({"k":"x","t":0}])";
  ExpectResponse(Call("POST", "/ts/v1/tables/wide/keys", body), 400, kText,
                 R"(Bad value for field "t" of type timestamp in table "wide")");
  // A bad row followed by malformed JSON is still Invalid json.
  ExpectResponse(Call("POST", "/ts/v1/tables/wide/keys", R"([{},{"k":)"), 400, kText,
                 "Invalid json in body");
  EXPECT_TRUE(WaitFor([&] { return service_->memory().used() == 0; }));
  // Valid rows still go in, and the account is back to zero afterwards.
  ExpectResponse(Call("POST", "/ts/v1/tables/wide/keys", R"([{"k":"y","t":1},{"k":"y","t":2}])"),
                 200, kJson, R"({"success":true})");
  EXPECT_TRUE(WaitFor([&] { return service_->memory().used() == 0; }));
}

class HttpSmallMemoryTest : public HttpServerTest {
 protected:
  void SetUp() override {
    service::ServiceOptions service_options;
    service_options.memory_limit_bytes = 4 << 20;
    service_options.request_memory_limit_bytes = 2 << 20;
    Start(DefaultOptions(), service_options);
  }
};

// Over the request's memory cap: the body (declared or chunked) or the decoded rows -> 503.
TEST_F(HttpSmallMemoryTest, OverTheMemoryBudgetAnswers503) {
  CreateWide(*this, [this](const std::string& sql) { return Query(sql); });
  // Declared body over the request cap: refused from the header.
  ClientResponse big = Call("POST", "/ts/v1/tables/wide/keys", std::string(3 << 20, ' '));
  EXPECT_EQ(big.status, 503);
  EXPECT_NE(big.body.find("Not enough memory for the request body"), std::string::npos) << big.body;
  // Chunked body growing past it.
  {
    TestClient client(port());
    std::string chunk(1 << 20, ' ');
    std::string raw = "POST /ts/v1/query HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) raw += "100000\r\n" + chunk + "\r\n";
    raw += "0\r\n\r\n";
    client.SendRaw(raw);  // the server may stop reading part way
    auto r = client.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
  }
  // Valid rows whose decoded form passes the cap (1 MiB of text, ~1 KiB per decoded row).
  std::string body = "[";
  for (int i = 1; i <= 40000; ++i) {
    body += std::string(i > 1 ? "," : "") + R"({"k":"","t":)" + std::to_string(i) + "}";
  }
  body += "]";
  ClientResponse rows = Call("POST", "/ts/v1/tables/wide/keys", body);
  EXPECT_EQ(rows.status, 503);
  EXPECT_NE(rows.body.find("Not enough memory for decoding the request body"), std::string::npos)
      << rows.body;
  EXPECT_TRUE(WaitFor([&] { return service_->memory().used() == 0; }));
  EXPECT_EQ(Call("GET", "/ping").body, "OK");
}

// Many idle connections are held (each costs a socket and a small buffer, no thread).
TEST_F(HttpServerTest, HoldsAThousandIdleConnections) {
  constexpr int kIdle = 1000;
  std::vector<std::unique_ptr<TestClient>> idle;
  for (int i = 0; i < kIdle; ++i) {
    idle.push_back(std::make_unique<TestClient>(port()));
    ASSERT_TRUE(idle.back()->connected()) << i;
  }
  EXPECT_EQ(Call("GET", "/ping").body, "OK");
  // Every one of them still answers.
  for (int i = 0; i < kIdle; i += 50) {
    auto r = idle[i]->Request("GET", "/ping");
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "OK");
  }
}

}  // namespace
}  // namespace quanta::http::testing
