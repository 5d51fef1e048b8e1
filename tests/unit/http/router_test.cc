#include "http/router.h"

#include <gtest/gtest.h>

#include "test_tables.h"

namespace quanta::http {
namespace {

Route Parse(Method method, std::string_view target) {
  Route route;
  auto error = ParseRoute(method, target, &route);
  EXPECT_FALSE(error) << target << " -> " << error->status << " " << error->body;
  return route;
}

HttpError Fail(Method method, std::string_view target) {
  Route route;
  auto error = ParseRoute(method, target, &route);
  EXPECT_TRUE(error) << target;
  return error.value_or(HttpError{});
}

TEST(RouterTest, NodeEndpoints) {
  EXPECT_EQ(Parse(Method::kGet, "/ping").kind, RouteKind::kPing);
  EXPECT_EQ(Parse(Method::kGet, "/stats").kind, RouteKind::kStats);
  EXPECT_EQ(Parse(Method::kGet, "/metrics").kind, RouteKind::kMetrics);
  EXPECT_EQ(Parse(Method::kGet, "/ping/").kind, RouteKind::kPing);
  EXPECT_EQ(Parse(Method::kPost, "/ts/v1/query/").kind, RouteKind::kQuery);
  EXPECT_EQ(Fail(Method::kPost, "/ping").status, 405);
  EXPECT_EQ(Fail(Method::kPost, "/ping").allow, "GET");
}

TEST(RouterTest, Query) {
  Route r = Parse(Method::kPost, "/ts/v1/query");
  EXPECT_EQ(r.kind, RouteKind::kQuery);
  EXPECT_EQ(Fail(Method::kGet, "/ts/v1/query"), (HttpError{405, "Method Not Allowed", "POST"}));
  EXPECT_EQ(Fail(Method::kPost, "/ts/v2/query"), (HttpError{412, "Unsupported API version v2"}));
  EXPECT_EQ(Fail(Method::kPost, "/ts/v1/querx").status, 404);
}

TEST(RouterTest, PutRows) {
  Route r = Parse(Method::kPost, "/ts/v1/tables/bob/keys?timeout=10");
  EXPECT_EQ(r.kind, RouteKind::kPutRows);
  EXPECT_EQ(r.table, "bob");
  EXPECT_TRUE(r.key_path.empty());
  ASSERT_EQ(r.params.size(), 1u);
  EXPECT_EQ(r.params[0].first, "timeout");
  EXPECT_EQ(Parse(Method::kPost, "/ts/v1/tables/bob/keys/").kind, RouteKind::kPutRows);
  EXPECT_EQ(Fail(Method::kGet, "/ts/v1/tables/bob/keys").status, 405);
  EXPECT_EQ(Fail(Method::kPut, "/ts/v1/tables/bob/keys").status, 405);
}

TEST(RouterTest, KeyPath) {
  Route r = Parse(Method::kGet, "/ts/v1/tables/Geo%20Checkin/keys/region/North%20West/st+ate/a%2Fb/time/5");
  EXPECT_EQ(r.kind, RouteKind::kGetKey);
  EXPECT_EQ(r.table, "Geo Checkin");
  EXPECT_EQ(r.key_path,
            (std::vector<std::string>{"region", "North West", "st ate", "a/b", "time", "5"}));
  EXPECT_EQ(Parse(Method::kDelete, "/ts/v1/tables/bob/keys/a/q1/b/dzE=/c/11").kind,
            RouteKind::kDeleteKey);
  EXPECT_EQ(Parse(Method::kGet, "/ts/v1/tables/bob/keys/a//b/x").key_path,
            (std::vector<std::string>{"a", "", "b", "x"}));
  // An empty last value survives; a trailing slash after a value does not add one.
  EXPECT_EQ(Parse(Method::kGet, "/ts/v1/tables/bob/keys/a/x/b/").key_path,
            (std::vector<std::string>{"a", "x", "b", ""}));
  EXPECT_EQ(Parse(Method::kGet, "/ts/v1/tables/bob/keys/a/x/").key_path,
            (std::vector<std::string>{"a", "x"}));
  EXPECT_EQ(Parse(Method::kGet, "/ts/v1/tables/bob/keys/a/").key_path,
            (std::vector<std::string>{"a", ""}));
  HttpError e = Fail(Method::kPost, "/ts/v1/tables/bob/keys/a/1");
  EXPECT_EQ(e.status, 405);
  EXPECT_EQ(e.allow, "GET, DELETE");
  EXPECT_EQ(Fail(Method::kGet, "/ts/v1/tables/bob/keys/a/%zz").status, 400);
}

TEST(RouterTest, ListKeys) {
  Route r = Parse(Method::kGet, "/ts/v1/tables/bob/list_keys");
  EXPECT_EQ(r.kind, RouteKind::kListKeys);
  EXPECT_EQ(r.table, "bob");
  EXPECT_EQ(Fail(Method::kDelete, "/ts/v1/tables/bob/list_keys").status, 405);
  EXPECT_EQ(Fail(Method::kGet, "/ts/v1/tables/bob/list_keys/x").status, 404);
}

TEST(RouterTest, VersionCheckedOnlyOnKnownShapes) {
  EXPECT_EQ(Fail(Method::kGet, "/ts/v3/tables/bob/list_keys"),
            (HttpError{412, "Unsupported API version v3"}));
  EXPECT_EQ(Fail(Method::kGet, "/ts/v0/tables/bob/keys/a/1").status, 412);
  // The version is checked before the method.
  EXPECT_EQ(Fail(Method::kGet, "/ts/v2/query").status, 412);
  EXPECT_EQ(Fail(Method::kGet, "/ts/v2/nothing").status, 404);
}

TEST(RouterTest, UnknownPaths) {
  // ("/" is the console's redirect: static_assets_test.cc.)
  for (const char* target : {"/ts", "/ts/v1", "/ts/v1/tables", "/ts/v1/tables/bob",
                             "/ts/v1/tables/bob/other", "/riak/x", "/pingx", "/ping/x"}) {
    EXPECT_EQ(Fail(Method::kGet, target), (HttpError{404, "Not Found"})) << target;
  }
}

}  // namespace
}  // namespace quanta::http
