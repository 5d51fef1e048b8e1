// quanta-admin import: copies a table from a running Riak TS cluster (or another quantad) over
// its PB API (docs/migration.md). The definition comes from SHOW CREATE TABLE, or is rebuilt
// from DESCRIBE where the source lacks it (Riak TS 1.5); the rows are walked partition by
// partition (table_copy.h) and put on this server in batches. After each partition the
// position is written to the resume file, so that a stopped import goes on where it was (puts
// are upserts: a partition copied twice leaves one copy).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "common/iso8601.h"
#include "commands.h"
#include "progress.h"
#include "table_copy.h"

namespace quanta::admin {

namespace {

int Fail(const std::string& what) {
  std::cerr << "quanta-admin: import: " << what << "\n";
  return 1;
}

std::optional<int64_t> ParseTime(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("-0123456789") == std::string::npos &&
      text.size() < 20) {
    return std::stoll(text);
  }
  auto iso = ParseIso8601(text);
  if (!iso.ok()) return std::nullopt;
  return iso->ms;
}

struct ResumeState {
  std::string header;  // what the position is valid for: table, since, until
  std::optional<std::string> position;
};

Result<ResumeState> ReadResume(const std::string& path) {
  ResumeState s;
  std::ifstream in(path);
  if (!in) return s;  // no file yet: from the start
  std::string line;
  if (std::getline(in, line)) s.header = line;
  if (std::getline(in, line) && !line.empty()) s.position = line;
  return s;
}

Status WriteResume(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status(ErrorCode::kIoError, "cannot write " + tmp);
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status(ErrorCode::kIoError, "cannot write " + path);
  }
  return Status::OK();
}

// What differs between two shapes of one table, or "" when they match.
std::string Difference(const TableInfo& a, const TableInfo& b) {
  if (a.columns.size() != b.columns.size()) {
    return std::to_string(a.columns.size()) + " columns here, " +
           std::to_string(b.columns.size()) + " there";
  }
  for (size_t i = 0; i < a.columns.size(); ++i) {
    if (!(a.columns[i] == b.columns[i])) return "column " + std::to_string(i + 1) + " (" +
                                                a.columns[i].name + ") differs";
  }
  return "";
}

}  // namespace

