// Framing and session behaviour (checklist items 1-9, 35, 37 and the non-TS requests of
// spec wire_protocol.md section 12).
#include <regex>
#include <thread>

#include "hex.h"
#include "server_fixture.h"
#include "service/stats.h"

namespace quanta::wire::testing {
namespace {

using pb::PbFrame;
namespace code = pb::code;

// Item 1: frames split over many writes and several frames in one write.
TEST_F(ServerTest, Item01_SplitAndCoalescedFrames) {
  auto c = Connect();
  std::string ping = FromHex("00 00 00 01 01");
  for (char b : ping) {
    ASSERT_TRUE(c->SendRaw(std::string(1, b)).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto f = c->ReadFrame();
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->code, code::kPingResp);

  ASSERT_TRUE(c->SendRaw(ping + FromHex("00 00 00 01 07") + ping).ok());
  std::vector<uint8_t> codes;
  for (int i = 0; i < 3; ++i) {
    auto r = c->ReadFrame();
    ASSERT_TRUE(r.ok());
    codes.push_back(r->code);
  }
  EXPECT_EQ(codes, (std::vector<uint8_t>{code::kPingResp, code::kGetServerInfoResp,
                                         code::kPingResp}));
}

// Item 2: a bodiless response is exactly 00 00 00 01 <code> (the length prefix counts only the
// code byte, so ReadFrame returns an empty payload).
TEST_F(ServerTest, Item02_BodilessFrameBytes) {
  auto c = Connect();
  ASSERT_TRUE(c->SendRaw(FromHex("00 00 00 01 01")).ok());
  auto f = c->ReadFrame();
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(ToHex(pb::EncodeFrame(f->code, f->payload)), "00 00 00 01 02");
}

// Item 3: nothing is sent before a request; pipelined requests are answered in order.
TEST_F(ServerTest, Item03_NoGreetingAndInOrderReplies) {
  auto c = Connect();
  EXPECT_FALSE(c->WaitForClose(300));  // no data and no close within 300 ms
  CreateT1();
  pb::TsQueryReq q;
  q.query = pb::TsInterpolation{kT1Select, {}};
  std::string batch = pb::EncodeFrame(code::kTsQueryReq, pb::Encode(q)) +
                      pb::EncodeFrame(code::kPingReq, "") +
                      pb::EncodeFrame(42, "") +
                      pb::EncodeFrame(code::kGetServerInfoReq, "");
  ASSERT_TRUE(c->SendRaw(batch).ok());
  std::vector<uint8_t> codes;
  for (int i = 0; i < 4; ++i) {
    auto r = c->ReadFrame();
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    codes.push_back(r->code);
  }
  EXPECT_EQ(codes, (std::vector<uint8_t>{code::kTsQueryResp, code::kPingResp, code::kErrorResp,
                                         code::kGetServerInfoResp}));
}

// Item 4: many concurrent connections.
TEST_F(ServerTest, Item04_ManyConcurrentConnections) {
  CreateT1();
  constexpr int kClients = 24;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      pb::PbClientOptions o;
      o.use_ttb = (i % 2) == 1;
      auto c = pb::PbClient::Connect("127.0.0.1", port_, o);
      if (!c.ok()) return;
      auto& cl = **c;
      std::string k = "key" + std::to_string(i);
      bool good = cl.Ping().ok();
      for (int j = 0; j < 10 && good; ++j) {
        Row row{Value::Bytes(k), Value::Int(kTs + j), Value::Double(j * 0.5)};
        good = cl.Put("t1", {row}).ok();
        auto g = cl.Get("t1", {Value::Bytes(k), Value::Int(kTs + j)});
        good = good && g.ok() && g->rows.size() == 1 && g->rows[0] == row;
      }
      if (good) ok.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kClients);
}

// Items 5 and 6: unknown code -> code-0 error with errmsg and errcode 0; connection stays open.
TEST_F(ServerTest, Item05_06_UnknownCodeKeepsConnection) {
  auto c = Connect();
  PbFrame f = MustCall(*c, 42, "");
  ASSERT_EQ(f.code, code::kErrorResp);
  EXPECT_EQ(ToHex(f.payload), ToHex(pb::Encode(pb::RpbErrorResp{"Unknown message code: 42", 0})));
  EXPECT_EQ(ToHex(f.payload.substr(f.payload.size() - 2)), "10 00");  // errcode 0 is present
  // Codes of KV services Quanta does not implement are unknown too.
  EXPECT_EQ(ErrorOf(MustCall(*c, 11, "")).errmsg, "Unknown message code: 11");
  EXPECT_TRUE(c->Ping().ok());
}

// Item 7: ping on a fresh connection.
TEST_F(ServerTest, Item07_PingOnFreshConnection) {
  for (int i = 0; i < 5; ++i) {
    auto c = Connect();
    PbFrame f = MustCall(*c, code::kPingReq, "");
    EXPECT_EQ(f.code, code::kPingResp);
    EXPECT_EQ(f.payload, "");
  }
}

// Item 8: server info: node and a three-integer server_version >= 2.1.0.
TEST_F(ServerTest, Item08_ServerInfo) {
  auto c = Connect();
  auto info = c->ServerInfo();
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(info->node.has_value());
  EXPECT_FALSE(info->node->empty());
  ASSERT_TRUE(info->server_version.has_value());
  std::smatch m;
  std::regex re(R"(^(\d+)\.(\d+)\.(\d+)$)");
  ASSERT_TRUE(std::regex_match(*info->server_version, m, re)) << *info->server_version;
  int major = std::stoi(m[1]), minor = std::stoi(m[2]);
  EXPECT_TRUE(major > 2 || (major == 2 && minor >= 1)) << *info->server_version;
}

// Item 9: server info immediately before a PB TS request (Python).
TEST_F(ServerTest, Item09_ServerInfoThenTsRequest) {
  CreateT1();
  auto c = Connect();
  pb::TsGetReq g{"t1", {pb::TsCell::Varchar("a"), pb::TsCell::Timestamp(kTs)}, std::nullopt};
  ASSERT_TRUE(c->SendRaw(pb::EncodeFrame(code::kGetServerInfoReq, "") +
                         pb::EncodeFrame(code::kTsGetReq, pb::Encode(g)))
                  .ok());
  auto a = c->ReadFrame();
  auto b = c->ReadFrame();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->code, code::kGetServerInfoResp);
  EXPECT_EQ(b->code, code::kTsGetResp);
  EXPECT_EQ(b->payload, "");
}

// Item 35: errors are cheap and deterministic under client retries.
TEST_F(ServerTest, Item35_RetriedErrorsAreIdentical) {
  CreateT1();
  auto c = Connect();
  pb::TsGetReq g{"t1", {pb::TsCell::Varchar("a")}, std::nullopt};  // wrong key length
  std::string first;
  for (int i = 0; i < 3; ++i) {
    PbFrame f = MustCall(*c, code::kTsGetReq, pb::Encode(g));
    ASSERT_EQ(f.code, code::kErrorResp);
    if (i == 0) first = f.payload;
    EXPECT_EQ(f.payload, first);
  }
  auto e = ErrorOf(MustCall(*c, code::kTsGetReq, pb::Encode(g)));
  EXPECT_EQ(e.errcode, 1011u);
  EXPECT_EQ(e.errmsg, "Key element count mismatch (key has 2 elements but 1 supplied)");
  // A retried put is idempotent.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c->Put("t1", {{Value::Bytes("a"), Value::Int(kTs), Value::Double(1.5)}}).ok());
  }
  auto keys = c->ListKeys("t1");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 1u);
}

