#include "client/leader_election.h"

#include <random>

#include "util/log.h"

namespace skiff::client {
namespace {

constexpr const char* kComponent = "leader-election";
constexpr double kJitterFactor = 1.2;  // client-go's JitterFactor

LeaderElectionRecord record_of(const Json& lease) {
  LeaderElectionRecord r;
  const Json* spec = find_path(lease, "spec");
  if (!spec || !spec->is_object()) return r;
  r.holder_identity = get_string(*spec, "holderIdentity");
  r.acquire_time = get_string(*spec, "acquireTime");
  r.renew_time = get_string(*spec, "renewTime");
  if (const Json* d = find_path(*spec, "leaseDurationSeconds"); d && d->is_number_integer()) r.lease_duration_seconds = d->get<int32_t>();
  if (const Json* t = find_path(*spec, "leaseTransitions"); t && t->is_number_integer()) r.lease_transitions = t->get<int32_t>();
  return r;
}

Json spec_of(const LeaderElectionRecord& r) {
  Json spec = {{"leaseDurationSeconds", r.lease_duration_seconds}, {"leaseTransitions", r.lease_transitions}};
  if (!r.holder_identity.empty()) spec["holderIdentity"] = r.holder_identity;
  if (!r.acquire_time.empty()) spec["acquireTime"] = r.acquire_time;
  if (!r.renew_time.empty()) spec["renewTime"] = r.renew_time;
  return spec;
}

int32_t whole_seconds(std::chrono::milliseconds d) {
  return static_cast<int32_t>(std::max<int64_t>(1, (d.count() + 999) / 1000));
}

}  // namespace

Result<std::unique_ptr<LeaderElector>> LeaderElector::create(Client& client, LeaderElectionConfig config,
                                                              const Clock& clock) {
  if (config.lease_name.empty()) return Error::bad_request("leader election: lease name must not be empty");
  if (config.identity.empty()) return Error::bad_request("leader election: identity must not be empty");
  if (config.lease_duration <= config.renew_deadline)
    return Error::bad_request("leaseDuration must be greater than renewDeadline");
  if (config.renew_deadline.count() <= kJitterFactor * config.retry_period.count())
    return Error::bad_request("renewDeadline must be greater than retryPeriod*JitterFactor");
  if (config.retry_period.count() < 1) return Error::bad_request("retryPeriod must be greater than zero");
  return std::unique_ptr<LeaderElector>(new LeaderElector(client, std::move(config), clock));
}

LeaderElector::LeaderElector(Client& client, LeaderElectionConfig config, const Clock& clock)
    : client_(client),
      config_(std::move(config)),
      clock_(clock),
      leases_(client.resource("coordination.k8s.io", "v1", "leases")) {}

LeaderElector::~LeaderElector() { stop(); }

void LeaderElector::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void LeaderElector::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string LeaderElector::leader() const {
  std::lock_guard lock(mu_);
  return observed_ ? observed_->holder_identity : "";
}

bool LeaderElector::sleep(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_; });
}

void LeaderElector::run() {
  if (!acquire()) return;
  leading_ = true;
  if (config_.callbacks.on_started_leading) config_.callbacks.on_started_leading();
  renew();
  leading_ = false;
  if (config_.callbacks.on_stopped_leading) config_.callbacks.on_stopped_leading();
  bool stopping;
  {
    std::lock_guard lock(mu_);
    stopping = stopping_;
  }
  if (stopping && config_.release_on_cancel) release();
}

bool LeaderElector::acquire() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  for (;;) {
    if (try_acquire_or_renew()) return true;
    // wait.JitterUntil: retryPeriod plus up to JitterFactor times it.
    std::uniform_real_distribution<double> jitter(0.0, kJitterFactor);
    auto wait = config_.retry_period + std::chrono::milliseconds(static_cast<int64_t>(
                                           config_.retry_period.count() * jitter(rng)));
    if (!sleep(wait)) return false;
  }
}

