// helm's memory driver: releases kept in the process (dry runs, tests).
#include "chart/release/storage.h"

namespace skiff::chart::release {

namespace {

class MemoryDriver final : public Driver {
 public:
  explicit MemoryDriver(std::string ns) : ns_(std::move(ns)) {}
  std::string name() const override { return "Memory"; }

  Result<Release> get(const std::string& key) override {
    auto it = records_.find(key);
    if (it == records_.end()) return Error::not_found(kErrReleaseNotFound);
    return it->second.release;
  }

  Result<std::vector<Release>> list(const std::function<bool(const Release&)>& filter) override {
    std::vector<Release> out;
    for (const auto& [key, rec] : records_) {
      if (filter(rec.release)) out.push_back(with_labels(rec));
    }
    return out;
  }

  Result<std::vector<Release>> query(const Labels& labels) override {
    std::vector<Release> out;
    for (const auto& [key, rec] : records_) {
      Labels all = all_labels(rec);
      bool match = true;
      for (const auto& [k, v] : labels) {
        auto it = all.find(k);
        if (it == all.end() || it->second != v) match = false;
      }
      if (match) out.push_back(with_labels(rec));
    }
    if (out.empty()) return Error::not_found(kErrReleaseNotFound);
    return out;
  }

  Status create(const std::string& key, const Release& r) override {
    if (records_.count(key)) return Error::already_exists(kErrReleaseExists);
    records_[key] = {r};
    return ok_status();
  }

  Status update(const std::string& key, const Release& r) override {
    auto it = records_.find(key);
    if (it == records_.end()) return Error::not_found(kErrReleaseNotFound);
    it->second.release = r;
    return ok_status();
  }

  Result<Release> remove(const std::string& key) override {
    auto it = records_.find(key);
    if (it == records_.end()) return Error::not_found(kErrReleaseNotFound);
    Release r = it->second.release;
    records_.erase(it);
    return r;
  }

 private:
  struct Record {
    Release release;
  };
  static Labels all_labels(const Record& rec) {
    Labels l = rec.release.labels;
    l["name"] = rec.release.name;
    l["owner"] = "helm";
    l["status"] = rec.release.info.status;
    l["version"] = std::to_string(rec.release.version);
    return l;
  }
  static Release with_labels(const Record& rec) {
    Release r = rec.release;
    r.labels = all_labels(rec);
    return r;
  }

  std::string ns_;
  std::map<std::string, Record> records_;
};

}  // namespace

std::unique_ptr<Driver> new_memory_driver(std::string ns) { return std::make_unique<MemoryDriver>(std::move(ns)); }

}  // namespace skiff::chart::release
