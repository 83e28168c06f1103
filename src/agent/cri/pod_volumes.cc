#include "agent/cri/pod_volumes.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "agent/cri/downward_api.h"
#include "util/encoding.h"

namespace skiff::agent::cri {
namespace {

namespace fs = std::filesystem;

Error volume_error(const std::string& volume, const std::string& message) {
  return Error(400, "CreateContainerConfigError", "volume \"" + volume + "\": " + message);
}

bool is_true(const Json& obj, const char* key) {
  return obj.is_object() && obj.contains(key) && obj[key].is_boolean() && obj[key].get<bool>();
}

// A relative path that stays inside its directory.
bool safe_relative(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  for (const auto& part : fs::path(path))
    if (part == "..") return false;
  return true;
}

// Written beside and renamed into place, and only when different: containers reading a
// projected file while it is refreshed see the old or the new content, never a partial one.
Status write_file(const fs::path& path, const std::string& content, int mode) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && static_cast<int>(st.st_mode & 07777) == mode &&
      static_cast<size_t>(st.st_size) == content.size()) {
    std::ifstream in(path, std::ios::binary);
    std::string existing(content.size(), '\0');
    in.read(existing.data(), static_cast<std::streamsize>(existing.size()));
    if (in && existing == content) return ok_status();
  }
  fs::path temp = path;
  temp += ".skiff-tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) return Error::internal("writing " + temp.string() + " failed");
  }
  chmod(temp.c_str(), static_cast<mode_t>(mode));
  fs::rename(temp, path, ec);
  if (ec) return Error::internal("renaming " + temp.string() + ": " + ec.message());
  return ok_status();
}

constexpr int kDefaultFileMode = 0644;

struct ProjectedFile {
  std::string content;
  int mode = kDefaultFileMode;
};
using FilePayload = std::map<std::string, ProjectedFile>;  // by path relative to the volume

int mode_of(const Json& obj, int fallback) {
  return obj.is_object() && obj.contains("mode") && obj["mode"].is_number_integer() ? obj["mode"].get<int>() : fallback;
}

int default_mode_of(const Json& source) {
  return source.contains("defaultMode") && source["defaultMode"].is_number_integer() ? source["defaultMode"].get<int>()
                                                                                     : kDefaultFileMode;
}

// The decoded data of a ConfigMap (data and binaryData) or Secret.
std::map<std::string, std::string> object_data(const Json& obj, bool secret) {
  std::map<std::string, std::string> data;
  for (const char* field : {"data", "binaryData"}) {
    if (!obj.contains(field) || !obj[field].is_object()) continue;
    for (const auto& [k, v] : obj[field].items()) {
      if (!v.is_string()) continue;
      bool encoded = secret || std::string(field) == "binaryData";
      if (!encoded) {
        data[k] = v.get<std::string>();
      } else if (auto decoded = base64_decode(v.get<std::string>())) {
        data[k] = *decoded;
      }
    }
  }
  return data;
}

// A configMap or secret (volume or projection source): every key, or the listed items, as files.
// The volume's secret names its object with secretName, a projection's with name.
Status add_object_files(const std::string& volume, const Json& source, bool secret, const std::string& ns,
                        int default_mode, const VolumeContext& context, FilePayload& files) {
  std::string name = get_string(source, secret && source.contains("secretName") ? "secretName" : "name");
  bool optional = is_true(source, "optional");
  auto obj = context.get(secret ? "secrets" : "configmaps", ns, name);
  if (!obj.ok()) {
    if (obj.error().code == 404 && optional) return ok_status();
    if (obj.error().code == 404)
      return volume_error(volume, std::string(secret ? "secret" : "configmap") + " \"" + name + "\" not found");
    return volume_error(volume, obj.error().message);
  }
  std::map<std::string, std::string> data = object_data(*obj, secret);
  if (!source.contains("items") || !source["items"].is_array() || source["items"].empty()) {
    for (const auto& [key, value] : data)
      if (safe_relative(key)) files[key] = {value, default_mode};
    return ok_status();
  }
  for (const auto& item : source["items"]) {
    std::string key = get_string(item, "key"), path = get_string(item, "path", key);
    if (!safe_relative(path)) return volume_error(volume, "item path \"" + path + "\" must be relative");
    auto it = data.find(key);
    if (it == data.end()) {
      if (optional) continue;
      return volume_error(volume, "couldn't find key " + key + " in " + (secret ? "Secret " : "ConfigMap ") + ns +
                                      "/" + name);
    }
    files[fs::path(path).lexically_normal().string()] = {it->second, mode_of(item, default_mode)};
  }
  return ok_status();
}

