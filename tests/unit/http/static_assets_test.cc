// The web console's file serving: routes, validators, gzip negotiation, and the server answering
// from an asset set (a small one made here; quantad's real set is tested in a browser, by
// tests/console).
#include "http/static_assets.h"

#include <gtest/gtest.h>

#include "http/router.h"
#include "server_test_fixture.h"

namespace quanta::http {
namespace {

using testing::HttpServerTest;

TEST(StaticAssetsTest, AcceptsGzip) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=0.001"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("deflate, br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
  EXPECT_FALSE(AcceptsGzip("x-gzip"));
}

TEST(StaticAssetsTest, MatchesEtag) {
  EXPECT_TRUE(MatchesEtag("W/\"abc\"", "abc"));
  EXPECT_TRUE(MatchesEtag("\"abc\"", "abc"));
  EXPECT_TRUE(MatchesEtag("\"x\", W/\"abc\"", "abc"));
  EXPECT_TRUE(MatchesEtag(" * ", "abc"));
  EXPECT_FALSE(MatchesEtag("", "abc"));
  EXPECT_FALSE(MatchesEtag("abc", "abc"));
  EXPECT_FALSE(MatchesEtag("\"abcd\"", "abc"));
  EXPECT_FALSE(MatchesEtag("W/\"ab\"", "abc"));
}

TEST(StaticAssetsTest, Routes) {
  Route route;
  ASSERT_FALSE(ParseRoute(Method::kGet, "/", &route));
  EXPECT_EQ(route.kind, RouteKind::kRoot);
  ASSERT_FALSE(ParseRoute(Method::kHead, "/console", &route));
  EXPECT_EQ(route.kind, RouteKind::kConsole);
  EXPECT_EQ(route.asset, "");
  ASSERT_FALSE(ParseRoute(Method::kGet, "/console/", &route));
  EXPECT_EQ(route.asset, "");
  ASSERT_FALSE(ParseRoute(Method::kGet, "/console/assets/app%2Dx.js?v=1", &route));
  EXPECT_EQ(route.kind, RouteKind::kConsole);
  EXPECT_EQ(route.asset, "assets/app-x.js");
  auto error = ParseRoute(Method::kPost, "/console/", &route);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->status, 405);
  EXPECT_EQ(error->allow, "GET, HEAD");
  EXPECT_EQ(ParseRoute(Method::kGet, "/console/%zz", &route)->status, 400);
  EXPECT_EQ(ParseRoute(Method::kGet, "/consoles", &route)->status, 404);
  // The console's API (row estimates).
  ASSERT_FALSE(ParseRoute(Method::kGet, "/console/api/tables", &route));
  EXPECT_EQ(route.kind, RouteKind::kConsoleTables);
  ASSERT_FALSE(ParseRoute(Method::kGet, "/console/api/tables/", &route));
  EXPECT_EQ(route.kind, RouteKind::kConsoleTables);
  EXPECT_EQ(ParseRoute(Method::kPost, "/console/api/tables", &route)->status, 405);
  EXPECT_EQ(ParseRoute(Method::kGet, "/console/api/tables/t1", &route)->status, 404);
  EXPECT_EQ(ParseRoute(Method::kGet, "/console/api", &route)->status, 404);
}

// A compressible page and a script that does not compress (gzip empty).
const std::string kPage = "<!doctype html>" + std::string(2000, ' ') + "<p>console</p>";
const std::string kPageGzip = "(pretend gzip)";
const StaticAsset kItems[] = {
    {"", "text/html; charset=utf-8", kPage, kPageGzip, "p1", false},
    {"assets/app-1.js", "text/javascript; charset=utf-8", "let x=1;", "", "j1", true},
};
const StaticAssetSet kSet{kItems, 2};

