// commands: one class per directive of a golden SQL test file (docs/testing.md), and the
// TestContext they run in.
//
// The script parser builds a tree of Commands (a LoopCommand holds its body); runner_main runs
// them in order against a Harness. A failing check never stops the file: it is reported with
// file:line, the SQL, and the actual output in paste-ready .test form, and counted.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "transport.h"

namespace quanta::sqltest {

enum class SortMode { kNoSort, kRowSort, kValueSort };

class TestContext {
 public:
  TestContext(std::string file, Harness& harness, std::ostream& out);

  const std::string& file() const { return file_; }
  Harness& harness() { return harness_; }
  std::ostream& out() { return out_; }

  // ${var} substitution with the `set` and loop variables in scope. An unknown ${name} is kept
  // as is.
  std::string Substitute(const std::string& text) const;
  void SetVar(const std::string& name, std::string value) { vars_[name] = std::move(value); }
  void EraseVar(const std::string& name) { vars_.erase(name); }
  // Loop variables in scope, shown in failure reports ("i=5").
  void EnterLoop(const std::string& name) { loop_vars_.push_back(name); }
  void LeaveLoop() { loop_vars_.pop_back(); }

  // The transport selection (`transport` directive): "inproc", "pb", "ttb", "http" or "all".
  void SetTransport(std::string name) { transport_ = std::move(name); }
  const std::string& transport() const { return transport_; }
  // Transports a query / statement error runs on. Empty when the selected one is not available
  // in this build (the directive is then skipped, see docs/testing.md).
  std::vector<Transport*> QueryTransports();
  // The transport a `statement ok` runs on: under `all` the transports take turns, so that a
  // non-idempotent statement (CREATE TABLE) runs once and every front end still writes.
  Transport* StatementTransport();

  // Counters and reporting.
  void CountRun() { ++run_; }
  void CountSkipped() { ++skipped_; }
  // Prints "file:line: <what>" and the block below it; counts a failure.
  void Fail(int line, const std::string& what, const std::string& block);
  int failures() const { return failures_; }
  int run() const { return run_; }
  int skipped() const { return skipped_; }
  // Fatal harness problem (cannot restart the server): the rest of the file is not run.
  void Abort(int line, const std::string& what);
  bool aborted() const { return aborted_; }

 private:
  std::string file_;
  Harness& harness_;
  std::ostream& out_;
  std::map<std::string, std::string> vars_;
  std::vector<std::string> loop_vars_;
  std::string transport_ = "inproc";
  size_t rotate_ = 0;
  int run_ = 0;
  int skipped_ = 0;
  int failures_ = 0;
  bool aborted_ = false;
};

class Command {
 public:
  explicit Command(int line) : line_(line) {}
  virtual ~Command() = default;
  // Runs the directive (or counts it as skipped when inside `mode skip`).
  void Execute(TestContext& ctx);
  int line() const { return line_; }
  bool skipped = false;

 protected:
  virtual void Run(TestContext& ctx) = 0;
  // Loops count their body, not themselves.
  virtual bool counts() const { return true; }

 private:
  int line_;
};

// `statement ok` / `statement error [<code>]` [---- <message> | <REGEX>:<pattern>]
class StatementCommand final : public Command {
 public:
  StatementCommand(int line, std::string sql) : Command(line), sql_(std::move(sql)) {}
  void ExpectError(std::optional<int> code) {
    expect_error_ = true;
    code_ = code;
  }
  // `text` as written after ----: exact (escaped, see UnescapeMessage) or <REGEX>:pattern.
  void ExpectMessage(std::string text) { message_ = std::move(text); }

 protected:
  void Run(TestContext& ctx) override;

 private:
  void Check(TestContext& ctx, Transport& t, const std::string& sql);
  std::string sql_;
  bool expect_error_ = false;
  std::optional<int> code_;
  std::optional<std::string> message_;
};

// `query <types> [nosort|rowsort|valuesort] [header]`, SQL, ----, expected lines.
class QueryCommand final : public Command {
 public:
  QueryCommand(int line, std::string types, SortMode sort, bool header, std::string sql,
               std::vector<std::string> expected)
      : Command(line),
        types_(std::move(types)),
        sort_(sort),
        header_(header),
        sql_(std::move(sql)),
        expected_(std::move(expected)) {}

 protected:
  void Run(TestContext& ctx) override;

 private:
  void Check(TestContext& ctx, Transport& t, const std::string& sql,
             const std::vector<std::string>& expected);
  std::string types_;
  SortMode sort_;
  bool header_;
  std::string sql_;
  std::vector<std::string> expected_;
};

class RestartCommand final : public Command {
 public:
  using Command::Command;

 protected:
  void Run(TestContext& ctx) override;
};

// `lifecycle`: one pass of the background data lifecycle, now (Harness::RunLifecycle).
class LifecycleCommand final : public Command {
 public:
  using Command::Command;

 protected:
  void Run(TestContext& ctx) override;
};

class ConfigCommand final : public Command {
 public:
  ConfigCommand(int line, std::string key, std::string value)
      : Command(line), key_(std::move(key)), value_(std::move(value)) {}

 protected:
  void Run(TestContext& ctx) override;

 private:
  std::string key_, value_;
};

// `set <var> <text>`: ${var} expands to text (the rest of the line) from here on.
class SetCommand final : public Command {
 public:
  SetCommand(int line, std::string var, std::string value)
      : Command(line), var_(std::move(var)), value_(std::move(value)) {}

 protected:
  void Run(TestContext& ctx) override;
  bool counts() const override { return false; }

 private:
  std::string var_, value_;
};

class TransportCommand final : public Command {
 public:
  TransportCommand(int line, std::string name) : Command(line), name_(std::move(name)) {}

 protected:
  void Run(TestContext& ctx) override;
  bool counts() const override { return false; }

 private:
  std::string name_;
};

// `loop <var> <from> <to> [<step>]` ... `endloop`: var = from, from+step, ... while < to.
class LoopCommand final : public Command {
 public:
  LoopCommand(int line, std::string var, int64_t from, int64_t to, int64_t step)
      : Command(line), var_(std::move(var)), from_(from), to_(to), step_(step) {}
  std::vector<std::unique_ptr<Command>>& body() { return body_; }

 protected:
  void Run(TestContext& ctx) override;
  bool counts() const override { return false; }

 private:
  std::string var_;
  int64_t from_, to_, step_;
  std::vector<std::unique_ptr<Command>> body_;
};

std::string SortModeName(SortMode mode);

}  // namespace quanta::sqltest
