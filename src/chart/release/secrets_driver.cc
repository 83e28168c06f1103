// helm's Secrets driver (pkg/storage/driver/secrets.go): Secrets of type helm.sh/release.v1
// labelled name/owner/status/version, the encoded release under data.release.
#include <algorithm>
#include <ctime>

#include "chart/release/codec.h"
#include "chart/release/storage.h"
#include "client/client.h"
#include "util/encoding.h"

namespace skiff::chart::release {

namespace {

Labels object_labels(const Json& obj) {
  Labels out;
  const Json* l = find_path(obj, "metadata.labels");
  if (l && l->is_object()) {
    for (const auto& [k, v] : l->items()) {
      if (v.is_string()) out[k] = v.get<std::string>();
    }
  }
  return out;
}

Labels without_system_labels(const Labels& labels) {
  Labels out;
  for (const auto& [k, v] : labels) {
    const auto& sys = system_labels();
    if (std::find(sys.begin(), sys.end(), k) == sys.end()) out[k] = v;
  }
  return out;
}

std::string selector(const Labels& labels) {
  std::string s;
  for (const auto& [k, v] : labels) s += (s.empty() ? "" : ",") + k + "=" + v;
  return s;
}

Result<Release> decode_secret(const Json& secret) {
  const Json* data = find_path(secret, "data.release");
  if (!data || !data->is_string()) return Error::bad_request("no release data");
  // Secret data is base64 on the wire; the release inside is base64 once more.
  auto inner = base64_decode(data->get<std::string>());
  if (!inner) return Error::bad_request("illegal base64 data in Secret data");
  return decode_release(*inner);
}

class SecretsDriver final : public Driver {
 public:
  SecretsDriver(client::Client& c, std::string ns)
      : client_(c), secrets_(c.resource("", "v1", "secrets")), ns_(std::move(ns)) {}

  std::string name() const override { return "Secret"; }

  Result<Release> get(const std::string& key) override {
    auto obj = client_.get(secrets_, ns_, key);
    if (!obj.ok()) {
      if (obj.error().code == 404) return Error::not_found(kErrReleaseNotFound);
      return Error(obj.error().code, obj.error().reason,
                   "get: failed to get \"" + key + "\": " + obj.error().message);
    }
    auto r = decode_secret(*obj);
    if (!r.ok()) return Error::internal("get: failed to decode data \"" + key + "\": " + r.error().message);
    r->labels = without_system_labels(object_labels(*obj));
    return r;
  }

  Result<std::vector<Release>> list(const std::function<bool(const Release&)>& filter) override {
    auto items = client_.list(secrets_, ns_, {.label_selector = "owner=helm"});
    if (!items.ok()) return Error::internal("list: failed to list: " + items.error().message);
    std::vector<Release> out;
    for (const auto& item : items->items) {
      auto r = decode_secret(*item);
      if (!r.ok()) continue;  // helm skips undecodable records
      r->labels = object_labels(*item);
      if (filter(*r)) out.push_back(std::move(*r));
    }
    return out;
  }

  Result<std::vector<Release>> query(const Labels& labels) override {
    auto items = client_.list(secrets_, ns_, {.label_selector = selector(labels)});
    if (!items.ok()) return Error::internal("query: failed to query with labels: " + items.error().message);
    if (items->items.empty()) return Error::not_found(kErrReleaseNotFound);
    std::vector<Release> out;
    for (const auto& item : items->items) {
      auto r = decode_secret(*item);
      if (!r.ok()) continue;
      r->labels = object_labels(*item);
      out.push_back(std::move(*r));
    }
    return out;
  }

  Status create(const std::string& key, const Release& r) override {
    Labels labels = without_system_labels(r.labels);
    labels["createdAt"] = std::to_string(time(nullptr));
    SKIFF_ASSIGN_OR_RETURN(Json obj, secret_object(key, r, labels));
    auto created = client_.create(secrets_, namespace_of(r), obj);
    if (!created.ok()) {
      if (created.error().code == 409) return Error::already_exists(kErrReleaseExists);
      return Error::internal("create: failed to create: " + created.error().message);
    }
    return ok_status();
  }

  Status update(const std::string& key, const Release& r) override {
    Labels labels = without_system_labels(r.labels);
    labels["modifiedAt"] = std::to_string(time(nullptr));
    SKIFF_ASSIGN_OR_RETURN(Json obj, secret_object(key, r, labels));
    // helm's Update is a PUT without a resourceVersion: last writer wins.
    auto updated = client_.update(secrets_, namespace_of(r), obj);
    if (!updated.ok()) return Error::internal("update: failed to update: " + updated.error().message);
    return ok_status();
  }

  Result<Release> remove(const std::string& key) override {
    SKIFF_ASSIGN_OR_RETURN(Release r, get(key));
    auto removed = client_.remove(secrets_, namespace_of(r), key);
    if (!removed.ok()) return removed.error();
    return r;
  }

 private:
  std::string namespace_of(const Release& r) const { return ns_.empty() ? r.namespace_ : ns_; }

  static Result<Json> secret_object(const std::string& key, const Release& r, Labels labels) {
    SKIFF_ASSIGN_OR_RETURN(std::string encoded, encode_release(r));
    labels["name"] = r.name;
    labels["owner"] = "helm";
    labels["status"] = r.info.status;
    labels["version"] = std::to_string(r.version);
    Json l = Json::object();
    for (const auto& [k, v] : labels) l[k] = v;
    return Json{{"apiVersion", "v1"},
                {"kind", "Secret"},
                {"metadata", {{"name", key}, {"labels", l}}},
                {"type", "helm.sh/release.v1"},
                {"data", {{"release", base64_encode(encoded)}}}};
  }

  client::Client& client_;
  const api::ResourceInfo& secrets_;
  std::string ns_;
};

}  // namespace

std::unique_ptr<Driver> new_secrets_driver(client::Client& client, std::string ns) {
  return std::make_unique<SecretsDriver>(client, std::move(ns));
}

}  // namespace skiff::chart::release