TEST(StaticAssetsTest, ServeStatic) {
  StaticReply page = ServeStatic(&kSet, "", StaticRequest{});
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, kPage);
  StaticReply gz = ServeStatic(&kSet, "", StaticRequest{"gzip", ""});
  EXPECT_EQ(gz.body, kPageGzip);
  StaticReply script = ServeStatic(&kSet, "assets/app-1.js", StaticRequest{"gzip", ""});
  EXPECT_EQ(script.body, "let x=1;");  // no smaller gzip variant: sent as is
  EXPECT_EQ(ServeStatic(&kSet, "", StaticRequest{"", "W/\"p1\""}).status, 304);
  EXPECT_EQ(ServeStatic(&kSet, "nope.js", StaticRequest{}).status, 404);
  EXPECT_EQ(ServeStatic(nullptr, "", StaticRequest{}).status, 404);
}

class ConsoleServerTest : public HttpServerTest {
 protected:
  void SetUp() override {
    HttpServerOptions options = DefaultOptions();
    options.console = &kSet;
    Start(options);
  }
};

TEST_F(ConsoleServerTest, RootRedirects) {
  auto r = Call("GET", "/");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.header("location"), "/console/");
}

TEST_F(ConsoleServerTest, PageAndAssets) {
  auto page = Call("GET", "/console");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.header("etag"), "W/\"p1\"");
  EXPECT_EQ(page.header("cache-control"), "no-cache");
  EXPECT_EQ(page.header("vary"), "Accept-Encoding");
  EXPECT_NE(page.header("content-security-policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(page.header("content-encoding"), "");
  EXPECT_EQ(page.body, kPage);

  auto gz = Call("GET", "/console/", "", {"Accept-Encoding: gzip, br"});
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.header("content-encoding"), "gzip");
  EXPECT_EQ(gz.body, kPageGzip);

  auto again = Call("GET", "/console/", "", {"If-None-Match: W/\"p1\""});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.header("etag"), "W/\"p1\"");

  auto script = Call("GET", "/console/assets/app-1.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(script.body, "let x=1;");

  auto head = Call("HEAD", "/console/assets/app-1.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), "8");

  EXPECT_EQ(Call("GET", "/console/assets/missing.js").status, 404);
  EXPECT_EQ(Call("DELETE", "/console/").status, 405);
}

// The tables with their row estimates, as JSON, never cached.
TEST_F(ConsoleServerTest, TableRowEstimates) {
  EXPECT_EQ(Call("GET", "/console/api/tables").body, "{\"tables\":[]}");
  ASSERT_EQ(Query("CREATE TABLE t (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
                  "PRIMARY KEY ((k, QUANTUM(ts, 1, 'd')), k, ts))").status, 200);
  ASSERT_EQ(Call("POST", "/ts/v1/tables/t/keys", R"([{"k":"a","ts":1},{"k":"b","ts":2}])").status,
            200);
  auto r = Call("GET", "/console/api/tables");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("cache-control"), "no-store");
  EXPECT_EQ(r.body, "{\"tables\":[{\"name\":\"t\",\"rows\":2,\"exact\":true,\"at_least\":false}]}");
  EXPECT_EQ(Call("DELETE", "/console/api/tables").status, 405);
}

// Without a console (the default), / and /console are unknown routes as before.
TEST_F(HttpServerTest, NoConsole) {
  EXPECT_EQ(Call("GET", "/").status, 404);
  EXPECT_EQ(Call("GET", "/console/").status, 404);
}

// Service errors carry their Riak code in a header; the body is Riak's text.
TEST_F(HttpServerTest, RiakErrorCodeHeader) {
  auto parse = Query("SELEC x");
  EXPECT_EQ(parse.status, 400);
  EXPECT_EQ(parse.header("x-riak-error-code"), "1020");
  auto missing = Query("SELECT * FROM nope WHERE time > 1 AND time < 2");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("x-riak-error-code"), "1019");
  EXPECT_EQ(Call("GET", "/nothing").header("x-riak-error-code"), "");
}

}  // namespace
}  // namespace quanta::http