// downwardAPI items (volume or projection source): the pod's metadata fields and containers' resources.
Status add_downward_files(const std::string& volume, const Json& items, const Json& pod, int default_mode,
                          const VolumeContext& context, FilePayload& files) {
  if (!items.is_array()) return ok_status();
  for (const auto& item : items) {
    std::string path = get_string(item, "path");
    if (!safe_relative(path)) return volume_error(volume, "item path \"" + path + "\" must be relative");
    std::string content;
    if (item.contains("fieldRef")) {
      std::string field_path = get_string(item["fieldRef"], "fieldPath");
      auto value = metadata_field_value(pod, field_path);
      if (!value) return volume_error(volume, "unsupported fieldPath: " + field_path);
      content = std::move(*value);
    } else if (item.contains("resourceFieldRef")) {
      auto value = resource_field_value(pod, nullptr, item["resourceFieldRef"], context.node);
      if (!value.ok()) return volume_error(volume, value.error().message);
      content = std::move(*value);
    }
    files[fs::path(path).lexically_normal().string()] = {std::move(content), mode_of(item, default_mode)};
  }
  return ok_status();
}

Status add_projection_source(const std::string& volume, const Json& source, const Json& pod, int default_mode,
                             const VolumeContext& context, FilePayload& files) {
  std::string ns = get_string(pod["metadata"], "namespace");
  if (source.contains("configMap"))
    return add_object_files(volume, source["configMap"], false, ns, default_mode, context, files);
  if (source.contains("secret"))
    return add_object_files(volume, source["secret"], true, ns, default_mode, context, files);
  if (source.contains("downwardAPI"))
    return add_downward_files(volume, source["downwardAPI"].value("items", Json::array()), pod, default_mode, context,
                              files);
  if (source.contains("serviceAccountToken"))
    return volume_error(volume, "service account tokens are not issued yet (Skiff has no TokenRequest API); "
                                "project a secret instead");
  std::string kind = source.is_object() && !source.empty() ? source.begin().key() : "empty";
  return volume_error(volume, "projected source " + kind + " is not supported by the skiff agent yet (configMap, "
                              "secret and downwardAPI are)");
}

// The volume types whose files the agent writes (read-only in containers, refreshed while the pod runs).
struct FileVolumeType {
  const char* field;
  const char* plugin_dir;
};
constexpr FileVolumeType kFileVolumeTypes[] = {{"configMap", "kubernetes.io~configmap"},
                                               {"secret", "kubernetes.io~secret"},
                                               {"downwardAPI", "kubernetes.io~downward-api"},
                                               {"projected", "kubernetes.io~projected"}};

const FileVolumeType* file_volume_type(const Json& volume) {
  for (const auto& type : kFileVolumeTypes)
    if (volume.contains(type.field)) return &type;
  return nullptr;
}

Result<FilePayload> volume_files(const Json& volume, const FileVolumeType& type, const Json& pod,
                                 const VolumeContext& context) {
  std::string name = get_string(volume, "name");
  std::string field = type.field;
  const Json& source = volume[type.field];
  int default_mode = default_mode_of(source);
  FilePayload files;
  if (field == "configMap" || field == "secret") {
    SKIFF_TRY(add_object_files(name, source, field == "secret", get_string(pod["metadata"], "namespace"), default_mode,
                               context, files));
  } else if (field == "downwardAPI") {
    SKIFF_TRY(add_downward_files(name, source.value("items", Json::array()), pod, default_mode, context, files));
  } else {
    for (const auto& projection : source.value("sources", Json::array()))
      SKIFF_TRY(add_projection_source(name, projection, pod, default_mode, context, files));
  }
  return files;
}

// Writes the files and removes those the volume no longer has.
Status write_volume_files(const fs::path& dir, const FilePayload& files) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  for (const auto& [path, file] : files) SKIFF_TRY(write_file(dir / path, file.content, file.mode));
  std::vector<fs::path> stale;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (!it->is_directory() && !files.count(fs::relative(it->path(), dir).string())) stale.push_back(it->path());
  for (const auto& path : stale) fs::remove(path, ec);
  return ok_status();
}

Status project_volume(const Json& volume, const FileVolumeType& type, const Json& pod, const fs::path& dir,
                      const VolumeContext& context) {
  SKIFF_ASSIGN_OR_RETURN(FilePayload files, volume_files(volume, type, pod, context));
  return write_volume_files(dir, files);
}

// The host directory of the PersistentVolume a claim is bound to.
Result<HostVolume> claimed_volume(const std::string& volume, const Json& source, const std::string& ns,
                                  const VolumeContext& context) {
  std::string claim_name = get_string(source, "claimName");
  auto claim = context.get("persistentvolumeclaims", ns, claim_name);
  if (!claim.ok()) return volume_error(volume, "persistentvolumeclaim \"" + claim_name + "\" not found");
  std::string pv_name = find_path(*claim, "spec.volumeName") ? get_string((*claim)["spec"], "volumeName") : "";
  if (pv_name.empty() || !find_path(*claim, "status.phase") || get_string((*claim)["status"], "phase") != "Bound")
    return volume_error(volume, "persistentvolumeclaim \"" + claim_name + "\" is not bound");
  auto pv = context.get("persistentvolumes", "", pv_name);
  if (!pv.ok()) return volume_error(volume, "persistentvolume \"" + pv_name + "\" not found");
  const Json& spec = (*pv)["spec"];
  std::string path;
  if (const Json* host = find_path(spec, "hostPath.path"); host && host->is_string()) path = host->get<std::string>();
  else if (const Json* local = find_path(spec, "local.path"); local && local->is_string()) path = local->get<std::string>();
  else return volume_error(volume, "persistentvolume \"" + pv_name + "\" is neither hostPath nor local");
  std::error_code ec;
  if (get_string(spec.value("hostPath", Json::object()), "type") == "DirectoryOrCreate") fs::create_directories(path, ec);
  if (!fs::exists(path, ec)) return volume_error(volume, "persistentvolume path " + path + " does not exist");
  return HostVolume{path, is_true(source, "readOnly")};
}

}  // namespace