void LeaderElector::renew() {
  auto last_renewal = std::chrono::steady_clock::now();
  while (sleep(config_.retry_period)) {
    if (try_acquire_or_renew()) {
      last_renewal = std::chrono::steady_clock::now();
      continue;
    }
    if (std::chrono::steady_clock::now() - last_renewal >= config_.renew_deadline) {
      log::info(kComponent, "failed to renew lease " + config_.lease_namespace + "/" + config_.lease_name +
                                ": timed out waiting for the condition");
      return;
    }
  }
}

void LeaderElector::observe(const LeaderElectionRecord& record) {
  std::string changed_to;
  {
    std::lock_guard lock(mu_);
    if (!observed_ || !(*observed_ == record)) {
      observed_ = record;
      observed_time_ = std::chrono::steady_clock::now();
    }
    if (record.holder_identity != reported_leader_) {
      reported_leader_ = record.holder_identity;
      changed_to = record.holder_identity;
    }
  }
  if (!changed_to.empty() && config_.callbacks.on_new_leader) config_.callbacks.on_new_leader(changed_to);
}

bool LeaderElector::try_acquire_or_renew() {
  const std::string now = format_rfc3339_micro(clock_.now());
  LeaderElectionRecord desired{.holder_identity = config_.identity,
                               .lease_duration_seconds = whole_seconds(config_.lease_duration),
                               .acquire_time = now,
                               .renew_time = now,
                               .lease_transitions = 0};

  auto current = client_.get(leases_, config_.lease_namespace, config_.lease_name);
  if (!current.ok()) {
    if (current.error().code != 404) {
      log::warn(kComponent, "error retrieving lease " + config_.lease_name + ": " + current.error().message);
      return false;
    }
    Json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                  {"kind", "Lease"},
                  {"metadata", {{"name", config_.lease_name}, {"namespace", config_.lease_namespace}}},
                  {"spec", spec_of(desired)}};
    if (!client_.create(leases_, config_.lease_namespace, std::move(lease)).ok())
      return false;  // another candidate created it first
    observe(desired);
    return true;
  }

  LeaderElectionRecord old = record_of(*current);
  observe(old);
  bool held_by_us = old.holder_identity == config_.identity;
  {
    std::lock_guard lock(mu_);
    auto valid_until = observed_time_ + std::chrono::seconds(old.lease_duration_seconds);
    if (!old.holder_identity.empty() && !held_by_us && valid_until > std::chrono::steady_clock::now())
      return false;  // someone else holds an unexpired lease
  }
  if (held_by_us) {
    desired.acquire_time = old.acquire_time;
    desired.lease_transitions = old.lease_transitions;
  } else {
    desired.lease_transitions = old.lease_transitions + 1;
  }

  Json lease = *current;
  lease["spec"] = spec_of(desired);
  // The resourceVersion we read: a concurrent writer makes this a 409 and we lose the race.
  auto updated = client_.update(leases_, config_.lease_namespace, std::move(lease));
  if (!updated.ok()) {
    if (updated.error().code != 409)
      log::warn(kComponent, "failed to update lease " + config_.lease_name + ": " + updated.error().message);
    return false;
  }
  observe(desired);
  return true;
}

void LeaderElector::release() {
  auto current = client_.get(leases_, config_.lease_namespace, config_.lease_name);
  if (!current.ok()) return;
  LeaderElectionRecord old = record_of(*current);
  if (old.holder_identity != config_.identity) return;
  // As client-go: an empty holder with a one-second lease, so the next candidate need not wait.
  const std::string now = format_rfc3339_micro(clock_.now());
  LeaderElectionRecord released{.holder_identity = "",
                                .lease_duration_seconds = 1,
                                .acquire_time = now,
                                .renew_time = now,
                                .lease_transitions = old.lease_transitions};
  Json lease = *current;
  lease["spec"] = spec_of(released);
  auto updated = client_.update(leases_, config_.lease_namespace, std::move(lease));
  if (!updated.ok()) log::warn(kComponent, "failed to release lease " + config_.lease_name + ": " + updated.error().message);
}

}  // namespace skiff::client