int RunImport(const AdminContext& ctx, const std::vector<std::string>& args) {
  std::string from, table_name, resume_path, since_text, until_text;
  size_t batch_rows = 500;
  bool progress_asked = false;
  bool from_describe = false;
  PbLogin from_login;
  const char* usage =
      "usage: quanta-admin import --from HOST:PORT --table T [--since TIME] [--until TIME] "
      "[--resume-file F] [--batch ROWS] [--from-describe] [--progress] [--from-user U "
      "[--from-password-file F] [--from-cacert F] [--from-cert F --from-key F]]\n";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& f = args[i];
    std::string login_error;
    if (ParseLoginOption(args, &i, "--from-", &from_login, &login_error)) {
      if (login_error.empty()) continue;
      std::cerr << "quanta-admin: import: " << login_error << "\n";
      return 2;
    }
    std::string* dst = f == "--from"          ? &from
                       : f == "--table"       ? &table_name
                       : f == "--resume-file" ? &resume_path
                       : f == "--since"       ? &since_text
                       : f == "--until"       ? &until_text
                                              : nullptr;
    if (dst != nullptr && i + 1 < args.size()) {
      *dst = args[++i];
    } else if (f == "--batch" && i + 1 < args.size()) {
      const std::string& v = args[++i];
      batch_rows = !v.empty() && v.size() < 7 &&
                           v.find_first_not_of("0123456789") == std::string::npos
                       ? std::stoul(v)
                       : 0;
      if (batch_rows == 0) {
        std::cerr << usage;
        return 2;
      }
    } else if (f == "--progress") {
      progress_asked = true;
    } else if (f == "--from-describe") {
      from_describe = true;
    } else {
      std::cerr << usage;
      return 2;
    }
  }
  const size_t colon = from.rfind(':');
  if (from.empty() || table_name.empty() || colon == std::string::npos || colon + 1 == from.size() ||
      from.find_first_not_of("0123456789", colon + 1) != std::string::npos ||
      from.size() - colon > 6) {
    std::cerr << usage;
    return 2;
  }
  const std::string source_host = from.substr(0, colon);
  const unsigned long source_port = std::stoul(from.substr(colon + 1));
  WalkOptions walk;
  if (!since_text.empty() && !(walk.since = ParseTime(since_text))) {
    return Fail("--since wants milliseconds or an ISO 8601 date/time");
  }
  if (!until_text.empty() && !(walk.until = ParseTime(until_text))) {
    return Fail("--until wants milliseconds or an ISO 8601 date/time");
  }

  PasswordFromEnvironment("QUANTA_FROM_PASSWORD", &from_login);
  auto source = ConnectPb(source_host, static_cast<uint16_t>(source_port), from_login);
  if (!source.ok()) return Fail("source " + from + ": " + source.error().message());
  auto target = ConnectPb(ctx.pb_host, ctx.pb_port, ctx.pb_login);
  if (!target.ok()) return Fail("target: " + target.error().message());

  auto table = DescribeTable(**source, table_name);
  if (!table.ok()) return Fail("source: " + table.error().message());
  if (table->quantum_column < 0 && (walk.since || walk.until)) {
    return Fail(table_name + " has no quantum: --since/--until do not apply");
  }
  auto existing = DescribeTable(**target, table_name);
  if (existing.ok()) {
    const std::string diff = Difference(*table, *existing);
    if (!diff.empty()) {
      return Fail(table_name + " exists here with another definition: " + diff);
    }
    std::cerr << table_name << " exists here with the same definition\n";
  } else if (existing.error().code() == ErrorCode::kIoError ||
             existing.error().code() == ErrorCode::kInvalidArgument) {
    return Fail("target: " + existing.error().message());
  } else {
    // --from-describe: the source's SHOW CREATE TABLE carries WITH properties this server
    // should not take over (or the operator wants what Riak TS 1.5 would give).
    auto shown = from_describe ? Result<std::optional<std::string>>(std::optional<std::string>())
                               : ShowCreateTable(**source, table_name);
    if (!shown.ok()) return Fail("source: " + shown.error().message());
    const std::string sql = shown->has_value() ? ReusableCreateSql(**shown) : table->CreateSql();
    std::cerr << "creating " << table_name
              << (shown->has_value() ? " (SHOW CREATE TABLE)" : " (rebuilt from DESCRIBE)")
              << ": " << sql << "\n";
    auto created = (*target)->Query(sql);
    if (!created.ok() && created.error().code() != ErrorCode::kIoError && shown->has_value()) {
      // A WITH list ReusableCreateSql could not make acceptable (a string value holding a line
      // break, a property this server refuses): the table goes without its properties.
      std::cerr << "the source's definition was refused here (" << created.error().message()
                << "); creating it from DESCRIBE, without its WITH properties: "
                << table->CreateSql() << "\n";
      created = (*target)->Query(table->CreateSql());
    }
    if (!created.ok()) return Fail("CREATE TABLE here: " + created.error().message());
    auto now = DescribeTable(**target, table_name);
    if (!now.ok()) return Fail("target: " + now.error().message());
    if (const std::string diff = Difference(*table, *now); !diff.empty()) {
      return Fail("the table created here differs from the source's: " + diff);
    }
  }

  const std::string resume_header = "quanta-import table=" + table_name + " since=" + since_text +
                                    " until=" + until_text;
  // Two imports sharing a resume file would overwrite each other's position: the second is
  // refused while the first runs (the lock goes with the process, however it ends).
  int lock_fd = -1;
  if (!resume_path.empty()) {
    const std::string lock_path = resume_path + ".lock";
    lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd < 0) return Fail("cannot open " + lock_path);
    if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(lock_fd);
      return Fail("another import is using " + resume_path);
    }
  }
  struct CloseLock {
    int fd;
    ~CloseLock() {
      if (fd >= 0) ::close(fd);
    }
  } close_lock{lock_fd};
  if (!resume_path.empty()) {
    auto state = ReadResume(resume_path);
    if (!state.ok()) return Fail(state.error().message());
    if (state->position) {
      if (state->header != resume_header) {
        return Fail(resume_path + " is the position of another import (" + state->header + ")");
      }
      auto p = DecodePartition(*table, *state->position);
      if (!p.ok()) return Fail(resume_path + ": " + p.error().message());
      walk.resume_after = std::move(*p);
      std::cerr << "resuming after the position in " << resume_path << "\n";
    }
  }

  Progress progress(progress_asked);
  auto partitions = ListPartitions(**source, *table, [&](uint64_t keys) {
    progress.Update(0, "listing keys on the source: " + std::to_string(keys));
  });
  if (!partitions.ok()) return Fail("source: " + partitions.error().message());
  size_t skipped = 0;
  if (walk.resume_after) {
    for (const Row& p : *partitions) skipped += !PartitionLess(*walk.resume_after, p);
  }
  uint64_t rows = 0;
  size_t done = skipped;
  std::vector<Row> pending;
  auto put = [&]() -> Status {
    if (pending.empty()) return Status::OK();
    Status st = (*target)->Put(table_name, pending);
    if (!st.ok()) return Status(st.code(), "put here: " + st.message());
    rows += pending.size();
    pending.clear();
    return Status::OK();
  };
  Status st = ReadPartitions(
      **source, *table, *partitions, walk,
      [&](std::vector<Row>&& batch) -> Status {
        for (Row& r : batch) {
          pending.push_back(std::move(r));
          if (pending.size() >= batch_rows) QUANTA_RETURN_IF_ERROR(put());
        }
        return Status::OK();
      },
      [&](const Row& p) -> Status {
        QUANTA_RETURN_IF_ERROR(put());
        ++done;
        if (!resume_path.empty()) {
          QUANTA_RETURN_IF_ERROR(
              WriteResume(resume_path, resume_header + "\n" + EncodePartition(*table, p) + "\n"));
        }
        progress.Update(rows, "rows " + std::to_string(rows) + ", partitions " +
                                  std::to_string(done) + "/" + std::to_string(partitions->size()));
        return Status::OK();
      });
  if (st.ok()) {
    progress.Update(rows, "rows " + std::to_string(rows) + ", partitions " +
                              std::to_string(done) + "/" + std::to_string(partitions->size()),
                    true);
  }
  progress.Finish();
  if (!st.ok()) {
    return Fail(st.message() + (resume_path.empty() ? "" : "; run again to resume"));
  }
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f", progress.rate(rows));
  std::cout << "imported " << rows << " rows of " << table_name << " in "
            << partitions->size() - skipped << " partitions (" << skipped
            << " done before), " << rate << " rows/s\n";
  return 0;
}

}  // namespace quanta::admin