// Item 37: STARTTLS without security -> error, connection usable.
TEST_F(ServerTest, Item37_StartTlsRefused) {
  auto c = Connect();
  auto e = ErrorOf(MustCall(*c, code::kStartTls, ""));
  EXPECT_EQ(e.errmsg, "Security not enabled; STARTTLS not allowed.");
  EXPECT_EQ(e.errcode, 0u);
  EXPECT_TRUE(c->Ping().ok());
  EXPECT_TRUE(c->ServerInfo().ok());
}

TEST_F(ServerTest, ClientIdGetAndSet) {
  auto c = Connect();
  auto id = c->GetClientId();
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->size(), 4u);
  ASSERT_TRUE(c->SetClientId("my-client").ok());
  auto id2 = c->GetClientId();
  ASSERT_TRUE(id2.ok());
  EXPECT_EQ(*id2, "my-client");
  // Another connection has its own id.
  auto other = Connect();
  auto id3 = other->GetClientId();
  ASSERT_TRUE(id3.ok());
  EXPECT_NE(*id3, "my-client");
}

// Section 12 / 4.5: the KV get probe of the Python test set-up and bucket-type probes.
TEST_F(ServerTest, KvProbes) {
  CreateT1();
  auto c = Connect();
  PbFrame f = MustCall(*c, code::kGetReq, pb::Encode(pb::RpbGetReq{"t1", "test-key", "t1"}));
  EXPECT_EQ(f.code, code::kGetResp);
  EXPECT_EQ(f.payload, "");

  f = MustCall(*c, code::kGetBucketTypeReq, pb::EncodeGetBucketTypeReq({"", "t1"}));
  ASSERT_EQ(f.code, code::kGetBucketResp);
  pb::RpbGetBucketResp props;
  ASSERT_TRUE(pb::Decode(f.payload, &props).ok());
  EXPECT_EQ(props.props.n_val, 3u);
  EXPECT_FALSE(props.props.allow_mult.value_or(true));

  f = MustCall(*c, code::kGetBucketReq, pb::EncodeGetBucketReq({"t1", "t1"}));
  EXPECT_EQ(f.code, code::kGetBucketResp);

  auto e = ErrorOf(MustCall(*c, code::kGetBucketTypeReq, pb::EncodeGetBucketTypeReq({"", "nope"})));
  EXPECT_EQ(e.errcode, 0u);
  EXPECT_FALSE(e.errmsg.empty());
  EXPECT_TRUE(c->Ping().ok());
}

TEST_F(ServerTest, ConnectionsAreCounted) {
  auto& stats = service_->stats();
  int64_t before = stats.pb_connections.load();
  {
    auto a = Connect();
    auto b = Connect();
    ASSERT_TRUE(a->Ping().ok());
    ASSERT_TRUE(b->Ping().ok());
    EXPECT_EQ(stats.pb_connections.load(), before + 2);
  }
  for (int i = 0; i < 100 && stats.pb_connections.load() != before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(stats.pb_connections.load(), before);
}

}  // namespace
}  // namespace quanta::wire::testing
