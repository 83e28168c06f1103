// Release storage as helm keeps it (pkg/storage and pkg/storage/driver): one record per
// revision under the key sh.helm.release.v1.NAME.vREV. Drivers: Secrets in the cluster (helm's
// default) and memory (dry runs, tests).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chart/release/release.h"
#include "util/result.h"

namespace skiff::client {
class Client;
}

namespace skiff::chart::release {

// helm's driver errors, word for word.
inline constexpr const char* kErrReleaseNotFound = "release: not found";
inline constexpr const char* kErrReleaseExists = "release: already exists";
inline constexpr const char* kErrNoDeployedReleases = "has no deployed releases";

using Labels = std::map<std::string, std::string>;

class Driver {
 public:
  virtual ~Driver() = default;
  virtual std::string name() const = 0;
  // Not found: Error::not_found(kErrReleaseNotFound).
  virtual Result<Release> get(const std::string& key) = 0;
  // Every release of the driver's namespace (all namespaces when it is "") with owner=helm.
  virtual Result<std::vector<Release>> list(const std::function<bool(const Release&)>& filter) = 0;
  // Releases whose labels match; not found when none do.
  virtual Result<std::vector<Release>> query(const Labels& labels) = 0;
  virtual Status create(const std::string& key, const Release& r) = 0;
  virtual Status update(const std::string& key, const Release& r) = 0;
  virtual Result<Release> remove(const std::string& key) = 0;
};

// Secrets of type helm.sh/release.v1 in namespace ns ("" = all namespaces, for list only).
std::unique_ptr<Driver> new_secrets_driver(client::Client& client, std::string ns);
std::unique_ptr<Driver> new_memory_driver(std::string ns);

// The labels helm reserves on storage objects.
const std::vector<std::string>& system_labels();
bool is_not_found(const Error& e);

std::string release_key(const std::string& name, int version);

class Storage {
 public:
  explicit Storage(std::unique_ptr<Driver> driver) : driver_(std::move(driver)) {}

  Driver& driver() { return *driver_; }
  int max_history = 0;  // > 0: create() first prunes older revisions (helm's removeLeastRecent)

  Result<Release> get(const std::string& name, int version) { return driver_->get(release_key(name, version)); }
  Status create(const Release& r);
  Status update(const Release& r) { return driver_->update(release_key(r.name, r.version), r); }
  Result<Release> remove(const std::string& name, int version) {
    return driver_->remove(release_key(name, version));
  }
  Result<std::vector<Release>> list_all() {
    return driver_->list([](const Release&) { return true; });
  }
  // All revisions of a release (unordered); not found when there are none.
  Result<std::vector<Release>> history(const std::string& name);
  // The highest revision: "no revision for release \"NAME\"" when none.
  Result<Release> last(const std::string& name);
  // The highest deployed revision: "\"NAME\" has no deployed releases" when none.
  Result<Release> deployed(const std::string& name);
  Result<std::vector<Release>> deployed_all(const std::string& name);

 private:
  Status remove_least_recent(const std::string& name, int maximum);
  std::unique_ptr<Driver> driver_;
};

void sort_by_revision(std::vector<Release>& releases);

}  // namespace skiff::chart::release
