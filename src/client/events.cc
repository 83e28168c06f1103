#include "client/events.h"

#include <chrono>
#include <cstdio>

#include "util/clock.h"
#include "util/log.h"

namespace skiff::client {
namespace {

constexpr size_t kMaxQueued = 10000;  // beyond this, events are dropped rather than slow anyone down

std::string field(const Json& obj, const char* section, const char* name) {
  auto s = obj.find(section);
  if (s == obj.end() || !s->is_object()) return "";
  auto f = s->find(name);
  return f != s->end() && f->is_string() ? f->get<std::string>() : "";
}

}  // namespace

EventRecorder::EventRecorder(Client& client, std::string component, std::string host)
    : client_(client), component_(std::move(component)), host_(std::move(host)) {
  thread_ = std::thread([this] { run(); });
}

EventRecorder::~EventRecorder() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void EventRecorder::record(const Json& object, const std::string& type, const std::string& reason,
                           const std::string& message, const std::string& host) {
  Pending p;
  p.host = host;
  p.involved = {{"kind", object.value("kind", "")},
                {"apiVersion", object.value("apiVersion", "")},
                {"name", field(object, "metadata", "name")},
                {"uid", field(object, "metadata", "uid")}};
  std::string ns = field(object, "metadata", "namespace");
  if (!ns.empty()) p.involved["namespace"] = ns;
  std::string rv = field(object, "metadata", "resourceVersion");
  if (!rv.empty()) p.involved["resourceVersion"] = rv;
  p.ns = ns.empty() ? "default" : ns;
  p.type = type;
  p.reason = reason;
  p.message = message;
  {
    std::lock_guard lk(mu_);
    if (stopping_ || queue_.size() >= kMaxQueued) return;
    queue_.push_back(std::move(p));
  }
  cv_.notify_one();
}

void EventRecorder::flush() {
  std::unique_lock lk(mu_);
  idle_cv_.wait(lk, [this] { return queue_.empty() && !busy_; });
}

void EventRecorder::run() {
  std::unique_lock lk(mu_);
  while (true) {
    cv_.wait(lk, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;
    Pending p = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lk.unlock();
    write(p);
    lk.lock();
    busy_ = false;
    if (queue_.empty()) idle_cv_.notify_all();
  }
  idle_cv_.notify_all();
}

void EventRecorder::write(const Pending& p) {
  const auto& events = client_.resource("", "v1", "events");
  std::string now = format_rfc3339(SystemClock::instance().now());
  std::string aggregate = p.involved.value("uid", "") + "\x1f" + p.involved.value("name", "") + "\x1f" + p.reason +
                          "\x1f" + p.message + "\x1f" + p.type;
  auto seen = seen_.find(aggregate);
  if (seen != seen_.end()) {
    auto [ns_name, count] = seen->second;
    auto [ns, name] = split_key(ns_name);
    Json patch = {{"count", count + 1}, {"lastTimestamp", now}};
    auto r = client_.patch(events, ns, name, PatchType::kMerge, patch.dump());
    if (r.ok()) {
      seen->second.second = count + 1;
      return;
    }
    seen_.erase(seen);  // the Event expired or was deleted: record a new one
  }
  auto ts = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%llx", static_cast<unsigned long long>(ts));
  std::string name = p.involved.value("name", "") + suffix;
  const std::string& host = p.host.empty() ? host_ : p.host;
  Json source = {{"component", component_}};
  if (!host.empty()) source["host"] = host;
  Json event = {{"apiVersion", "v1"},
                {"kind", "Event"},
                {"metadata", {{"name", name}, {"namespace", p.ns}}},
                {"involvedObject", p.involved},
                {"reason", p.reason},
                {"message", p.message},
                {"type", p.type},
                {"source", source},
                {"firstTimestamp", now},
                {"lastTimestamp", now},
                {"count", 1},
                {"reportingComponent", component_},
                {"reportingInstance", host.empty() ? component_ : host}};
  auto created = client_.create(events, p.ns, std::move(event));
  if (!created.ok()) {
    log::debug("events", "recording " + p.reason + " for " + p.involved.value("name", "") + ": " +
                             created.error().message);
    return;
  }
  if (seen_.size() > 4096) seen_.clear();
  seen_[aggregate] = {object_key(p.ns, name), 1};
}

}  // namespace skiff::client
