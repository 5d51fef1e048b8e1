// The HTTP API over a real server: every riak_ts.md 18.7 case and every row of the section 11
// error tables that a single node can produce.
#include <set>
#include <sstream>

#include "server_test_fixture.h"
#include "service/stats.h"

namespace quanta::http::testing {
namespace {

const std::string kKeys = "/ts/v1/tables/bob/keys";

std::vector<std::string> Lines(const std::string& body) {
  std::vector<std::string> lines;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST_F(HttpServerTest, NodeEndpoints) {
  ExpectResponse(Call("GET", "/ping"), 200, kText, "OK");
  ClientResponse stats = Call("GET", "/stats");
  EXPECT_EQ(stats.status, 200);
  EXPECT_EQ(stats.header("content-type"), kJson);
  EXPECT_NE(stats.body.find("\"http_connections\":"), std::string::npos) << stats.body;
  ClientResponse metrics = Call("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.header("content-type"), "text/plain; version=0.0.4");
  EXPECT_NE(metrics.body.find("quanta_requests_total"), std::string::npos);
  EXPECT_EQ(Call("POST", "/ping").status, 405);
}

// 18.7 #84-#86
TEST_F(HttpServerTest, PutCases) {
  CreateBob();
  ExpectResponse(Call("POST", kKeys, R"({"a": "q1", "b": "dzE=", "c": 11, "d":110})"), 200, kJson,
                 R"({"success":true})");
  ExpectResponse(Call("POST", kKeys, R"({"a": "qN", "b": "d04=", "c": 11, "d":null})"), 200, kJson,
                 R"({"success":true})");
  ExpectResponse(Call("POST", kKeys, R"({"a": "q1", "c": 11, "d":110})"), 400, kText,
                 R"(Missing field "b" for key in table "bob")");
  ExpectResponse(Call("POST", kKeys, R"({"a": "q1", "b": "dzE=", "c": 11, "d":"raining"})"), 400,
                 kText, R"(Bad value for field "d" of type sint64 in table "bob")");
  ExpectResponse(Call("POST", "/ts/v1/tables/bill/keys", R"({"a": "q1", "b": "dzE=", "c": 11})"),
                 404, kText, R"(Table "bill" does not exist)");
  ExpectResponse(Call("POST", kKeys, R"([{"a": "q1", "b": "dzE=", "c": 20, "d":119},
                                          {"a": "q1", "b": "dzE=", "c": 30, "d":129}])"),
                 200, kJson, R"({"success":true})");
}

TEST_F(HttpServerTest, PutBodyErrors) {
  CreateBob();
  for (const char* body : {"", "{", "[1]", "nonsense", "{\"a\":\"q1\",}", "\"q1\""}) {
    ExpectResponse(Call("POST", kKeys, body), 400, kText, "Invalid json in body");
  }
  // Undecodable base64 in a blob column.
  ExpectResponse(Call("POST", kKeys, R"({"a": "q1", "b": "!!!", "c": 11})"), 400, kText,
                 "Invalid json in body");
  // Out-of-range integers are rejected, never truncated.
  ExpectResponse(Call("POST", kKeys, R"({"a": "q1", "b": "dzE=", "c": 11, "d": 9223372036854775808})"),
                 400, kText, R"(Bad value for field "d" of type sint64 in table "bob")");
  ExpectResponse(Call("POST", kKeys, R"({"a": "q1", "b": "dzE=", "c": 0})"), 400, kText,
                 R"(Bad value for field "c" of type timestamp in table "bob")");
  ExpectResponse(Call("POST", kKeys, R"({"a": 7, "b": "dzE=", "c": 1})"), 400, kText,
                 R"(Bad value for field "a" of type varchar in table "bob")");
  // Nothing from a failed batch was written.
  ExpectResponse(Call("POST", kKeys, R"([{"a": "z", "b": "dzE=", "c": 1}, {"a": "z", "b": "dzE=", "c": -1}])"),
                 400, kText, R"(Bad value for field "c" of type timestamp in table "bob")");
  ExpectResponse(Call("GET", kKeys + "/a/z/b/dzE=/c/1"), 404, kText, "Key not found");
  // An empty array writes nothing and succeeds.
  ExpectResponse(Call("POST", kKeys, "[]"), 200, kJson, R"({"success":true})");
}

// 18.7 #87-#89
TEST_F(HttpServerTest, QueryCases) {
  SeedBob();
  ExpectResponse(Query("select * from bob where a='q1' and b=0x7731 and c>1 and c<99"), 200, kJson,
                 R"({"columns":["a","b","c","d"],"rows":[["q1","dzE=",11,110],["q1","dzE=",20,119]]})");
  ExpectResponse(Query("select * from bob where a='qN' and b=0x774e and c>1 and c<99 and d is null"),
                 200, kJson, R"({"columns":["a","b","c","d"],"rows":[["qN","d04=",11,[]]]})");
  ExpectResponse(Query("select * from bob where a='q1' and b=0x7731 and c>100 and c<200"), 200, kJson,
                 R"({"columns":["a","b","c","d"],"rows":[]})");
  ExpectResponse(Query("select * from bob where a='q1' and c>1 and c<15"), 500, kText,
                 "Execution of select query failed on table \"bob\" (The 'b' parameter is part the "
                 "primary key but not specified in the where clause.)");
  ExpectResponse(Query("OHNOES A DANGLING QUOTE ' "), 400, kText, "Query error: Unexpected token '''.");
  ExpectResponse(Query("descripe bob"), 400, kText, "Query error: Unexpected token: 'descripe'");
  ExpectResponse(Query("describe john"), 404, kText, R"(Table "john" does not exist)");
  ExpectResponse(Query("show tables"), 200, kJson,
                 R"({"columns":["Table","Status"],"rows":[["bob","Active"]]})");
}

TEST_F(HttpServerTest, QueryErrorTable) {
  ExpectResponse(Query(""), 400, kText, "No query in request body");
  CreateBob();
  ExpectResponse(Query("create table bob (a varchar not null, b blob not null, c timestamp not null, "
                       "primary key ((a, b, quantum(c, 1, m)), a, b, c))"),
                 409, kText, R"(Table "bob" already exists)");
  ExpectResponse(Query("select * from john where a = 'x'"), 404, kText,
                 R"(Table "john" does not exist)");
  ExpectResponse(Query("create table t (a varchar not null, b timestamp not null, "
                       "primary key ((a, quantum(b, 1, 's')), b, a))"),
                 400, kText, "Query error: Local key does not match primary key");
  ExpectResponse(Query("SELECT ?"), 400, kText, "Query error: Unexpected token '?'.");
  ExpectResponse(Query("select * from t where a <> 1"), 400, kText,
                 "Query error: Unexpected token: '<>'");
  // INSERT and DELETE answer with empty columns and rows.
  ExpectResponse(Query("insert into bob values ('i', 0x7731, 3, 4)"), 200, kJson,
                 R"({"columns":[],"rows":[]})");
  ExpectResponse(Query("delete from bob where a = 'i' and b = 0x7731 and c = 3"), 200, kJson,
                 R"({"columns":[],"rows":[]})");
  ExpectResponse(Call("GET", kKeys + "/a/i/b/dzE=/c/3"), 404, kText, "Key not found");
}

// 18.7 #90-#91
TEST_F(HttpServerTest, ListKeysThenDelete) {
  SeedBob();
  ClientResponse listed = Call("GET", "/ts/v1/tables/bob/list_keys");
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.header("content-type"), kText);
  EXPECT_TRUE(listed.chunked);
  std::vector<std::string> lines = Lines(listed.body);
  std::set<std::string> got(lines.begin(), lines.end());
  std::string prefix = base() + "/ts/v1/tables/bob/keys/";
  EXPECT_EQ(got, (std::set<std::string>{prefix + "a/q1/b/dzE%3D/c/11", prefix + "a/q1/b/dzE%3D/c/20",
                                         prefix + "a/qN/b/d04%3D/c/11", prefix + "a/q2/b/dzE%3D/c/5"}))
      << listed.body;
  EXPECT_EQ(lines.size(), 4u);
  for (const std::string& url : lines) {
    ASSERT_EQ(url.compare(0, base().size(), base()), 0);
    EXPECT_EQ(Call("GET", url.substr(base().size())).status, 200) << url;
  }

  ExpectResponse(Call("DELETE", kKeys + "/a/q1/b/dzE=/c/11"), 200, kJson, R"({"success":true})");
  ExpectResponse(Call("DELETE", kKeys + "/a/q1/b/dzE=/c/500"), 404, kText, "Key not found");
  ExpectResponse(Call("DELETE", kKeys + "/a/q1/b/dzE=/d/20"), 400, kText,
                 "Not all key-constituent fields given on URL");
  ExpectResponse(Call("GET", kKeys + "/a/q1/b/dzE=/c/11"), 404, kText, "Key not found");
  EXPECT_EQ(Lines(Call("GET", "/ts/v1/tables/bob/list_keys").body).size(), 3u);
}

TEST_F(HttpServerTest, GetByKey) {
  SeedBob();
  ExpectResponse(Call("GET", kKeys + "/a/q1/b/dzE=/c/11"), 200, kJson,
                 R"({"a":"q1","b":"dzE=","c":11,"d":110})");
  // Pairs in any order, base64 '=' percent-encoded, NULL as [].
  ExpectResponse(Call("GET", kKeys + "/c/11/b/d04%3D/a/qN"), 200, kJson,
                 R"({"a":"qN","b":"d04=","c":11,"d":[]})");
  ExpectResponse(Call("GET", kKeys + "/a/q1/b/dzE=/c/12"), 404, kText, "Key not found");
}

TEST_F(HttpServerTest, KeyPathErrorTable) {
  SeedBob();
  ExpectResponse(Call("GET", kKeys + "/a/q1/b/dzE=/c/11/d"), 400, kText,
                 R"(Need 3 field/value pairs for key in table "bob", got 7 path elements)");
  ExpectResponse(Call("DELETE", kKeys + "/a/q1"), 400, kText,
                 R"(Need 3 field/value pairs for key in table "bob", got 2 path elements)");
  ExpectResponse(Call("GET", kKeys + "/a/q1/b/dzE=/d/20"), 400, kText,
                 "Not all key-constituent fields given on URL");
  ExpectResponse(Call("GET", kKeys + "/a/q1/b/dzE=/x/20"), 400, kText,
                 R"(Table "bob" has no field named "x")");
  ExpectResponse(Call("GET", kKeys + "/a/q1/b/dzE=/c/eleven"), 400, kText,
                 R"(Bad value for field "c" of type timestamp in table "bob")");
  ExpectResponse(Call("GET", kKeys + "/a/q1/b/dzE=/c/0"), 400, kText,
                 R"(Bad value for field "c" of type timestamp in table "bob")");
  ExpectResponse(Call("DELETE", kKeys + "/a/q1/b/%21%21/c/11"), 400, kText,
                 R"(Bad value for field "b" of type blob in table "bob")");
  ExpectResponse(Call("GET", "/ts/v1/tables/bill/keys/a/1"), 404, kText, R"(Table "bill" does not exist)");
  ExpectResponse(Call("DELETE", "/ts/v1/tables/bill/keys/a/1"), 404, kText, R"(Table "bill" does not exist)");
  ExpectResponse(Call("GET", "/ts/v1/tables/john/list_keys"), 404, kText, R"(Table "john" does not exist)");
  EXPECT_EQ(Call("GET", kKeys + "/a/%zz/b/dzE=/c/11").status, 400);
}

TEST_F(HttpServerTest, TimeoutParameter) {
  SeedBob();
  EXPECT_EQ(Call("GET", kKeys + "/a/q1/b/dzE=/c/11?timeout=5000").status, 200);
  EXPECT_EQ(Call("POST", kKeys + "?timeout=0", R"({"a": "q1", "b": "dzE=", "c": 12})").status, 200);
  ExpectResponse(Call("GET", kKeys + "/a/q1/b/dzE=/c/11?timeout=x"), 400, kText, "Bad timeout value: x");
  ExpectResponse(Call("DELETE", kKeys + "/a/q1/b/dzE=/c/11?timeout=-1"), 400, kText,
                 "Bad timeout value: -1");
  ExpectResponse(Call("POST", kKeys + "?foo=1", "{}"), 400, kText, "Unknown parameter: foo");
  // Parameters are checked before the table exists check (webmachine malformed_request).
  ExpectResponse(Call("GET", "/ts/v1/tables/bill/keys/a/1?foo=1"), 400, kText, "Unknown parameter: foo");
}

TEST_F(HttpServerTest, VersionsMethodsAndUnknownPaths) {
  ExpectResponse(Query("show tables"), 200, kJson, R"({"columns":["Table","Status"],"rows":[]})");
  ExpectResponse(Call("POST", "/ts/v2/query", "show tables"), 412, kText, "Unsupported API version v2");
  ExpectResponse(Call("GET", "/ts/v0/tables/bob/list_keys"), 412, kText, "Unsupported API version v0");
  ClientResponse r = Call("GET", "/ts/v1/query");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "POST");
  EXPECT_EQ(Call("PUT", kKeys, "{}").status, 405);
  EXPECT_EQ(Call("POST", kKeys + "/a/1/b/2/c/3", "{}").status, 405);
  EXPECT_EQ(Call("PATCH", "/ts/v1/tables/bob/list_keys").status, 405);
  EXPECT_EQ(Call("GET", "/nothing").status, 404);
  EXPECT_EQ(Call("GET", "/ts/v1/tables/bob").status, 404);
}

// 18.7 #92 and Q9: integers for DOUBLE columns.
TEST_F(HttpServerTest, GeoCheckinDocExample) {
  ExpectResponse(Query("CREATE TABLE GeoCheckin (state varchar not null, city varchar not null, "
                       "time timestamp not null, weather varchar not null, temperature double, "
                       "PRIMARY KEY ((state, city, QUANTUM(time, 15, 'm')), state, city, time))"),
                 200, kJson, R"({"success":true})");
  ExpectResponse(Call("POST", "/ts/v1/tables/GeoCheckin/keys",
                      R"([{"state":"Florida","city":"Miami","time":1234567,"weather":"hot","temperature":23.5},
                          {"state":"Florida","city":"Fort Myers","time":1234567,"weather":"sunny","temperature":23},
                          {"state":"New York","city":"Hyde Park+","time":1234567,"weather":"cloudy"}])"),
                 200, kJson, R"({"success":true})");
  ExpectResponse(Call("GET", "/ts/v1/tables/GeoCheckin/keys/state/Florida/city/Miami/time/1234567"), 200,
                 kJson,
                 R"({"state":"Florida","city":"Miami","time":1234567,"weather":"hot","temperature":23.5})");
  ExpectResponse(Call("GET", "/ts/v1/tables/GeoCheckin/keys/state/Florida/city/Fort%20Myers/time/1234567"),
                 200, kJson,
                 R"({"state":"Florida","city":"Fort Myers","time":1234567,"weather":"sunny","temperature":23.0})");
  ExpectResponse(Call("GET", "/ts/v1/tables/GeoCheckin/keys/city/Hyde+Park%2B/state/New+York/time/1234567"),
                 200, kJson,
                 R"({"state":"New York","city":"Hyde Park+","time":1234567,"weather":"cloudy","temperature":[]})");
  ClientResponse listed = Call("GET", "/ts/v1/tables/GeoCheckin/list_keys");
  std::set<std::string> got;
  for (auto& line : Lines(listed.body)) got.insert(line);
  std::string prefix = base() + "/ts/v1/tables/GeoCheckin/keys/";
  EXPECT_EQ(got, (std::set<std::string>{prefix + "state/Florida/city/Miami/time/1234567",
                                         prefix + "state/Florida/city/Fort%20Myers/time/1234567",
                                         prefix + "state/New%20York/city/Hyde%20Park%2B/time/1234567"}));
}

