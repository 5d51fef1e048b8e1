// Security: Riak-style users, groups, sources and grants (docs/security.md), kept in the data
// directory's `security.json` (docs/formats/security.md), or in cluster mode in the RADOS pool.
//
// Transports ask two questions: Authenticate(user, password, peer, certificate name) when a
// client logs in, and Check(user, permission, table) before each request. Both answer with
// Riak's texts ("Authentication failed", "Permission denied: User 'u' does not have 'p' on t").
// The operator changes the state through Apply() (the admin channel's `security` command);
// every change is written to disk before it is answered.
//
// Thread safety: every method may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/refresh_gate.h"
#include "common/status.h"
#include "security/cidr.h"

namespace quanta::security {

// The permissions a grant can name (Riak TS's riak_ts.* plus the extensions).
const std::vector<std::string>& KnownPermissions();

enum class SourceType { kTrust, kPassword, kCertificate };
std::string_view SourceTypeName(SourceType t);
std::optional<SourceType> ParseSourceType(std::string_view name);

struct PasswordHash {
  std::string salt_hex;
  std::string hash_hex;
  int iterations = 0;
};

struct User {
  std::string name;
  std::optional<PasswordHash> password;
  std::set<std::string> groups;
};

struct Group {
  std::string name;
};

struct Source {
  std::string user;  // a user name or "all"
  Cidr cidr;
  SourceType type = SourceType::kPassword;
};

// Grants are kept per grantee (a user, a group or "all") and scope ("any" or a table name).
using GrantMap = std::map<std::string, std::map<std::string, std::set<std::string>>>;

struct State {
  bool enabled = false;
  std::map<std::string, User> users;
  std::map<std::string, Group> groups;
  std::vector<Source> sources;
  GrantMap grants;
};

// Where the state is kept: the data directory's `security.json` (one server), or in cluster
// mode a record every coordinator of the RADOS pool shares (service/security_glue.h).
class StateStorage {
 public:
  virtual ~StateStorage() = default;
  // The stored text; nullopt when nothing was stored yet.
  virtual Result<std::optional<std::string>> Read() = 0;
  // Stores `text` in place of `expected` (what Read gave; nullopt: nothing): kConflict when
  // another writer changed it since (the caller reads again and redoes its change).
  virtual Status Replace(const std::optional<std::string>& expected, const std::string& text) = 0;
};

// `<dir>/security.json`, written atomically (tmp, fsync, rename, directory fsync).
std::unique_ptr<StateStorage> FileStateStorage(const std::string& dir);

class Security {
 public:
  // Loads `<dir>/security.json` when it exists (an empty, disabled state otherwise). An empty
  // `dir` keeps the state in memory only (tests, in-process servers).
  static Result<std::unique_ptr<Security>> Open(const std::string& dir);
  // The state kept in `storage` (null: in memory only).
  static Result<std::unique_ptr<Security>> Open(std::unique_ptr<StateStorage> storage);

  // Another process may have changed the stored state: it is read again before the next use.
  void MarkChanged() { refresh_.MarkChanged(); }
  // Announcements may have been missed (the watch broke): read again in the background.
  void MarkMaybeChanged() { refresh_.MarkMaybeChanged(); }
  // No more reads of the storage (before it is closed).
  void StopRefresh() { refresh_.Stop(); }

  bool enabled() const;

  // The user's name when `password` (or the trust/certificate source) lets `user` in from
  // `peer_ip`; else kGeneric "Authentication failed". The source is chosen as Riak does: the
  // matching CIDR with the longest prefix, a source for the user before one for `all`.
  // `cert_name`: the common name of the client certificate the TLS layer verified, if any.
  Status Authenticate(std::string_view user, std::string_view password, std::string_view peer_ip,
                      std::optional<std::string_view> cert_name) const;

  // OK when `user` holds `permission` on `table` (or on any table) directly, through one of
  // its groups or through `all`; else kGeneric with Riak's denial text. `table` empty: the
  // permission is not about a table (riak_ts.show_tables).
  Status Check(std::string_view user, std::string_view permission, std::string_view table) const;

  // One operator command, as the admin channel's `security` command receives it: `op` is the
  // riak-admin security subcommand (add-user, grant, print-users, ...) and `args` its words.
  // Answers the text riak-admin would print (possibly empty). Changes are saved first.
  Result<std::string> Apply(std::string_view op, const std::vector<std::string>& args);

  State Snapshot() const;

 private:
  Security(std::unique_ptr<StateStorage> storage, std::optional<std::string> stored, State state)
      : storage_(std::move(storage)),
        stored_(std::move(stored)),
        state_(std::move(state)),
        refresh_([this] { return RefreshOnce(); }) {}
  // One attempt of Apply: kConflict when another coordinator changed the state meanwhile.
  Result<std::string> ApplyOnce(std::string_view op, const std::vector<std::string>& args,
                                const std::optional<PasswordHash>& new_hash);
  Status Save(const State& s);            // REQUIRES: mu_ held exclusively
  Status ReloadLocked();                  // REQUIRES: mu_ held exclusively
  Status InstallLocked(std::optional<std::string> text);  // REQUIRES: mu_ held exclusively
  void RefreshIfChanged() const;
  RefreshGate::Outcome RefreshOnce();  // one read of the stored state (refresh_ decides when)

  std::unique_ptr<StateStorage> storage_;  // null: memory only
  std::optional<std::string> stored_;      // GUARDED_BY(mu_): the text as last read or written
  mutable std::shared_mutex mu_;
  State state_;
  // Counts the changes of state_, so that a read made without mu_ is not installed over a
  // newer state.
  uint64_t generation_ = 0;  // GUARDED_BY(mu_)
  // Who reads the state again after MarkChanged, and when. Last: destroyed first, stopping
  // its thread before what RefreshOnce uses goes.
  mutable RefreshGate refresh_;
};

// The state file's JSON text and back (docs/formats/security.md).
std::string EncodeState(const State& s);
Result<State> DecodeState(std::string_view json);

}  // namespace quanta::security
