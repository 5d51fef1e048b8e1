// The ingest endpoints over a real HttpServer (docs/ingest.md): line protocol and remote write
// in, SQL out.
#include <snappy.h>

#include <cmath>
#include <cstring>

#include "../ingest/gzip_for_tests.h"
#include "../ingest/remote_write_encode.h"
#include "server_test_fixture.h"

namespace quanta::http::testing {
namespace {

using ingest::testing::EncodeWriteRequest;

using ingest::testing::Gzip;
std::string Snappy(const std::string& data) {
  std::string out;
  snappy::Compress(data.data(), data.size(), &out);
  return out;
}

const std::vector<std::string> kRemoteWriteHeaders = {
    "Content-Encoding: snappy", "Content-Type: application/x-protobuf",
    "X-Prometheus-Remote-Write-Version: 0.1.0"};

using IngestApiTest = HttpServerTest;

const char* const kCpuCreate =
    R"x({"columns":["SQL"],"rows":[["CREATE TABLE cpu (host VARCHAR NOT NULL,\nregion VARCHAR NOT NULL,)x"
    R"x(\ntime TIMESTAMP NOT NULL,\nstate VARCHAR,\nup BOOLEAN,\nusage_idle DOUBLE,\nusage_user SINT64,)x"
    R"x(\nPRIMARY KEY ((host, region, QUANTUM(time, 1, 'd')),\nhost, region, time))\nWITH (active = true,)x"
    R"x(\nallow_mult = false,\ndvv_enabled = false,\ndw = one,\nlast_write_wins = true,\nn_val = 3,)x"
    R"x(\nnotfound_ok = true,\npostcommit = '',\npr = 0,\npw = 0,\nr = one,\nrw = one,\nw = quorum)"]]})x";

TEST_F(IngestApiTest, LineProtocolCreatesTableAndReadsBack) {
  auto r = Call("POST", "/write?db=telegraf&precision=s",
                "cpu,host=a,region=eu usage_idle=97.5,usage_user=1i,up=true,state=\"ok\" 1700000000\n"
                "cpu,host=b usage_idle=88 1700000001\n");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.body, "");
  ExpectResponse(Query("SHOW CREATE TABLE cpu"), 200, kJson, kCpuCreate);
  ExpectResponse(
      Query("SELECT * FROM cpu WHERE host = 'a' AND region = 'eu' AND time >= 1700000000000 "
            "AND time < 1700000002000"),
      200, kJson,
      R"({"columns":["host","region","time","state","up","usage_idle","usage_user"],)"
      R"("rows":[["a","eu",1700000000000,"ok",true,97.5,1]]})");
  // The missing tag is the empty string.
  ExpectResponse(
      Query("SELECT host, usage_idle, usage_user FROM cpu WHERE host = 'b' AND region = '' AND "
            "time >= 1700000000000 AND time < 1700000002000"),
      200, kJson, R"({"columns":["host","usage_idle","usage_user"],"rows":[["b",88.0,[]]]})");
}

TEST_F(IngestApiTest, V2EndpointGzipAndPrecisions) {
  std::string lines =
      "m,t=x v=1 1700000000123456789\n"   // ns: sub-ms dropped
      "m,t=y v=2 1700000000123\n";
  auto r = Call("POST", "/api/v2/write?org=o&bucket=b", Gzip(lines.substr(0, lines.find('\n') + 1)),
                {"Content-Encoding: gzip"});
  EXPECT_EQ(r.status, 204) << r.body;
  r = Call("POST", "/api/v2/write?org=o&bucket=b&precision=ms", lines.substr(lines.find('\n') + 1));
  EXPECT_EQ(r.status, 204) << r.body;
  ExpectResponse(Query("SELECT t, time, v FROM m WHERE t = 'x' AND time > 1699999999000 AND time < 1700000001000"),
                 200, kJson, R"({"columns":["t","time","v"],"rows":[["x",1700000000123,1.0]]})");
  ExpectResponse(Query("SELECT t, time, v FROM m WHERE t = 'y' AND time > 1699999999000 AND time < 1700000001000"),
                 200, kJson, R"({"columns":["t","time","v"],"rows":[["y",1700000000123,2.0]]})");
  r = Call("POST", "/write?precision=fortnight", "m,t=x v=1 1");
  ExpectResponse(r, 400, kJson, R"({"error":"invalid precision \"fortnight\""})");
  r = Call("POST", "/write", "not gzip", {"Content-Encoding: gzip"});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("invalid gzip body"), std::string::npos) << r.body;
  r = Call("POST", "/write", "m v=1", {"Content-Encoding: br"});
  ExpectResponse(r, 400, kJson, R"({"error":"unsupported Content-Encoding \"br\""})");
}

