// Small builders for pods and nodes in scheduler tests.
#pragma once

#include <string>

#include "scheduler/cache.h"
#include "scheduler/pod_info.h"
#include "util/json.h"

namespace skiff::scheduler::testing {

inline Json node_json(const std::string& name, const std::string& cpu = "4", const std::string& memory = "16Gi",
                      Json labels = Json::object(), int pods = 110) {
  labels["kubernetes.io/hostname"] = name;
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"spec", Json::object()},
          {"status", {{"allocatable", {{"cpu", cpu}, {"memory", memory}, {"pods", std::to_string(pods)}}}}}};
}

inline Json pod_json(const std::string& name, const std::string& cpu = "", const std::string& memory = "",
                     Json labels = Json::object()) {
  Json requests = Json::object();
  if (!cpu.empty()) requests["cpu"] = cpu;
  if (!memory.empty()) requests["memory"] = memory;
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", labels}}},
          {"spec",
           {{"schedulerName", "default-scheduler"},
            {"containers", Json::array({{{"name", "c"}, {"image", "x"}, {"resources", {{"requests", requests}}}}})}}}};
}

inline PodInfoPtr parse(const Json& pod) {
  auto p = parse_pod(pod);
  if (!p.ok()) throw std::runtime_error(p.error().message);
  return *p;
}

inline void place(Cache& cache, Json pod, const std::string& node) {
  pod["spec"]["nodeName"] = node;
  cache.add_pod(parse(pod));
}

}  // namespace skiff::scheduler::testing
