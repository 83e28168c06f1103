#include "agent/cri/pod_volumes.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

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

// configMap and secret volumes: every key (or the listed items) as a file.
Status project_object(const std::string& volume, const Json& source, bool secret, const std::string& ns,
                      const fs::path& dir, const VolumeContext& context) {
  std::string name = get_string(source, secret ? "secretName" : "name");
  bool optional = is_true(source, "optional");
  std::error_code ec;
  fs::create_directories(dir, ec);
  auto obj = context.get(secret ? "secrets" : "configmaps", ns, name);
  if (!obj.ok()) {
    if (obj.error().code == 404 && optional) return ok_status();
    if (obj.error().code == 404)
      return volume_error(volume, std::string(secret ? "secret" : "configmap") + " \"" + name + "\" not found");
    return volume_error(volume, obj.error().message);
  }
  std::map<std::string, std::string> data;
  for (const char* field : {"data", "binaryData"}) {
    if (!obj->contains(field) || !(*obj)[field].is_object()) continue;
    for (const auto& [k, v] : (*obj)[field].items()) {
      if (!v.is_string()) continue;
      bool encoded = secret || std::string(field) == "binaryData";
      if (!encoded) {
        data[k] = v.get<std::string>();
      } else if (auto decoded = base64_decode(v.get<std::string>())) {
        data[k] = *decoded;
      }
    }
  }
  int default_mode = source.value("defaultMode", 0644);
  struct File {
    std::string content;
    int mode;
  };
  std::map<std::string, File> files;  // relative path -> what it holds
  if (source.contains("items") && source["items"].is_array() && !source["items"].empty()) {
    for (const auto& item : source["items"]) {
      std::string key = get_string(item, "key"), path = get_string(item, "path", key);
      if (!safe_relative(path)) return volume_error(volume, "item path \"" + path + "\" must be relative");
      auto it = data.find(key);
      if (it == data.end()) {
        if (optional) continue;
        return volume_error(volume, "couldn't find key " + key + " in " + (secret ? "Secret " : "ConfigMap ") + ns +
                                        "/" + name);
      }
      files[fs::path(path).lexically_normal().string()] = {it->second, item.value("mode", default_mode)};
    }
  } else {
    for (const auto& [key, value] : data)
      if (safe_relative(key)) files[key] = {value, default_mode};
  }
  for (const auto& [path, file] : files) SKIFF_TRY(write_file(dir / path, file.content, file.mode));
  // Files of keys no longer present go.
  std::vector<fs::path> stale;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (!it->is_directory() && !files.count(fs::relative(it->path(), dir).string())) stale.push_back(it->path());
  for (const auto& path : stale) fs::remove(path, ec);
  return ok_status();
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
    } else if (v.contains("configMap") || v.contains("secret")) {
      bool secret = v.contains("secret");
      fs::path dir = root / (secret ? "kubernetes.io~secret" : "kubernetes.io~configmap") / name;
      SKIFF_TRY(project_object(name, secret ? v["secret"] : v["configMap"], secret, ns, dir, context));
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
  std::string ns = get_string(pod["metadata"], "namespace");
  for (const auto& v : *volumes) {
    bool secret = v.contains("secret");
    if (!secret && !v.contains("configMap")) continue;
    std::string name = get_string(v, "name");
    fs::path dir = root / (secret ? "kubernetes.io~secret" : "kubernetes.io~configmap") / name;
    if (!fs::exists(dir)) continue;  // not set up yet: the first container start projects it
    SKIFF_TRY(project_object(name, secret ? v["secret"] : v["configMap"], secret, ns, dir, context));
  }
  return ok_status();
}

Result<std::vector<Mount>> container_mounts(const Json& container, const HostVolumes& volumes) {
  std::vector<Mount> mounts;
  if (!container.contains("volumeMounts") || !container["volumeMounts"].is_array()) return mounts;
  for (const auto& vm : container["volumeMounts"]) {
    std::string name = get_string(vm, "name");
    auto it = volumes.find(name);
    if (it == volumes.end())
      return volume_error(name, "this volume type is not supported by the skiff agent yet (emptyDir, hostPath, "
                                "configMap, secret and persistentVolumeClaim are)");
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
