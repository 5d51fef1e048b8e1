// Resource bounds on the PB port (issue 9): socket deadlines, admission before the worker pool,
// memory charged for frames, decoding and replies, and given back.
//
// Clients that never read are raw sockets with a small receive buffer, so the server's output
// backs up quickly. Waits are bounded polls; the bounds are generous and only there so that a
// regression fails instead of hanging.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/coding.h"
#include "hex.h"
#include "server_fixture.h"
#include "service/stats.h"
#include "wire/ttb/ttb_messages.h"

namespace quanta::wire::testing {
namespace {

using Clock = std::chrono::steady_clock;
namespace code = pb::code;

// A client socket that sends and never reads.
class DeafClient {
 public:
  DeafClient(uint16_t port, int rcvbuf) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(fd_, 0);
    if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  }
  ~DeafClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  bool SendFrame(uint8_t c, std::string_view payload) { return Send(pb::EncodeFrame(c, payload)); }

 private:
  int fd_ = -1;
};

// Polls `pred` every 20 ms for at most `limit`; true once it holds.
template <typename Pred>
bool WaitFor(Pred pred, std::chrono::seconds limit) {
  auto end = Clock::now() + limit;
  while (Clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

std::string QueryReq(const std::string& sql) {
  pb::TsQueryReq q;
  q.query = pb::TsInterpolation{sql, {}};
  return pb::Encode(q);
}

class LimitsTest : public ServerTest {
 protected:
  int64_t Connections() { return service_->stats().pb_connections.load(); }
  int64_t MemoryUsed() { return service_->memory().used(); }

  // Rows (k, ts, v) in table `table` (k VARCHAR, ts TIMESTAMP, v VARCHAR or DOUBLE).
  void PutRows(const std::string& table, size_t n, const std::function<Row(size_t)>& row,
               size_t batch) {
    auto c = Connect();
    ASSERT_NE(c, nullptr);
    std::vector<Row> rows;
    for (size_t i = 0; i < n; ++i) {
      rows.push_back(row(i));
      if (rows.size() == batch || i + 1 == n) {
        Status st = c->Put(table, rows);
        ASSERT_TRUE(st.ok()) << st.ToString();
        rows.clear();
      }
    }
  }

  pb::PbServerOptions Options() {
    pb::PbServerOptions o;
    o.threads = 2;
    return o;
  }
};

// A client that sends a SELECT with a large reply and never reads is dropped after the write
// timeout, and the reply's memory goes back to the account.
TEST_F(LimitsTest, NonReadingClientIsDroppedAfterWriteTimeoutAndMemoryReturns) {
  Exec("CREATE TABLE big (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v VARCHAR, "
       "PRIMARY KEY ((k, QUANTUM(ts, 15, 'm')), k, ts))");
  const std::string payload(400 << 10, 'x');
  PutRows("big", 40, [&](size_t i) {
    return Row{Value::Bytes("a"), Value::Int(kTs + static_cast<int64_t>(i)), Value::Bytes(payload)};
  }, 4);
  auto o = Options();
  o.write_timeout_seconds = 1;
  StartServer(o);
  ASSERT_TRUE(WaitFor([&] { return Connections() == 0; }, std::chrono::seconds(10)));
  const int64_t baseline = MemoryUsed();

  DeafClient deaf(port_, 4096);
  ASSERT_TRUE(deaf.SendFrame(code::kTsQueryReq,
                             QueryReq("SELECT * FROM big WHERE k = 'a' AND ts >= " +
                                      std::to_string(kTs) + " AND ts < " +
                                      std::to_string(kTs + 100000))));
  // The ~16 MB reply is charged while it waits for the client...
  EXPECT_TRUE(WaitFor([&] { return MemoryUsed() > baseline + (8 << 20); },
                      std::chrono::seconds(20)));
  // ...and the connection is dropped after the write timeout, giving the charge back.
  EXPECT_TRUE(WaitFor([&] { return Connections() == 0 && MemoryUsed() == baseline; },
                      std::chrono::seconds(20)))
      << "connections " << Connections() << ", memory used " << MemoryUsed() << " (baseline "
      << baseline << ")";
  // Other clients were never affected.
  auto c = Connect();
  EXPECT_TRUE(c->Ping().ok());
}

// A frame whose bytes trickle in is cut after the read timeout even though bytes keep coming
// (each would reset an idle timer).
TEST_F(LimitsTest, TrickledFrameIsCutAfterReadTimeout) {
  auto o = Options();
  o.read_timeout_seconds = 1;
  StartServer(o);
  auto c = Connect();
  ASSERT_TRUE(c->SendRaw(FromHex("00 00 00 20 5A")).ok());
  bool cut = false;
  for (int i = 0; i < 50 && !cut; ++i) {  // at most 10 s of trickling
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cut = !c->SendRaw("\x0a").ok() || Connections() == 0;
  }
  EXPECT_TRUE(cut || c->WaitForClose(5000));
  EXPECT_TRUE(WaitFor([&] { return Connections() == 0; }, std::chrono::seconds(5)));
  // A whole frame that arrives in time is served as usual.
  auto d = Connect();
  EXPECT_TRUE(d->Ping().ok());
}

// Admission happens before the worker pool: with one running query and a queue of two, a burst
// of 40 SELECTs gets immediate 1001 overloads for the rest, and every request is answered.
TEST_F(LimitsTest, BurstOfSelectsGetsOverloadsNotAPoolQueue) {
  service::ServiceOptions so;
  so.max_concurrent_queries = 1;
  so.query_queue_length = 2;
  RestartService(so, Options());
  CreateT1();
  PutRows("t1", 100000, [](size_t i) {
    return Row{Value::Bytes("a"), Value::Int(kTs + static_cast<int64_t>(i)), Value::Double(1.0)};
  }, 5000);
  const std::string q = QueryReq("SELECT COUNT(*) FROM t1 WHERE k = 'a' AND ts >= " +
                                 std::to_string(kTs) + " AND ts < " +
                                 std::to_string(kTs + 900000));
  constexpr int kClients = 40;
  std::vector<std::unique_ptr<pb::PbClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(Connect());
    ASSERT_NE(clients.back(), nullptr);
  }
  for (auto& c : clients) ASSERT_TRUE(c->SendFrame(code::kTsQueryReq, q).ok());
  int answered = 0, overloads = 0, other = 0;
  for (auto& c : clients) {
    auto f = c->ReadFrame();
    ASSERT_TRUE(f.ok()) << f.error().ToString();
    if (f->code == code::kTsQueryResp) {
      ++answered;
    } else if (f->code == code::kErrorResp && ErrorOf(*f).errcode == 1001) {
      EXPECT_EQ(ErrorOf(*f).errmsg, "overload");
      ++overloads;
    } else {
      ++other;
    }
  }
  EXPECT_EQ(answered + overloads, kClients) << other << " other replies";
  EXPECT_GE(answered, 1);
  EXPECT_GE(overloads, 1);
  EXPECT_EQ(service_->gate().overloads(), static_cast<uint64_t>(overloads));
  // The same holds over TTB.
  auto t = Connect(/*use_ttb=*/true);
  auto r = t->Query("SELECT COUNT(*) FROM t1 WHERE k = 'a' AND ts >= " + std::to_string(kTs) +
                    " AND ts < " + std::to_string(kTs + 900000));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0][0], Value::Int(100000));
}

