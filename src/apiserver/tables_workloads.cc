// Printers for workload kinds: apps (deployments, replica sets, stateful sets, daemon sets,
// controller revisions), batch (jobs, cron jobs), autoscaling and policy.
#include <algorithm>
#include <cctype>

#include "apiserver/tables_format.h"
#include "apiserver/tables_printers.h"

namespace skiff::apiserver::tables {

namespace {

std::string name_of(const Json& obj) { return str(obj, "metadata.name"); }

std::vector<api::PrinterColumn> with_template_columns(std::vector<api::PrinterColumn> columns, bool selector) {
  columns.push_back(column("Containers", "string", "Container names in the pod template.", 1));
  columns.push_back(column("Images", "string", "Container images in the pod template.", 1));
  if (selector) columns.push_back(column("Selector", "string", "Labels that select the controlled pods.", 1));
  return columns;
}

// ---- apps ----

PrintedRow print_deployment(const Json& d, const PrintContext& ctx) {
  auto [names, images] = container_names_and_images(at(d, "spec.template.spec.containers"));
  std::string ready = std::to_string(integer(d, "status.readyReplicas")) + "/" + std::to_string(integer(d, "spec.replicas", 1));
  return {{name_of(d), ready, integer(d, "status.updatedReplicas"), integer(d, "status.availableReplicas"),
           object_age(d, ctx.now), names, images, label_selector_string(at(d, "spec.selector"))},
          nullptr};
}

PrintedRow print_replica_set(const Json& rs, const PrintContext& ctx) {
  auto [names, images] = container_names_and_images(at(rs, "spec.template.spec.containers"));
  return {{name_of(rs), integer(rs, "spec.replicas", 1), integer(rs, "status.replicas"),
           integer(rs, "status.readyReplicas"), object_age(rs, ctx.now), names, images,
           format_label_selector(at(rs, "spec.selector"))},
          nullptr};
}

PrintedRow print_stateful_set(const Json& ss, const PrintContext& ctx) {
  auto [names, images] = container_names_and_images(at(ss, "spec.template.spec.containers"));
  std::string ready = std::to_string(integer(ss, "status.readyReplicas")) + "/" + std::to_string(integer(ss, "spec.replicas", 1));
  return {{name_of(ss), ready, object_age(ss, ctx.now), names, images}, nullptr};
}

PrintedRow print_daemon_set(const Json& ds, const PrintContext& ctx) {
  auto [names, images] = container_names_and_images(at(ds, "spec.template.spec.containers"));
  return {{name_of(ds), integer(ds, "status.desiredNumberScheduled"), integer(ds, "status.currentNumberScheduled"),
           integer(ds, "status.numberReady"), integer(ds, "status.updatedNumberScheduled"),
           integer(ds, "status.numberAvailable"), format_labels(at(ds, "spec.template.spec.nodeSelector")),
           object_age(ds, ctx.now), names, images, format_label_selector(at(ds, "spec.selector"))},
          nullptr};
}

// "statefulset.apps/web" for the controlling owner reference, "<none>" without one.
std::string controller_of(const Json& obj) {
  const Json& owners = at(obj, "metadata.ownerReferences");
  if (!owners.is_array()) return "<none>";
  for (const Json& ref : owners) {
    if (!flag(ref, "controller")) continue;
    std::string api_version = str(ref, "apiVersion");
    auto slash = api_version.find('/');
    std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
    std::string kind = str(ref, "kind");
    std::string name = str(ref, "name");
    if (kind.empty() && group.empty()) return name;
    std::string group_kind = group.empty() ? kind : kind + "." + group;
    std::transform(group_kind.begin(), group_kind.end(), group_kind.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return group_kind + "/" + name;
  }
  return "<none>";
}

PrintedRow print_controller_revision(const Json& cr, const PrintContext& ctx) {
  return {{name_of(cr), controller_of(cr), integer(cr, "revision"), object_age(cr, ctx.now)}, nullptr};
}

// ---- batch ----

// Only the first condition of a type counts, as in Kubernetes' printer.
bool job_condition(const Json& job, std::string_view type) {
  const Json& conditions = at(job, "status.conditions");
  if (!conditions.is_array()) return false;
  for (const Json& c : conditions) {
    if (str(c, "type") == type) return str(c, "status") == "True";
  }
  return false;
}

PrintedRow print_job(const Json& job, const PrintContext& ctx) {
  int64_t succeeded = integer(job, "status.succeeded");
  std::string completions;
  if (has(job, "spec.completions")) {
    completions = std::to_string(succeeded) + "/" + std::to_string(integer(job, "spec.completions"));
  } else {
    int64_t parallelism = integer(job, "spec.parallelism");
    completions = std::to_string(succeeded) + "/1";
    if (parallelism > 1) completions += " of " + std::to_string(parallelism);
  }

  std::string duration;
  auto start = timestamp(at(job, "status.startTime"));
  auto completion = timestamp(at(job, "status.completionTime"));
  if (start) duration = human_age(*start, completion ? *completion : ctx.now);

  std::string status = "Running";
  if (job_condition(job, "Complete")) {
    status = "Complete";
  } else if (job_condition(job, "Failed")) {
    status = "Failed";
  } else if (has(job, "metadata.deletionTimestamp")) {
    status = "Terminating";
  } else if (job_condition(job, "Suspended")) {
    status = "Suspended";
  } else if (job_condition(job, "FailureTarget")) {
    status = "FailureTarget";
  }

  auto [names, images] = container_names_and_images(at(job, "spec.template.spec.containers"));
  return {{name_of(job), status, completions, duration, object_age(job, ctx.now), names, images,
           format_label_selector(at(job, "spec.selector"))},
          nullptr};
}

PrintedRow print_cron_job(const Json& cj, const PrintContext& ctx) {
  std::string last_schedule = "<none>";
  if (has(cj, "status.lastScheduleTime")) last_schedule = age_of(at(cj, "status.lastScheduleTime"), ctx.now);
  std::string time_zone = has(cj, "spec.timeZone") ? str(cj, "spec.timeZone") : "<none>";
  auto [names, images] = container_names_and_images(at(cj, "spec.jobTemplate.spec.template.spec.containers"));
  return {{name_of(cj), str(cj, "spec.schedule"), time_zone, bool_ptr(at(cj, "spec.suspend")),
           count(cj, "status.active"), last_schedule, object_age(cj, ctx.now), names, images,
           format_label_selector(at(cj, "spec.jobTemplate.spec.selector"))},
          nullptr};
}

// ---- autoscaling ----

std::string percent(const Json& v) { return std::to_string(v.is_number() ? v.get<int64_t>() : 0) + "%"; }

// One metric of an autoscaling/v2 HPA: "cpu: 40%/80%", "12/10 (avg)", ...
std::string format_metric(const Json& spec, const Json& status) {
  std::string type = str(spec, "type");
  auto source_key = [](std::string t) {
    if (!t.empty()) t[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(t[0])));
    return t;
  };
  std::string key = source_key(type);
  const Json& source = at(spec, key);
  const Json& current = at(status, key + ".current");
  bool have_status = at(status, key).is_object();

  if (type == "External" || type == "Object") {
    if (has(source, "target.averageValue")) {
      std::string cur = have_status && has(current, "averageValue") ? quantity(at(current, "averageValue")) : "<unknown>";
      return cur + "/" + quantity(at(source, "target.averageValue")) + " (avg)";
    }
    std::string cur = have_status ? quantity(at(current, "value")) : "<unknown>";
    return cur + "/" + quantity(at(source, "target.value"));
  }
  if (type == "Pods") {
    std::string cur = have_status ? quantity(at(current, "averageValue")) : "<unknown>";
    return cur + "/" + quantity(at(source, "target.averageValue"));
  }
  if (type == "Resource" || type == "ContainerResource") {
    std::string resource = str(source, "name");
    if (has(source, "target.averageValue")) {
      std::string cur = have_status ? quantity(at(current, "averageValue")) : "<unknown>";
      return resource + ": " + cur + "/" + quantity(at(source, "target.averageValue"));
    }
    std::string cur = have_status && has(current, "averageUtilization") ? percent(at(current, "averageUtilization")) : "<unknown>";
    std::string target = has(source, "target.averageUtilization") ? percent(at(source, "target.averageUtilization")) : "<auto>";
    return resource + ": " + cur + "/" + target;
  }
  return "<unknown type>";
}

// Two metrics at most, then " + N more...".
std::string format_metrics(const Json& specs, const Json& statuses) {
  if (!specs.is_array() || specs.empty()) return "<none>";
  constexpr size_t kMax = 2;
  std::vector<std::string> list;
  for (size_t i = 0; i < specs.size(); ++i) {
    const Json& status = statuses.is_array() && i < statuses.size() ? statuses[i] : Json();
    list.push_back(format_metric(specs[i], status));
  }
  size_t total = list.size();
  if (total > kMax) {
    list.resize(kMax);
    return join_strings(list, ", ") + " + " + std::to_string(total - kMax) + " more...";
  }
  return join_strings(list, ", ");
}

PrintedRow hpa_row(const Json& hpa, const PrintContext& ctx, std::string targets) {
  std::string reference = str(hpa, "spec.scaleTargetRef.kind") + "/" + str(hpa, "spec.scaleTargetRef.name");
  std::string min_pods = has(hpa, "spec.minReplicas") ? std::to_string(integer(hpa, "spec.minReplicas")) : "<unset>";
  return {{name_of(hpa), reference, std::move(targets), min_pods, integer(hpa, "spec.maxReplicas"),
           integer(hpa, "status.currentReplicas"), object_age(hpa, ctx.now)},
          nullptr};
}

PrintedRow print_hpa_v2(const Json& hpa, const PrintContext& ctx) {
  return hpa_row(hpa, ctx, format_metrics(at(hpa, "spec.metrics"), at(hpa, "status.currentMetrics")));
}

// autoscaling/v1 holds one CPU target; Kubernetes converts it to the v2 form before printing.
PrintedRow print_hpa_v1(const Json& hpa, const PrintContext& ctx) {
  Json specs = Json::array();
  Json statuses = Json::array();
  if (has(hpa, "spec.targetCPUUtilizationPercentage")) {
    specs.push_back({{"type", "Resource"},
                     {"resource",
                      {{"name", "cpu"},
                       {"target", {{"type", "Utilization"},
                                   {"averageUtilization", at(hpa, "spec.targetCPUUtilizationPercentage")}}}}}});
    if (has(hpa, "status.currentCPUUtilizationPercentage")) {
      statuses.push_back(
          {{"type", "Resource"},
           {"resource",
            {{"name", "cpu"},
             {"current", {{"averageUtilization", at(hpa, "status.currentCPUUtilizationPercentage")}}}}}});
    }
  }
  return hpa_row(hpa, ctx, format_metrics(specs, statuses));
}

// ---- policy ----

PrintedRow print_pdb(const Json& pdb, const PrintContext& ctx) {
  std::string min_available = has(pdb, "spec.minAvailable") ? int_or_string(at(pdb, "spec.minAvailable")) : "N/A";
  std::string max_unavailable =
      has(pdb, "spec.maxUnavailable") ? int_or_string(at(pdb, "spec.maxUnavailable")) : "N/A";
  return {{name_of(pdb), min_available, max_unavailable, integer(pdb, "status.disruptionsAllowed"),
           object_age(pdb, ctx.now)},
          nullptr};
}

}  // namespace

void add_workload_printers(PrinterRegistry& r) {
  r.add("apps", "", "Deployment",
        {with_template_columns({name_column(), column("Ready", "string", "Ready replicas out of desired replicas."),
                                column("Up-to-date", "string", "Replicas running the latest template."),
                                column("Available", "string", "Replicas available to serve."), age_column()},
                               true),
         print_deployment});

  r.add("apps", "", "ReplicaSet",
        {with_template_columns({name_column(), column("Desired", "integer", "Desired number of replicas."),
                                column("Current", "integer", "Observed number of replicas."),
                                column("Ready", "integer", "Replicas that are ready."), age_column()},
                               true),
         print_replica_set});

  r.add("apps", "", "StatefulSet",
        {with_template_columns(
             {name_column(), column("Ready", "string", "Ready replicas out of desired replicas."), age_column()}, false),
         print_stateful_set});

  r.add("apps", "", "DaemonSet",
        {with_template_columns({name_column(), column("Desired", "integer", "Nodes that should run the daemon pod."),
                                column("Current", "integer", "Nodes running the daemon pod."),
                                column("Ready", "integer", "Nodes whose daemon pod is ready."),
                                column("Up-to-date", "integer", "Nodes running the latest template."),
                                column("Available", "integer", "Nodes whose daemon pod is available."),
                                column("Node Selector", "string", "Node labels the pods must match."),
                                age_column()},
                               true),
         print_daemon_set});

  r.add("apps", "", "ControllerRevision",
        {{name_column(), column("Controller", "string", "The object that controls this revision."),
          column("Revision", "string", "The revision number."), age_column()},
         print_controller_revision});

  r.add("batch", "", "Job",
        {with_template_columns({name_column(), column("Status", "string", "The job's state."),
                                column("Completions", "string", "Succeeded pods out of required completions."),
                                column("Duration", "string", "How long the job ran or has been running."),
                                age_column()},
                               true),
         print_job});

  r.add("batch", "", "CronJob",
        {with_template_columns({name_column(), column("Schedule", "string", "The cron schedule."),
                                column("Timezone", "string", "Time zone of the schedule."),
                                column("Suspend", "boolean", "Whether new runs are suspended."),
                                column("Active", "integer", "Jobs currently running."),
                                column("Last Schedule", "string", "Time since a job was last scheduled."),
                                age_column()},
                               true),
         print_cron_job});

  std::vector<api::PrinterColumn> hpa_columns = {
      name_column(),
      column("Reference", "string", "The scaled object."),
      column("Targets", "string", "Current and target metric values."),
      column("MinPods", "string", "Lower bound of replicas."),
      column("MaxPods", "string", "Upper bound of replicas."),
      column("Replicas", "string", "Current number of replicas."),
      age_column()};
  r.add("autoscaling", "", "HorizontalPodAutoscaler", {hpa_columns, print_hpa_v2});
  r.add("autoscaling", "v1", "HorizontalPodAutoscaler", {hpa_columns, print_hpa_v1});

  r.add("policy", "", "PodDisruptionBudget",
        {{name_column(), column("Min Available", "string", "Pods that must stay available."),
          column("Max Unavailable", "string", "Pods that may be unavailable."),
          column("Allowed Disruptions", "integer", "Pods that may be disrupted now."), age_column()},
         print_pdb});
}

}  // namespace skiff::apiserver::tables