TEST_F(IngestApiTest, PartialWriteWritesTheGoodLines) {
  auto r = Call("POST", "/write?precision=ms",
                "w,h=a v=1 1000\n"
                "w,h=b v=oops 1000\n"
                "w,h=c v=3 1000\n"
                "w,h=d v=4i 1000\n"
                "w,h=e,new=1 v=5 1000\n"
                "w,h=f extra=5 1000\n"
                "w,h=g v=6 0\n");
  ExpectResponse(r, 400, kJson,
                 R"({"error":"partial write: line 2: invalid field value \"oops\" for field key )"
                 R"(\"v\" dropped=3"})");
  // A later request with a new field or a type conflict is rejected with a clear text.
  r = Call("POST", "/write?precision=ms", "w,h=a other=1 2000");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("unknown field \\\"other\\\" for table \\\"w\\\""), std::string::npos)
      << r.body;
  r = Call("POST", "/write?precision=ms", "w,h=a v=1i 2000");
  ExpectResponse(r, 400, kJson,
                 R"({"error":"partial write: line 1: field type conflict: input field \"v\" on )"
                 R"(measurement \"w\" is type integer, already exists as type double dropped=1"})");
  // The first request created the table from all of its lines: tag "new", field "extra".
  ExpectResponse(Query("SELECT h, new, v, extra FROM w WHERE h = 'a' AND new = '' AND time > 0 AND time < 5000"),
                 200, kJson, R"({"columns":["h","new","v","extra"],"rows":[["a","",1.0,[]]]})");
  ExpectResponse(Query("SELECT h, new, v, extra FROM w WHERE h = 'e' AND new = '1' AND time > 0 AND time < 5000"),
                 200, kJson, R"({"columns":["h","new","v","extra"],"rows":[["e","1",5.0,[]]]})");
  ExpectResponse(Query("SELECT h, v, extra FROM w WHERE h = 'f' AND new = '' AND time > 0 AND time < 5000"),
                 200, kJson, R"({"columns":["h","v","extra"],"rows":[["f",[],5.0]]})");
}

TEST_F(IngestApiTest, PreCreatedTableIsMappedByName) {
  ExpectResponse(Query("CREATE TABLE pre (site VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
                       "temp DOUBLE, note VARCHAR, PRIMARY KEY ((site, QUANTUM(ts, 15, 'm')), "
                       "site, ts))"),
                 200, kJson, R"({"success":true})");
  auto r = Call("POST", "/write?precision=ms", "pre,site=s1 temp=21.5,note=\"hi\" 60000");
  EXPECT_EQ(r.status, 204) << r.body;
  ExpectResponse(Query("SELECT * FROM pre WHERE site = 's1' AND ts > 0 AND ts < 100000"), 200,
                 kJson, R"({"columns":["site","ts","temp","note"],"rows":[["s1",60000,21.5,"hi"]]})");
}

TEST_F(IngestApiTest, RouteMethods) {
  auto r = Call("GET", "/write");
  EXPECT_EQ(r.status, 405);
  r = Call("GET", "/api/v1/write");
  EXPECT_EQ(r.status, 405);
  r = Call("POST", "/api/v3/write", "x");
  EXPECT_EQ(r.status, 404);
}

