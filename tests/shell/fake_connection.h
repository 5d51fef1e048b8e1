// A scripted ShellConnection for unit tests: answers queries from a table keyed by SQL text.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "shell_connection.h"

namespace quanta::shell {

struct FakeServer {
  struct Answer {
    ShellError error;
    ResultSet result;
  };
  std::map<std::string, Answer> answers;  // by SQL text
  std::vector<std::string> queries;       // every Query() received
  std::vector<Endpoint> opens;            // every Open() received
  std::vector<Endpoint> reachable{Endpoint{}};
  int drop_next_queries = 0;  // transport errors before answering
  int pings = 0;
};

class FakeConnection : public ShellConnection {
 public:
  explicit FakeConnection(FakeServer* server) : server_(server) {}

  ShellError Open(const Endpoint& e) override {
    server_->opens.push_back(e);
    open_ = false;
    for (const Endpoint& r : server_->reachable) {
      if (r == e) {
        open_ = true;
        return {};
      }
    }
    return ShellError::Transport("Connection refused");
  }
  void Close() override { open_ = false; }
  bool is_open() const override { return open_; }
  ShellError Query(const std::string& sql, ResultSet* result) override {
    server_->queries.push_back(sql);
    if (server_->drop_next_queries > 0) {
      --server_->drop_next_queries;
      open_ = false;
      return ShellError::Transport("Connection reset by peer");
    }
    auto it = server_->answers.find(sql);
    if (it == server_->answers.end()) return {};
    *result = it->second.result;
    return it->second.error;
  }
  ShellError Ping() override {
    ++server_->pings;
    return {};
  }
  ShellError GetServerInfo(ServerInfo* info) override {
    info->node = "quanta@127.0.0.1";
    info->server_version = "quanta 0.1.0";
    return {};
  }

 private:
  FakeServer* server_;
  bool open_ = false;
};

class FakeFactory : public ShellConnectionFactory {
 public:
  explicit FakeFactory(FakeServer* server) : server_(server) {}
  std::unique_ptr<ShellConnection> Create() override {
    return std::make_unique<FakeConnection>(server_);
  }

 private:
  FakeServer* server_;
};

}  // namespace quanta::shell
