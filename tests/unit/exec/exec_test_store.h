// A Store for executor tests: the real store (the engine over RocksDB, small chunks) in a
// temporary directory, wrapped so that a
// test can slow scans down at random (to shuffle the timing of parallel sub-queries), make the
// scan of chosen quanta fail, count what was scanned, have cursors answer runs of rows with
// summary batches (storage/batch.h) computed from the rows they stand for, and hand VARCHAR
// columns over in dictionary form.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "storage/embedded.h"
#include "storage/store.h"

namespace quanta::exec::testing {

class TestStore : public storage::Store {
 public:
  // Knobs, set before the scans they affect.
  int max_delay_us = 0;             // each Next sleeps a random 0..max_delay_us
  bool summaries = false;           // answer random runs with summaries when the caller allows
  bool inner_summaries = true;      // let the store below answer with its own summaries too
  bool force_summaries = false;     // ... even when it does not (a misbehaving engine)
  // VARCHAR/BLOB columns in dictionary form: one dictionary per scan that grows as strings
  // come (a new dictionary object whenever it grew, as an engine moving to the next chunk), and
  // for every other batch a batch-private one in a shuffled order.
  bool dictionary = false;
  uint32_t seed = 1;
  // Called before each Next with the scan's range and the number of batches already returned;
  // an error is returned from Next.
  std::function<Status(const storage::ScanRange&, int)> fail;

  // What was asked for and returned.
  std::atomic<uint64_t> scans{0};
  std::atomic<uint64_t> rows_served{0};
  std::atomic<uint64_t> summary_batches{0};
  std::atomic<uint64_t> summary_scans{0};  // scans whose caller allowed summaries

