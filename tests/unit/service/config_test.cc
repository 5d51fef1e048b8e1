// quantad configuration: flags, file settings and their errors.
#include <gtest/gtest.h>

#include "server/config.h"

namespace quanta::server {
namespace {

TEST(ConfigTest, ListenAddresses) {
  std::string host;
  uint16_t port = 0;
  ASSERT_TRUE(ParseListen("127.0.0.1:8087", &host, &port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8087);
  ASSERT_TRUE(ParseListen("[::1]:9", &host, &port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_FALSE(ParseListen("8087", &host, &port).ok());
  EXPECT_FALSE(ParseListen("h:99999", &host, &port).ok());
}

TEST(ConfigTest, Settings) {
  ServerConfig c;
  ASSERT_TRUE(ApplySetting(&c, "riak_kv.query.timeseries.timeout", "30s").ok());
  EXPECT_EQ(c.service.query_timeout_ms, 30000);
  ASSERT_TRUE(ApplySetting(&c, "max_quanta_span", "7").ok());
  EXPECT_EQ(c.service.max_quanta_span, 7);
  ASSERT_TRUE(ApplySetting(&c, "object.size.maximum", "1MB").ok());
  EXPECT_EQ(c.service.max_object_size, 1024 * 1024);
  ASSERT_TRUE(ApplySetting(&c, "timezone", "-05:30").ok());
  EXPECT_EQ(c.service.timezone_offset_minutes, -330);
  ASSERT_TRUE(ApplySetting(&c, "storage.sync", "on").ok());
  EXPECT_TRUE(c.service.sync);
  Status st = ApplySetting(&c, "no.such.key", "1");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "unknown setting 'no.such.key'");
  EXPECT_FALSE(ApplySetting(&c, "max_quanta_span", "abc").ok());
  EXPECT_FALSE(ApplySetting(&c, "riak_kv.query.timeseries.timeout", "10x").ok());
}

TEST(ConfigTest, StorageBackendAndCluster) {
  ServerConfig c;
  EXPECT_EQ(c.service.storage_backend, "rocksdb");
  EXPECT_EQ(c.service.rados_user, "admin");
  EXPECT_EQ(c.service.rados_op_timeout_ms, 10000);
  ASSERT_TRUE(ApplySetting(&c, "storage.backend", "rados").ok());
  EXPECT_EQ(c.service.storage_backend, "rados");
  EXPECT_FALSE(ApplySetting(&c, "storage.backend", "leveldb").ok());
  ASSERT_TRUE(ApplySetting(&c, "rados.conf", "/etc/ceph/ceph.conf").ok());
  ASSERT_TRUE(ApplySetting(&c, "rados.pool", "ts").ok());
  ASSERT_TRUE(ApplySetting(&c, "rados.user", "quanta").ok());
  EXPECT_FALSE(ApplySetting(&c, "rados.user", "").ok());
  ASSERT_TRUE(ApplySetting(&c, "rados.namespace", "db1").ok());
  ASSERT_TRUE(ApplySetting(&c, "rados.op_timeout", "5s").ok());
  EXPECT_EQ(c.service.rados_conf, "/etc/ceph/ceph.conf");
  EXPECT_EQ(c.service.rados_pool, "ts");
  EXPECT_EQ(c.service.rados_user, "quanta");
  EXPECT_EQ(c.service.rados_namespace, "db1");
  EXPECT_EQ(c.service.rados_op_timeout_ms, 5000);
  EXPECT_FALSE(ApplySetting(&c, "rados.op_timeout", "0").ok());
  ASSERT_TRUE(ApplySetting(&c, "cluster.peers", "10.0.0.1:8087, 10.0.0.2:8087 [::1]:8087").ok());
  EXPECT_EQ(c.service.cluster_peers,
            (std::vector<std::string>{"10.0.0.1:8087", "10.0.0.2:8087", "[::1]:8087"}));
  EXPECT_FALSE(ApplySetting(&c, "cluster.peers", "10.0.0.1").ok());
}

// Riak's expiry keys (riak.conf names) and the pass interval.
TEST(ConfigTest, Expiry) {
  ServerConfig c;
  EXPECT_FALSE(c.service.expiry.enabled);
  EXPECT_FALSE(c.service.expiry.retention_ms.has_value());
  ASSERT_TRUE(ApplySetting(&c, "leveldb.expiration", "on").ok());
  EXPECT_TRUE(c.service.expiry.enabled);
  ASSERT_TRUE(ApplySetting(&c, "leveldb.expiration.retention_time", "8d9h").ok());
  EXPECT_EQ(c.service.expiry.retention_ms, (8 * 24 + 9) * 3600000LL);
  ASSERT_TRUE(ApplySetting(&c, "leveldb.expiration.retention_time", "unlimited").ok());
  EXPECT_FALSE(c.service.expiry.retention_ms.has_value());
  ASSERT_TRUE(ApplySetting(&c, "leveldb.expiration.mode", "normal").ok());
  EXPECT_EQ(c.service.expiry.mode, "normal");
  ASSERT_TRUE(ApplySetting(&c, "storage.expiry_interval", "10s").ok());
  EXPECT_EQ(c.service.expiry_interval_ms, 10000);
  EXPECT_EQ(ApplySetting(&c, "leveldb.expiration.retention_time", "5y").message(),
            "invalid value '5y' for leveldb.expiration.retention_time (expected unlimited or a "
            "duration such as 5h, 8d9h or 2w)");
  EXPECT_FALSE(ApplySetting(&c, "leveldb.expiration", "maybe").ok());
  EXPECT_FALSE(ApplySetting(&c, "leveldb.expiration.mode", "per_item").ok());
  EXPECT_FALSE(ApplySetting(&c, "storage.expiry_interval", "0").ok());
}

TEST(ConfigTest, ResourceBounds) {
  ServerConfig c;
  ASSERT_TRUE(ApplySetting(&c, "memory.limit", "1GB").ok());
  EXPECT_EQ(c.service.memory_limit_bytes, 1LL << 30);
  ASSERT_TRUE(ApplySetting(&c, "memory.request_limit", "64MB").ok());
  EXPECT_EQ(c.service.request_memory_limit_bytes, 64LL << 20);
  ASSERT_TRUE(ApplySetting(&c, "query.max_statement_bytes", "2MB").ok());
  EXPECT_EQ(c.service.max_statement_bytes, 2LL << 20);
  ASSERT_TRUE(ApplySetting(&c, "list_keys.max_concurrent", "2").ok());
  EXPECT_EQ(c.service.max_concurrent_list_keys, 2);
  EXPECT_EQ(c.service.scan_threads, 0);  // the number of cores
  ASSERT_TRUE(ApplySetting(&c, "query.scan_threads", "4").ok());
  EXPECT_EQ(c.service.scan_threads, 4);
  EXPECT_FALSE(ApplySetting(&c, "query.scan_threads", "-1").ok());
  ASSERT_TRUE(ApplySetting(&c, "pb.write_timeout", "5s").ok());
  EXPECT_EQ(c.pb_write_timeout_seconds, 5);
  ASSERT_TRUE(ApplySetting(&c, "pb.read_timeout", "7").ok());
  EXPECT_EQ(c.pb_read_timeout_seconds, 7);
  ASSERT_TRUE(ApplySetting(&c, "http.write_timeout", "2s").ok());
  EXPECT_EQ(c.http_write_timeout_seconds, 2);
  // Sizes that overflow are refused, not thrown.
  EXPECT_FALSE(ApplySetting(&c, "memory.limit", "99999999999999999999999").ok());
  EXPECT_FALSE(ApplySetting(&c, "memory.limit", "99999999GB").ok());
  // Durations whose seconds do not fit an int, or whose nanoseconds do not fit a steady_clock
  // time point (the query deadline), are refused, not wrapped.
  EXPECT_FALSE(ApplySetting(&c, "pb.read_timeout", "3000000000s").ok());
  EXPECT_EQ(c.pb_read_timeout_seconds, 7);
  EXPECT_FALSE(ApplySetting(&c, "riak_kv.query.timeseries.timeout", "200000d").ok());
  ASSERT_TRUE(ApplySetting(&c, "riak_kv.query.timeseries.timeout", "3650d").ok());
  EXPECT_EQ(c.service.query_timeout_ms, 3650LL * 86400000);
}

TEST(ConfigTest, CommandLine) {
  const char* argv[] = {"quantad", "--data-dir", "/tmp/x", "--pb-listen=127.0.0.1:1",
                        "--set", "max_quanta_span=3"};
  auto cl = ParseCommandLine(6, const_cast<char**>(argv));
  ASSERT_TRUE(cl.ok());
  ASSERT_EQ(cl->settings.size(), 3u);
  EXPECT_EQ(cl->settings[1].second, "127.0.0.1:1");
  const char* bad[] = {"quantad", "--bogus"};
  auto r = ParseCommandLine(2, const_cast<char**>(bad));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "unknown option '--bogus' (see --help)");
  const char* missing[] = {"quantad", "--data-dir"};
  EXPECT_FALSE(ParseCommandLine(2, const_cast<char**>(missing)).ok());
}

TEST(ConfigTest, IngestSettings) {
  ServerConfig c;
  EXPECT_EQ(c.service.ingest_quantum_size, 1);
  EXPECT_EQ(c.service.ingest_quantum_unit, 'd');
  EXPECT_EQ(c.service.prometheus_table, "prometheus_samples");
  ASSERT_TRUE(ApplySetting(&c, "ingest.quantum", "15m").ok());
  EXPECT_EQ(c.service.ingest_quantum_size, 15);
  EXPECT_EQ(c.service.ingest_quantum_unit, 'm');
  for (const char* bad : {"", "d", "0d", "15", "15w", "-1h", "1.5h", "99999999999d"}) {
    EXPECT_FALSE(ApplySetting(&c, "ingest.quantum", bad).ok()) << bad;
  }
  ASSERT_TRUE(ApplySetting(&c, "ingest.prometheus_table", "prom").ok());
  EXPECT_EQ(c.service.prometheus_table, "prom");
  EXPECT_FALSE(ApplySetting(&c, "ingest.prometheus_table", "").ok());
}

}  // namespace
}  // namespace quanta::server