Result<HostVolumes> prepare_volumes(const Json& pod, const VolumeContext& context) {
  HostVolumes paths;
  const Json* volumes = find_path(pod, "spec.volumes");
  if (!volumes || !volumes->is_array()) return paths;
  std::string uid = get_string(pod["metadata"], "uid");
  std::string ns = get_string(pod["metadata"], "namespace");
  fs::path root = fs::path(context.pods_root) / uid / "volumes";
  for (const auto& v : *volumes) {
    std::string name = get_string(v, "name");
    std::error_code ec;
    if (v.contains("emptyDir")) {
      fs::path dir = root / "kubernetes.io~empty-dir" / name;
      fs::create_directories(dir, ec);
      if (ec) return volume_error(name, "creating " + dir.string() + ": " + ec.message());
      fs::permissions(dir, fs::perms::all, ec);  // any user in the pod may write, as the kubelet's 0777
      paths[name] = {dir.string(), false};
    } else if (v.contains("hostPath")) {
      std::string path = get_string(v["hostPath"], "path");
      std::string type = get_string(v["hostPath"], "type");
      if (type == "DirectoryOrCreate") fs::create_directories(path, ec);
      if ((type == "Directory" || type == "File") && !fs::exists(path))
        return volume_error(name, "hostPath " + path + " does not exist");
      paths[name] = {path, false};
    } else if (const FileVolumeType* type = file_volume_type(v)) {
      fs::path dir = root / type->plugin_dir / name;
      SKIFF_TRY(project_volume(v, *type, pod, dir, context));
      paths[name] = {dir.string(), true};
    } else if (v.contains("persistentVolumeClaim")) {
      SKIFF_ASSIGN_OR_RETURN(paths[name], claimed_volume(name, v["persistentVolumeClaim"], ns, context));
    } else {
      // Left out rather than mounted empty: a container that mounts it gets a clear error.
      continue;
    }
  }
  return paths;
}

Status refresh_projected_volumes(const Json& pod, const VolumeContext& context) {
  const Json* volumes = find_path(pod, "spec.volumes");
  if (!volumes || !volumes->is_array()) return ok_status();
  fs::path root = fs::path(context.pods_root) / get_string(pod["metadata"], "uid") / "volumes";
  Status result = ok_status();  // the first failure; the other volumes are refreshed all the same
  for (const auto& v : *volumes) {
    const FileVolumeType* type = file_volume_type(v);
    if (!type) continue;
    fs::path dir = root / type->plugin_dir / get_string(v, "name");
    if (!fs::exists(dir)) continue;  // not set up yet: the first container start projects it
    if (Status s = project_volume(v, *type, pod, dir, context); !s.ok() && result.ok()) result = s;
  }
  return result;
}

Result<std::vector<Mount>> container_mounts(const Json& container, const HostVolumes& volumes) {
  std::vector<Mount> mounts;
  if (!container.contains("volumeMounts") || !container["volumeMounts"].is_array()) return mounts;
  for (const auto& vm : container["volumeMounts"]) {
    std::string name = get_string(vm, "name");
    auto it = volumes.find(name);
    if (it == volumes.end())
      return volume_error(name, "this volume type is not supported by the skiff agent yet (emptyDir, hostPath, "
                                "configMap, secret, downwardAPI, projected and persistentVolumeClaim are)");
    Mount m;
    m.container_path = get_string(vm, "mountPath");
    m.host_path = it->second.path;
    std::string sub = get_string(vm, "subPath");
    if (!sub.empty()) {
      if (!safe_relative(sub)) return volume_error(name, "subPath \"" + sub + "\" must be relative");
      m.host_path = (fs::path(it->second.path) / sub).string();
      std::error_code ec;
      if (!fs::exists(m.host_path)) fs::create_directories(m.host_path, ec);
    }
    m.readonly = is_true(vm, "readOnly") || it->second.read_only;
    std::string propagation = get_string(vm, "mountPropagation");
    if (propagation == "HostToContainer") m.propagation = MountPropagation::kHostToContainer;
    else if (propagation == "Bidirectional") m.propagation = MountPropagation::kBidirectional;
    mounts.push_back(std::move(m));
  }
  return mounts;
}

void remove_pod_volumes(const std::string& pods_root, const std::string& pod_uid) {
  if (pods_root.empty() || pod_uid.empty()) return;
  std::error_code ec;
  fs::remove_all(fs::path(pods_root) / pod_uid, ec);
}

}  // namespace skiff::agent::cri