// Clients that ask for list_keys and never read hold at most their share of workers: a SELECT,
// a put and a get on other connections are answered, and the stalled streams are dropped after
// the write timeout with their memory given back.
TEST_F(LimitsTest, NonReadingListKeysClientsDoNotBlockOthers) {
  auto o = Options();
  o.write_timeout_seconds = 2;
  StartServer(o);
  CreateT1();
  const std::string pad(250, 'k');
  PutRows("t1", 60000, [&](size_t i) {
    return Row{Value::Bytes(pad + std::to_string(i)), Value::Int(kTs), Value::Double(1.0)};
  }, 2000);
  ASSERT_TRUE(WaitFor([&] { return Connections() == 0; }, std::chrono::seconds(10)));
  const int64_t baseline = MemoryUsed();
  std::vector<std::unique_ptr<DeafClient>> deaf;
  for (int i = 0; i < 8; ++i) {
    deaf.push_back(std::make_unique<DeafClient>(port_, 4096));
    ASSERT_TRUE(deaf.back()->SendFrame(code::kTsListKeysReq,
                                       pb::Encode(pb::TsListKeysReq{"t1", std::nullopt})));
  }
  // Streams back up against the clients (their queued output is charged to the account).
  EXPECT_TRUE(WaitFor([&] { return MemoryUsed() > baseline + (4 << 20); },
                      std::chrono::seconds(10)));
  auto c = Connect();
  auto r = c->Query(kT1Select);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->rows.size(), 0u);
  ASSERT_TRUE(c->Put("t1", {{Value::Bytes("a"), Value::Int(kTs), Value::Double(2.5)}}).ok());
  auto g = c->Get("t1", {Value::Bytes("a"), Value::Int(kTs)});
  ASSERT_TRUE(g.ok()) << g.error().ToString();
  EXPECT_EQ(g->rows.size(), 1u);
  c.reset();
  // The stalled streams are dropped and what they held goes back; the clients that got an
  // overload reply (list_keys.max_concurrent is 4) are merely idle and stay connected.
  EXPECT_TRUE(WaitFor([&] { return Connections() == 4 && MemoryUsed() < baseline + (1 << 20); },
                      std::chrono::seconds(30)))
      << "connections " << Connections() << ", memory used " << MemoryUsed() << " (baseline "
      << baseline << ")";
  deaf.clear();
  EXPECT_TRUE(WaitFor([&] { return Connections() == 0 && MemoryUsed() == baseline; },
                      std::chrono::seconds(10)))
      << "connections " << Connections() << ", memory used " << MemoryUsed();
}

