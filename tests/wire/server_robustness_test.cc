// Malformed input, limits, timeouts and shutdown (spec wire_protocol.md 1.1, 1.2).
#include <atomic>
#include <random>
#include <thread>

#include "hex.h"
#include "server_fixture.h"

namespace quanta::wire::testing {
namespace {

using pb::PbFrame;
namespace code = pb::code;

TEST_F(ServerTest, MalformedProtobufIsAProcessingErrorThenClose) {
  CreateT1();
  std::vector<std::pair<uint8_t, std::string>> bad = {
      {code::kTsQueryReq, FromHex("0A 05 0A")},                    // truncated
      {code::kTsPutReq, FromHex("0A 02 74 31 1A 06 0A 04 10 02 20 01")},  // two values in a cell
      {code::kTsGetReq, FromHex("12 03 0A 01 61")},                // no table
      {code::kTsListKeysReq, FromHex("0B 00")},                    // group wire type
      {code::kSetClientIdReq, ""},                                 // required client_id missing
  };
  for (auto& [c_, payload] : bad) {
    auto c = Connect();
    auto e = ErrorOf(MustCall(*c, c_, payload));
    EXPECT_EQ(e.errcode, 0u);
    EXPECT_EQ(e.errmsg.rfind("Error processing incoming message: ", 0), 0u) << e.errmsg;
    EXPECT_TRUE(c->WaitForClose(5000)) << int(c_);
  }
}

TEST_F(ServerTest, ZeroLengthFrameClosesWithoutReply) {
  auto c = Connect();
  ASSERT_TRUE(c->SendRaw(FromHex("00 00 00 00")).ok());
  auto f = c->ReadFrame();
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().message(), "connection closed by peer");
}

TEST_F(ServerTest, OversizedFrameGetsErrorThenClose) {
  pb::PbServerOptions o;
  o.threads = 2;
  o.max_frame_bytes = 1024;
  StartServer(o);
  auto c = Connect();
  ASSERT_TRUE(c->SendRaw(FromHex("7F FF FF FF 5A 0A")).ok());
  auto f = c->ReadFrame();
  ASSERT_TRUE(f.ok());
  auto e = ErrorOf(*f);
  EXPECT_EQ(e.errcode, 0u);
  EXPECT_NE(e.errmsg.find("too large"), std::string::npos) << e.errmsg;
  EXPECT_TRUE(c->WaitForClose(5000));
  // Exactly at the limit is fine (an unknown code, so it gets the usual error and stays open).
  auto ok = Connect();
  PbFrame r = MustCall(*ok, 42, std::string(1024, 'x'));
  EXPECT_EQ(ErrorOf(r).errmsg, "Unknown message code: 42");
  EXPECT_TRUE(ok->Ping().ok());
}

TEST_F(ServerTest, IdleConnectionsAreClosed) {
  pb::PbServerOptions o;
  o.threads = 2;
  o.idle_timeout_seconds = 1;
  StartServer(o);
  auto c = Connect();
  ASSERT_TRUE(c->Ping().ok());
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c->WaitForClose(5000));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(800));
  // A half-sent frame does not keep a connection alive either.
  auto d = Connect();
  ASSERT_TRUE(d->SendRaw(FromHex("00 00 00 05 5A")).ok());
  EXPECT_TRUE(d->WaitForClose(5000));
}