// Q10: list_keys prints natural values for DESC, double and boolean key columns, and the URLs
// it prints work for GET.
TEST_F(HttpServerTest, ListKeysNaturalValuesForEveryKeyType) {
  ExpectResponse(Query("CREATE TABLE kt (s varchar not null, t timestamp not null, x double not null, "
                       "f boolean not null, n sint64 not null, bl blob not null, v varchar, "
                       "PRIMARY KEY ((s, QUANTUM(t, 15, 'm')), s, t DESC, x, f, n DESC, bl DESC))"),
                 200, kJson, R"({"success":true})");
  ExpectResponse(Call("POST", "/ts/v1/tables/kt/keys",
                      R"([{"s":"a b+c=d/e","t":1000,"x":-2.5,"f":true,"n":-7,"bl":"AP8=","v":"one"},
                          {"s":"a b+c=d/e","t":2000,"x":3,"f":false,"n":9223372036854775807,"bl":"","v":"two"}])"),
                 200, kJson, R"({"success":true})");
  ClientResponse listed = Call("GET", "/ts/v1/tables/kt/list_keys");
  ASSERT_EQ(listed.status, 200);
  std::vector<std::string> lines = Lines(listed.body);
  std::set<std::string> got(lines.begin(), lines.end());
  std::string prefix = base() + "/ts/v1/tables/kt/keys/";
  EXPECT_EQ(got, (std::set<std::string>{
                     prefix + "s/a%20b%2Bc%3Dd%2Fe/t/1000/x/-2.5/f/true/n/-7/bl/AP8%3D",
                     prefix + "s/a%20b%2Bc%3Dd%2Fe/t/2000/x/3.0/f/false/n/9223372036854775807/bl/"}))
      << listed.body;
  for (const std::string& url : lines) {
    ClientResponse row = Call("GET", url.substr(base().size()));
    EXPECT_EQ(row.status, 200) << url << " " << row.body;
  }
}