TEST_F(IngestApiTest, RemoteWriteStoresSamples) {
  double stale = 0;
  uint64_t bits = 0x7ff0000000000002ULL;
  std::memcpy(&stale, &bits, sizeof stale);
  std::string message = EncodeWriteRequest(
      {{{{"__name__", "up"}, {"job", "prometheus"}, {"instance", "localhost:9090"}},
        {{1.0, 1700000000000}, {stale, 1700000015000}, {std::nan(""), 1700000030000}}},
       {{{"job", "x"}, {"__name__", "temp"}}, {{-2.5, 1700000000000}}}});
  auto r = Call("POST", "/api/v1/write", Snappy(message), kRemoteWriteHeaders);
  EXPECT_EQ(r.status, 204) << r.body;
  ExpectResponse(
      Query("SELECT labels, time, value FROM prometheus_samples WHERE metric = 'up' AND "
            "labels = 'instance=\"localhost:9090\",job=\"prometheus\"' AND "
            "time > 1600000000000 AND time < 1800000000000"),
      200, kJson,
      R"({"columns":["labels","time","value"],"rows":[["instance=\"localhost:9090\",job=\"prometheus\"",1700000000000,1.0],)"
      R"(["instance=\"localhost:9090\",job=\"prometheus\"",1700000030000,[]]]})");
  ExpectResponse(
      Query("SELECT value FROM prometheus_samples WHERE metric = 'temp' AND labels = 'job=\"x\"' "
            "AND time > 1600000000000 AND time < 1800000000000"),
      200, kJson, R"({"columns":["value"],"rows":[[-2.5]]})");
}

TEST_F(IngestApiTest, RemoteWriteErrors) {
  auto r = Call("POST", "/api/v1/write", "garbage", kRemoteWriteHeaders);
  EXPECT_EQ(r.status, 400) << r.body;
  r = Call("POST", "/api/v1/write", Snappy("\x0a\x05\x0a"), kRemoteWriteHeaders);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("invalid remote write request"), std::string::npos) << r.body;
  r = Call("POST", "/api/v1/write", Snappy(""),
           {"Content-Encoding: snappy",
            "Content-Type: application/x-protobuf;proto=io.prometheus.write.v2.Request"});
  EXPECT_EQ(r.status, 415) << r.body;
  r = Call("POST", "/api/v1/write", "x", {"Content-Encoding: gzip"});
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(IngestApiTest, InflatedBodiesAreBoundedByTheBodyLimit) {
  Shutdown();
  HttpServerOptions options = DefaultOptions();
  options.max_body_bytes = 1 << 20;
  Start(options);
  std::string big(4 << 20, '#');  // 4 MiB of comment compresses to a few KiB
  auto r = Call("POST", "/write", Gzip(big), {"Content-Encoding: gzip"});
  ExpectResponse(r, 413, kJson, R"({"error":"Request Entity Too Large"})");
  r = Call("POST", "/api/v1/write", Snappy(std::string(2 << 20, '\0')), kRemoteWriteHeaders);
  ExpectResponse(r, 413, kJson, R"({"error":"Request Entity Too Large"})");
  // Under the limit it is fine.
  r = Call("POST", "/write", Gzip(std::string(1000, '#')), {"Content-Encoding: gzip"});
  EXPECT_EQ(r.status, 204) << r.body;
}

TEST_F(IngestApiTest, MemoryRefusalIs503AndWritesNothingOfThatBatch) {
  Shutdown();
  service::ServiceOptions service_options;
  service_options.request_memory_limit_bytes = 64 << 10;
  Start(DefaultOptions(), service_options);
  std::string body;
  for (int i = 0; body.size() < (40 << 10); ++i) {
    body += "mm,t=a v=" + std::to_string(i) + " " + std::to_string(1000 + i) + "\n";
  }
  auto r = Call("POST", "/write?precision=ms", body);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.header("content-type"), kJson);
  EXPECT_NE(r.body.find("Not enough memory for the decoded lines"), std::string::npos) << r.body;
  // Nothing was written: the table does not even exist (batches are written when complete).
  EXPECT_EQ(Query("SELECT v FROM mm WHERE t = 'a' AND time > 0 AND time < 100000").status, 404);
}

}  // namespace
}  // namespace quanta::http::testing