// Garbage, truncated frames and huge length prefixes on several connections while a well-behaved
// connection keeps working.
TEST_F(ServerTest, GarbageOnManyConnectionsWhileAnotherWorks) {
  CreateT1();
  std::atomic<bool> done{false};
  std::atomic<int> good_ops{0};
  std::atomic<bool> good_failed{false};
  std::thread good([&] {
    auto c = Connect(true);
    int i = 0;
    while (!done.load()) {
      Row row{Value::Bytes("g"), Value::Int(kTs + i), Value::Double(i)};
      if (!c->Put("t1", {row}).ok() || !c->Ping().ok()) {
        good_failed = true;
        return;
      }
      auto g = c->Get("t1", {Value::Bytes("g"), Value::Int(kTs + i)});
      if (!g.ok() || g->rows.size() != 1) {
        good_failed = true;
        return;
      }
      ++i;
      good_ops.fetch_add(1);
    }
  });
  std::vector<std::thread> attackers;
  for (int t = 0; t < 4; ++t) {
    attackers.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      for (int round = 0; round < 25; ++round) {
        auto c = pb::PbClient::Connect("127.0.0.1", port_);
        if (!c.ok()) continue;
        std::string junk;
        switch (round % 5) {
          case 0:  // random bytes
            for (int i = 0; i < 200; ++i) junk.push_back(static_cast<char>(rng()));
            break;
          case 1:  // huge length prefix
            junk = FromHex("FF FF FF F0 5A 00 01 02");
            break;
          case 2:  // truncated frame, then hang up
            junk = FromHex("00 00 10 00 5C 0A 02 74 31");
            break;
          case 3:  // random payload under each TS code
            for (uint8_t c_ : {90, 92, 94, 96, 98, 100, 104}) {
              std::string p;
              for (int i = 0; i < 40; ++i) p.push_back(static_cast<char>(rng()));
              junk += pb::EncodeFrame(c_, p);
            }
            break;
          case 4:  // zero length
            junk = FromHex("00 00 00 00");
            break;
        }
        (*c)->SendRaw(junk).IgnoreError();
        // Read whatever comes back until the server closes or goes quiet.
        for (int i = 0; i < 10; ++i) {
          if ((*c)->WaitForClose(50)) break;
        }
      }
    });
  }
  for (auto& a : attackers) a.join();
  done = true;
  good.join();
  EXPECT_FALSE(good_failed.load());
  EXPECT_GT(good_ops.load(), 0);
  // The server is still healthy.
  auto c = Connect();
  EXPECT_TRUE(c->Ping().ok());
}

TEST_F(ServerTest, StopClosesConnectionsAndRefusesNewOnes) {
  CreateT1();
  auto idle = Connect();
  ASSERT_TRUE(idle->Ping().ok());
  auto partial = Connect();
  ASSERT_TRUE(partial->SendRaw(FromHex("00 00 00 09 5A")).ok());
  auto busy = Connect();
  pb::TsListKeysReq lk{"t1", std::nullopt};
  ASSERT_TRUE(busy->SendFrame(code::kTsListKeysReq, pb::Encode(lk)).ok());
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_TRUE(idle->WaitForClose(2000));
  EXPECT_TRUE(partial->WaitForClose(2000));
  // The request in flight either completed before the close or was never read.
  auto f = busy->ReadFrame();
  if (f.ok()) {
    EXPECT_EQ(f->code, code::kTsListKeysResp);
    EXPECT_EQ(ToHex(f->payload), "10 01");
  }
  EXPECT_TRUE(busy->WaitForClose(2000));
  pb::PbClientOptions o;
  o.connect_timeout_ms = 1000;
  auto again = pb::PbClient::Connect("127.0.0.1", port_, o);
  EXPECT_FALSE(again.ok());
  server_->Stop();  // idempotent
}

TEST_F(ServerTest, InFlightRequestFinishesOnStop) {
  CreateT1();
  auto c = Connect();
  std::vector<Row> rows;
  for (int i = 0; i < 20000; ++i) {
    rows.push_back({Value::Bytes("s" + std::to_string(i % 13)), Value::Int(kTs + i), Value::Double(i)});
  }
  ASSERT_TRUE(c->Put("t1", rows).ok());
  ASSERT_TRUE(c->SendFrame(code::kTsListKeysReq, pb::Encode(pb::TsListKeysReq{"t1", {}})).ok());
  // Wait for the first batch so the request is known to be in flight, then stop.
  auto first = c->ReadFrame();
  ASSERT_TRUE(first.ok());
  std::thread stopper([&] { server_->Stop(); });
  size_t keys = 0;
  pb::TsListKeysResp resp;
  ASSERT_TRUE(pb::Decode(first->payload, &resp).ok());
  keys += resp.keys.size();
  while (!resp.done) {
    auto f = c->ReadFrame();
    ASSERT_TRUE(f.ok()) << f.error().ToString();
    ASSERT_TRUE(pb::Decode(f->payload, &resp).ok());
    keys += resp.keys.size();
  }
  EXPECT_EQ(keys, 20000u);
  EXPECT_TRUE(c->WaitForClose(5000));
  stopper.join();
}

}  // namespace
}  // namespace quanta::wire::testing