TEST_F(HttpServerTest, ListKeysOfEmptyTable) {
  CreateBob();
  ClientResponse listed = Call("GET", "/ts/v1/tables/bob/list_keys");
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.header("content-type"), kText);
  EXPECT_EQ(listed.body, "");
}

TEST_F(HttpServerTest, StatsCountRequestsAndErrors) {
  auto& stats = service_->stats();
  auto requests = [&](service::Op op) { return stats.requests_of(op); };
  auto errors = [&](service::Op op) { return stats.errors_of(op); };
  uint64_t q0 = requests(service::Op::kQuery), qe0 = errors(service::Op::kQuery);
  uint64_t g0 = requests(service::Op::kGet), ge0 = errors(service::Op::kGet);
  uint64_t p0 = requests(service::Op::kPut), pe0 = errors(service::Op::kPut);
  CreateBob();
  Query("descripe bob");
  Query("");  // rejected before the service
  Call("GET", kKeys + "/a/q1/b/dzE=/c/11");      // reaches the service (not found is not an error)
  Call("GET", kKeys + "/a/q1/b/dzE=/c/eleven");  // rejected by the key path parser
  Call("POST", kKeys, R"({"a":"q1","b":"dzE=","c":11})");
  Call("POST", kKeys, "{");
  // Each request counts exactly once, whether the service or the HTTP layer answered it.
  EXPECT_EQ(requests(service::Op::kQuery), q0 + 3);
  EXPECT_EQ(errors(service::Op::kQuery), qe0 + 2);
  EXPECT_EQ(requests(service::Op::kGet), g0 + 2);
  EXPECT_EQ(errors(service::Op::kGet), ge0 + 1);
  EXPECT_EQ(requests(service::Op::kPut), p0 + 2);
  EXPECT_EQ(errors(service::Op::kPut), pe0 + 1);
  {
    TestClient a(port()), b(port());
    ASSERT_TRUE(a.Request("GET", "/ping"));
    ASSERT_TRUE(b.Request("GET", "/ping"));
    EXPECT_GE(stats.http_connections.load(), 2);
    ClientResponse s = *a.Request("GET", "/stats");
    EXPECT_EQ(s.body.find("\"http_connections\":0"), std::string::npos) << s.body;
  }
}

}  // namespace
}  // namespace quanta::http::testing
