// The in-memory backend: every key keeps its versions since the last compaction, and a log
// of which key each revision wrote lets watches replay history.
#include <algorithm>
#include <deque>
#include <map>
#include <mutex>

#include "storage/store.h"
#include "storage/store_errors.h"
#include "storage/watch_hub.h"

namespace skiff::storage {
namespace {

struct Version {
  int64_t revision = 0;
  int64_t create_revision = 0;
  int64_t version = 0;
  bool deleted = false;
  std::string value;
};

using History = std::vector<Version>;  // ascending revision

KeyValue to_key_value(const std::string& key, const Version& v) {
  return KeyValue{key, v.value, v.create_revision, v.revision, v.version};
}

// The version live at `revision`, or null when the key did not exist then.
const Version* live_at(const History& history, int64_t revision) {
  auto it = std::upper_bound(history.begin(), history.end(), revision,
                             [](int64_t rev, const Version& v) { return rev < v.revision; });
  if (it == history.begin()) return nullptr;
  --it;
  return it->deleted ? nullptr : &*it;
}

const Version* live_now(const History& history) {
  return history.empty() || history.back().deleted ? nullptr : &history.back();
}

class MemoryStore final : public Store {
 public:
  Result<std::optional<KeyValue>> get(std::string_view key) override {
    std::lock_guard lock(mu_);
    auto it = keys_.find(key);
    if (it == keys_.end()) return std::optional<KeyValue>();
    const Version* v = live_now(it->second);
    if (!v) return std::optional<KeyValue>();
    return std::optional<KeyValue>(to_key_value(it->first, *v));
  }

  Result<RangeResult> range(std::string_view start, std::string_view end, const RangeOptions& opts) override {
    std::lock_guard lock(mu_);
    if (opts.revision > revision_) return future_revision_error();
    if (opts.revision > 0 && opts.revision < compacted_) return compacted_error();
    RangeResult result;
    result.revision = opts.revision > 0 ? opts.revision : revision_;
    for (auto it = keys_.lower_bound(start); it != keys_.end() && key_in_range(it->first, start, end); ++it) {
      const Version* v = live_at(it->second, result.revision);
      if (!v) continue;
      ++result.count;
      if (opts.count_only) continue;
      if (opts.limit > 0 && static_cast<int64_t>(result.kvs.size()) >= opts.limit) {
        result.more = true;
        continue;
      }
      result.kvs.push_back(to_key_value(it->first, *v));
    }
    return result;
  }

  Result<KeyValue> create(std::string_view key, std::string_view value) override {
    std::unique_lock lock(mu_);
    auto& history = keys_[std::string(key)];
    if (live_now(history)) return key_exists_error(key);
    return write(lock, key, history, value, /*deleted=*/false);
  }

  Result<KeyValue> update(std::string_view key, std::string_view value, int64_t expected_mod_revision) override {
    std::unique_lock lock(mu_);
    auto it = keys_.find(key);
    const Version* current = it == keys_.end() ? nullptr : live_now(it->second);
    if (!current) return key_not_found_error(key);
    if (expected_mod_revision != 0 && current->revision != expected_mod_revision) {
      return revision_mismatch_error(key, current->revision, expected_mod_revision);
    }
    return write(lock, key, it->second, value, /*deleted=*/false);
  }

  Result<KeyValue> remove(std::string_view key, int64_t expected_mod_revision) override {
    std::unique_lock lock(mu_);
    auto it = keys_.find(key);
    const Version* current = it == keys_.end() ? nullptr : live_now(it->second);
    if (!current) return key_not_found_error(key);
    if (expected_mod_revision != 0 && current->revision != expected_mod_revision) {
      return revision_mismatch_error(key, current->revision, expected_mod_revision);
    }
    KeyValue last = to_key_value(it->first, *current);
    SKIFF_TRY(write(lock, key, it->second, "", /*deleted=*/true));
    return last;
  }

  Result<std::unique_ptr<Watch>> watch(std::string_view start, std::string_view end, int64_t after_revision,
                                       WatchCallback callback) override {
    std::unique_lock lock(mu_);
    if (after_revision < compacted_) return compacted_error();
    std::vector<Event> replay;
    for (int64_t rev = std::max(after_revision + 1, first_logged_); rev <= revision_; ++rev) {
      const std::string& key = log_[rev - first_logged_];
      if (key_in_range(key, start, end)) replay.push_back(event_at(key, rev));
    }
    auto delivery = hub_->begin();
    lock.unlock();
    return delivery.add(std::string(start), std::string(end), std::move(callback), replay);
  }

  Status compact(int64_t revision) override {
    std::lock_guard lock(mu_);
    if (revision > revision_) return future_revision_error();
    if (revision <= compacted_) return compacted_error();
    for (auto it = keys_.begin(); it != keys_.end();) {
      History& history = it->second;
      // Keep the version live at `revision` (unless it is a deletion) and everything newer.
      auto keep = std::upper_bound(history.begin(), history.end(), revision,
                                   [](int64_t rev, const Version& v) { return rev < v.revision; });
      if (keep != history.begin()) {
        auto at_compaction = std::prev(keep);
        history.erase(history.begin(), at_compaction->deleted ? keep : at_compaction);
      }
      it = history.empty() ? keys_.erase(it) : std::next(it);
    }
    while (!log_.empty() && first_logged_ <= revision) {
      log_.pop_front();
      ++first_logged_;
    }
    compacted_ = revision;
    return ok_status();
  }

  int64_t current_revision() override {
    std::lock_guard lock(mu_);
    return revision_;
  }

  int64_t compacted_revision() override {
    std::lock_guard lock(mu_);
    return compacted_;
  }

 private:
  // Appends a version at the next revision, then hands delivery over to the watch hub.
  Result<KeyValue> write(std::unique_lock<std::mutex>& lock, std::string_view key, History& history,
                         std::string_view value, bool deleted) {
    const Version* previous = live_now(history);
    Version next;
    next.revision = revision_ + 1;
    next.deleted = deleted;
    if (!deleted) {
      next.create_revision = previous ? previous->create_revision : next.revision;
      next.version = previous ? previous->version + 1 : 1;
      next.value = std::string(value);
    }
    history.push_back(std::move(next));
    log_.emplace_back(key);
    revision_ = history.back().revision;
    std::vector<Event> events{event_at(std::string(key), revision_)};
    auto delivery = hub_->begin();
    lock.unlock();
    delivery.publish(events);
    return events.front().kv;
  }

  Event event_at(const std::string& key, int64_t revision) const {
    const History& history = keys_.find(key)->second;
    auto it = std::lower_bound(history.begin(), history.end(), revision,
                               [](const Version& v, int64_t rev) { return v.revision < rev; });
    Event event;
    event.type = it->deleted ? Event::Type::kDelete : Event::Type::kPut;
    event.kv = to_key_value(key, *it);
    if (it != history.begin() && !std::prev(it)->deleted) event.prev = to_key_value(key, *std::prev(it));
    return event;
  }

  std::mutex mu_;
  std::map<std::string, History, std::less<>> keys_;
  std::deque<std::string> log_;  // log_[i] is the key written at revision first_logged_ + i
  int64_t first_logged_ = 2;
  int64_t revision_ = 1;         // etcd: an empty store is at revision 1
  int64_t compacted_ = 0;
  std::shared_ptr<WatchHub> hub_ = WatchHub::create();
};

}  // namespace

std::unique_ptr<Store> new_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace skiff::storage