// The buffer of a large frame is charged while the frame arrives and given back once the
// connection idles; the connection stays usable.
TEST_F(LimitsTest, LargeFrameBufferIsChargedThenGivenBackWhenIdle) {
  auto c = Connect();
  ASSERT_TRUE(c->Ping().ok());
  const int64_t baseline = MemoryUsed();
  auto e = ErrorOf(MustCall(*c, 42, std::string(8 << 20, 'x')));
  EXPECT_EQ(e.errmsg, "Unknown message code: 42");
  EXPECT_GE(service_->memory().peak(), baseline + (8 << 20));
  EXPECT_TRUE(WaitFor([&] { return MemoryUsed() < baseline + (1 << 20); },
                      std::chrono::seconds(10)))
      << "memory used " << MemoryUsed() << " (baseline " << baseline << ")";
  EXPECT_TRUE(c->Ping().ok());
}

std::string EmptyRowsPut(size_t rows) {
  std::string p = FromHex("0A 02 74 31");  // table "t1"
  p.reserve(p.size() + 2 * rows);
  for (size_t i = 0; i < rows; ++i) p += std::string("\x1a\x00", 2);
  return p;
}

// A put of millions of empty rows is refused with a short 1003 and without building them.
TEST_F(LimitsTest, PutOfManyEmptyRowsIsRefusedWithBoundedMemory) {
  CreateT1();
  constexpr size_t kRows = 2'000'000;
  const std::string payload = EmptyRowsPut(kRows);
  auto c = Connect();
  auto e = ErrorOf(MustCall(*c, code::kTsPutReq, payload));
  EXPECT_EQ(e.errcode, 1003u);
  EXPECT_LT(e.errmsg.size(), 1000u);
  EXPECT_EQ(e.errmsg.rfind("Invalid data found at row index(es) 1, 2, 3, ", 0), 0u) << e.errmsg;
  EXPECT_NE(e.errmsg.find("100 and 1999900 more"), std::string::npos) << e.errmsg;
  // The frame buffer is the only thing of size: nothing was materialised per row.
  EXPECT_LE(service_->memory().peak(), static_cast<int64_t>(2 * payload.size()))
      << "peak " << service_->memory().peak() << " for a frame of " << payload.size();
  EXPECT_TRUE(c->Ping().ok());

  // The same over TTB: {tsputreq, <<"t1">>, [], [{}, {}, ...]}.
  constexpr size_t kTtbRows = 1'000'000;
  std::string ttb = FromHex("83 68 04 64 00 08") + "tsputreq" + FromHex("6D 00 00 00 02") + "t1" +
                    FromHex("6A 6C");
  coding::PutFixed32BE(&ttb, kTtbRows);
  for (size_t i = 0; i < kTtbRows; ++i) ttb += std::string("\x68\x00", 2);
  ttb += FromHex("6A");
  auto f = MustCall(*c, code::kTsTtbMsg, ttb);
  ASSERT_EQ(f.code, code::kTsTtbMsg);
  auto resp = ttb::DecodeTtbResponse(f.payload);
  ASSERT_TRUE(resp.ok()) << resp.error().ToString();
  EXPECT_EQ(resp->errcode, 1003);
  EXPECT_NE(resp->errmsg.find("100 and 999900 more"), std::string::npos) << resp->errmsg;
  EXPECT_LE(service_->memory().peak(), static_cast<int64_t>(2 * payload.size()));
}

// Valid rows are charged as they are decoded: past the request's memory limit the put is
// refused with 1001 instead of being built.
TEST_F(LimitsTest, PutBeyondTheRequestMemoryLimitIsRefused) {
  service::ServiceOptions so;
  so.request_memory_limit_bytes = 1 << 20;
  RestartService(so, Options());
  CreateT1();
  std::vector<Row> rows;
  for (int i = 0; i < 20000; ++i) {
    rows.push_back({Value::Bytes("a"), Value::Int(kTs + i), Value::Double(1.0)});
  }
  auto c = Connect();
  Status st = c->Put("t1", rows);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.riak_code(), 1001) << st.ToString();
  EXPECT_NE(st.message().find("decoding the rows"), std::string::npos) << st.ToString();
  rows.resize(100);
  EXPECT_TRUE(c->Put("t1", rows).ok());
}

}  // namespace
}  // namespace quanta::wire::testing