  explicit TestStore(const std::string& name) {
    dir_ = std::filesystem::temp_directory_path() /
           ("quanta_exec_test_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(dir_);
    storage::EmbeddedOptions o;
    o.backend.data_dir = (dir_ / "data").string();
    o.backend.block_cache_mb = 8;
    o.backend.write_buffer_mb = 4;
    o.backend.min_free_space_bytes = 0;
    o.backend.idle_compaction_ms = 0;
    o.engine.chunk_rows = 256;  // many chunks per quantum once sealed (Compact)
    auto s = storage::OpenEmbeddedStore(o);
    if (s.ok()) inner_ = std::move(*s);
  }
  ~TestStore() override {
    inner_.reset();
    std::filesystem::remove_all(dir_);
  }
  bool ok() const { return inner_ != nullptr; }

  Status Put(const schema::TableDef& t, std::span<const Row> rows) override {
    return inner_->Put(t, rows);
  }
  Result<std::optional<Row>> Get(const schema::TableDef& t, const Row& key) override {
    return inner_->Get(t, key);
  }
  Result<bool> Delete(const schema::TableDef& t, const Row& key) override {
    return inner_->Delete(t, key);
  }
  Result<std::unique_ptr<storage::ScanCursor>> Scan(const schema::TableDef& table,
                                                    const storage::ScanRange& range,
                                                    const storage::ScanOptions& options) override {
    scans++;
    if (options.allow_summaries) summary_scans++;
    storage::ScanOptions inner_options = options;
    inner_options.allow_summaries = options.allow_summaries && inner_summaries;
    QUANTA_ASSIGN_OR_RETURN(auto inner, inner_->Scan(table, range, inner_options));
    bool summarize = force_summaries || (summaries && options.allow_summaries);
    uint32_t s = seed * 2654435761u + static_cast<uint32_t>(range.time_lo.value_or(0));
    return std::unique_ptr<storage::ScanCursor>(
        new Cursor(this, std::move(inner), range, summarize, s));
  }
  Status ListKeys(const schema::TableDef& t,
                  const std::function<Status(std::vector<Row>&&)>& sink) override {
    return inner_->ListKeys(t, sink);
  }
  void AttachTable(const schema::TableDef& t) override { inner_->AttachTable(t); }
  Status DropTableData(const schema::TableDef& t) override { return inner_->DropTableData(t); }
  Status DeleteRange(const schema::TableDef& t, const storage::ScanRange& r) override {
    return inner_->DeleteRange(t, r);
  }
  Result<uint64_t> DropExpired(const schema::TableDef& t, const ExpiryCutoffFn& cutoff,
                               size_t max) override {
    return inner_->DropExpired(t, cutoff, max);
  }
  Status ReclaimSpace() override { return inner_->ReclaimSpace(); }
  Status PutMeta(const std::string& k, const std::string& v) override { return inner_->PutMeta(k, v); }
  Status UpdateMeta(
      const std::vector<std::pair<std::string, std::optional<std::string>>>& c) override {
    return inner_->UpdateMeta(c);
  }
  Result<std::optional<std::string>> GetMeta(const std::string& k) override {
    return inner_->GetMeta(k);
  }
  Result<std::vector<std::pair<std::string, std::string>>> ListMeta(const std::string& p) override {
    return inner_->ListMeta(p);
  }
  Status Flush() override { return inner_->Flush(); }
  Status Compact() override { return inner_->Compact(); }
  uint64_t ApproximateDiskBytes() override { return inner_->ApproximateDiskBytes(); }
  storage::StoreStats Stats() override { return inner_->Stats(); }

  // The summary of rows [from, to) of a batch for every filled column, as an engine keeps it.
  static void Summarize(const storage::RowBatch& in, size_t from, size_t to,
                        storage::RowBatch* out) {
    out->MakeSummary(to - from);
    for (size_t c = 0; c < in.columns.size(); ++c) {
      const storage::ColumnVector& col = in.columns[c];
      if (!col.filled) continue;
      storage::ColumnSummary& s = out->summaries[c];
      for (size_t r = from; r < to; ++r) {
        if (!col.nulls.empty() && col.nulls[r]) continue;
        const bool first = s.count == 0;
        s.count++;
        if (col.type == ColumnType::kSint64 || col.type == ColumnType::kTimestamp) {
          int64_t v = col.ints[r];
          s.isum += v;
          if (first || v < s.imin) s.imin = v;
          if (first || v > s.imax) s.imax = v;
        } else if (col.type == ColumnType::kDouble) {
          double v = col.doubles[r];
          s.dsum.Add(v);
          // NaN above every number; strictly less/greater, so the first of equals stays.
          auto less = [](double a, double b) { return std::isnan(b) ? !std::isnan(a) : a < b; };
          if (first || less(v, s.dmin)) s.dmin = v;
          if (first || less(s.dmax, v)) s.dmax = v;
        }
      }
    }
  }

 private:
  class Cursor : public storage::ScanCursor {
   public:
    Cursor(TestStore* store, std::unique_ptr<storage::ScanCursor> inner,
           const storage::ScanRange& range, bool summarize, uint32_t seed)
        : store_(store), inner_(std::move(inner)), range_(range), summarize_(summarize),
          rng_(seed) {}

    Result<bool> Next(storage::RowBatch* batch) override {
      if (store_->max_delay_us > 0) {
        std::uniform_int_distribution<int> d(0, store_->max_delay_us);
        std::this_thread::sleep_for(std::chrono::microseconds(d(rng_)));
      }
      if (store_->fail) {
        Status st = store_->fail(range_, batches_);
        if (!st.ok()) return st;
      }
      ++batches_;
      if (queue_.empty()) {
        storage::RowBatch b;
        QUANTA_ASSIGN_OR_RETURN(bool more, inner_->Next(&b));
        store_->rows_served += b.num_rows;
        if (b.num_rows == 0) {
          *batch = std::move(b);
          return more;
        }
        if (b.summary) {  // the engine's own (whole chunks in the range): passed on as is
          store_->summary_batches++;
          *batch = std::move(b);
          return true;
        }
        if (store_->dictionary) ToDictionary(&b);
        if (!summarize_) {
          *batch = std::move(b);
          return true;
        }
        Split(b);
      }
      *batch = std::move(queue_.front());
      queue_.pop_front();
      return true;
    }

   private:
    void ToDictionary(storage::RowBatch* b) {
      for (auto& col : b->columns) {
        if (!col.filled || col.dict ||
            (col.type != ColumnType::kVarchar && col.type != ColumnType::kBlob)) {
          continue;
        }
        const bool private_dict = rng_() % 2 == 0;
        std::vector<std::string> local;
        std::vector<std::string>* dict = private_dict ? &local : &scan_dict_;
        const size_t before = dict->size();
        col.codes.clear();
        for (size_t r = 0; r < b->num_rows; ++r) {
          const bool null = !col.nulls.empty() && col.nulls[r];
          if (null) {
            col.codes.push_back(0);  // any valid code
            if (dict->empty()) dict->push_back("unused");
            continue;
          }
          auto it = std::find(dict->begin(), dict->end(), col.strings[r]);
          if (it == dict->end()) {
            dict->push_back(col.strings[r]);
            it = dict->end() - 1;
          }
          col.codes.push_back(static_cast<uint32_t>(it - dict->begin()));
        }
        col.strings.clear();
        if (private_dict) {
          // Shuffle the entries so that codes mean other strings than in the scan's dictionary.
          std::vector<uint32_t> perm(local.size());
          for (uint32_t k = 0; k < perm.size(); ++k) perm[k] = k;
          std::shuffle(perm.begin(), perm.end(), rng_);
          std::vector<std::string> shuffled(local.size());
          for (uint32_t k = 0; k < perm.size(); ++k) shuffled[perm[k]] = local[k];
          for (auto& c : col.codes) c = perm[c];
          col.dict = std::make_shared<const std::vector<std::string>>(std::move(shuffled));
        } else {
          if (!shared_dict_ || dict->size() != before) {
            shared_dict_ = std::make_shared<const std::vector<std::string>>(scan_dict_);
          }
          col.dict = shared_dict_;
        }
      }
    }

    // Cuts a batch into runs, each returned as rows or as a summary.
    void Split(const storage::RowBatch& b) {
      std::vector<ColumnType> types;
      std::vector<bool> wanted;
      for (const auto& c : b.columns) {
        types.push_back(c.type);
        wanted.push_back(c.filled);
      }
      size_t pos = 0;
      while (pos < b.num_rows) {
        std::uniform_int_distribution<size_t> len(1, b.num_rows - pos);
        size_t end = pos + len(rng_);
        storage::RowBatch out;
        out.Reset(types, wanted);
        if (rng_() % 2 == 0) {
          Summarize(b, pos, end, &out);
          store_->summary_batches++;
        } else {
          for (size_t r = pos; r < end; ++r) {
            for (size_t c = 0; c < b.columns.size(); ++c) {
              if (!b.columns[c].filled) continue;
              out.columns[c].dict = b.columns[c].dict;
              if (b.columns[c].dict) {
                out.columns[c].codes.push_back(b.columns[c].codes[r]);
                out.columns[c].nulls.push_back(b.columns[c].nulls.empty() ? 0 : b.columns[c].nulls[r]);
              } else {
                out.columns[c].Append(b.columns[c].Get(r));
              }
            }
          }
          out.num_rows = end - pos;
        }
        queue_.push_back(std::move(out));
        pos = end;
      }
    }

    TestStore* store_;
    std::unique_ptr<storage::ScanCursor> inner_;
    storage::ScanRange range_;
    bool summarize_;
    std::mt19937 rng_;
    int batches_ = 0;
    std::deque<storage::RowBatch> queue_;
    std::vector<std::string> scan_dict_;
    std::shared_ptr<const std::vector<std::string>> shared_dict_;
  };

  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> inner_;
};

}  // namespace quanta::exec::testing
