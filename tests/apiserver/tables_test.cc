#include "apiserver/tables.h"

#include <gtest/gtest.h>

namespace skiff::apiserver {
namespace {

const WallTime kNow = *parse_rfc3339("2024-05-01T12:00:00Z");

api::ResourceInfo info(std::string group, std::string version, std::string kind) {
  api::ResourceInfo ri;
  ri.gvk = {std::move(group), std::move(version), std::move(kind)};
  return ri;
}

Json table_of(const api::ResourceInfo& ri, const Json& obj, IncludeObject include = IncludeObject::kNone) {
  return make_table(ri, {&obj}, include, kNow);
}

std::vector<std::string> column_names(const Json& table) {
  std::vector<std::string> names;
  for (const Json& c : table["columnDefinitions"]) names.push_back(c["name"]);
  return names;
}

// Cell value by column name.
Json cell(const Json& table, const std::string& column) {
  const Json& columns = table["columnDefinitions"];
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i]["name"] == column) return table["rows"][0]["cells"][i];
  }
  ADD_FAILURE() << "no column " << column;
  return nullptr;
}

Json pod(Json status, Json spec = Json{{"containers", {{{"name", "app"}, {"image", "nginx"}}}}}) {
  return Json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "web-0"}, {"namespace", "default"}, {"creationTimestamp", "2024-05-01T11:00:00Z"}}},
              {"spec", std::move(spec)},
              {"status", std::move(status)}};
}

const api::ResourceInfo kPods = info("", "v1", "Pod");

std::string pod_status(const Json& p) { return cell(table_of(kPods, p), "Status"); }

// ---- envelope ----

TEST(TablesTest, TableHasKindApiVersionAndEmptyMetadata) {
  Json t = table_of(kPods, pod({{"phase", "Pending"}}));
  EXPECT_EQ(t["kind"], "Table");
  EXPECT_EQ(t["apiVersion"], "meta.k8s.io/v1");
  EXPECT_TRUE(t["metadata"].is_object());
  EXPECT_EQ(t["rows"].size(), 1u);
}

TEST(TablesTest, ColumnDefinitionsCarryAllFields) {
  Json t = table_of(kPods, pod({{"phase", "Pending"}}));
  const Json& name = t["columnDefinitions"][0];
  EXPECT_EQ(name["name"], "Name");
  EXPECT_EQ(name["type"], "string");
  EXPECT_EQ(name["format"], "name");
  EXPECT_EQ(name["priority"], 0);
  EXPECT_TRUE(name["description"].is_string());
}

TEST(TablesTest, PodWideColumnsHavePriorityOne) {
  Json t = table_of(kPods, pod({{"phase", "Pending"}}));
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Ready", "Status", "Restarts", "Age", "IP", "Node",
                                                        "Nominated Node", "Readiness Gates"}));
  for (size_t i = 0; i < t["columnDefinitions"].size(); ++i) {
    EXPECT_EQ(t["columnDefinitions"][i]["priority"], i >= 5 ? 1 : 0) << i;
  }
  EXPECT_EQ(t["rows"][0]["cells"].size(), 9u);
}

TEST(TablesTest, RowsFollowObjectOrder) {
  Json a = pod({{"phase", "Pending"}});
  Json b = a;
  b["metadata"]["name"] = "web-1";
  Json t = make_table(kPods, {&a, &b}, IncludeObject::kNone, kNow);
  ASSERT_EQ(t["rows"].size(), 2u);
  EXPECT_EQ(t["rows"][0]["cells"][0], "web-0");
  EXPECT_EQ(t["rows"][1]["cells"][0], "web-1");
}

// ---- includeObject ----

TEST(TablesTest, IncludeMetadataGivesPartialObjectMetadata) {
  Json t = table_of(kPods, pod({{"phase", "Pending"}}), IncludeObject::kMetadata);
  const Json& obj = t["rows"][0]["object"];
  EXPECT_EQ(obj["kind"], "PartialObjectMetadata");
  EXPECT_EQ(obj["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(obj["metadata"]["name"], "web-0");
  EXPECT_EQ(obj["metadata"]["namespace"], "default");
  EXPECT_FALSE(obj.contains("spec"));
}

TEST(TablesTest, IncludeObjectGivesTheFullObject) {
  Json p = pod({{"phase", "Pending"}});
  Json t = table_of(kPods, p, IncludeObject::kObject);
  EXPECT_EQ(t["rows"][0]["object"], p);
}

TEST(TablesTest, IncludeObjectFillsMissingKindAndApiVersion) {
  Json p = pod({{"phase", "Pending"}});
  p.erase("kind");
  p.erase("apiVersion");
  Json t = table_of(info("apps", "v1", "Deployment"), p, IncludeObject::kObject);
  EXPECT_EQ(t["rows"][0]["object"]["kind"], "Deployment");
  EXPECT_EQ(t["rows"][0]["object"]["apiVersion"], "apps/v1");
}

TEST(TablesTest, IncludeNoneOmitsObject) {
  Json t = table_of(kPods, pod({{"phase", "Pending"}}), IncludeObject::kNone);
  EXPECT_FALSE(t["rows"][0].contains("object"));
}

TEST(TablesTest, ParseIncludeObjectAcceptsKubernetesValues) {
  EXPECT_EQ(*parse_include_object(""), IncludeObject::kMetadata);
  EXPECT_EQ(*parse_include_object("Metadata"), IncludeObject::kMetadata);
  EXPECT_EQ(*parse_include_object("None"), IncludeObject::kNone);
  EXPECT_EQ(*parse_include_object("Object"), IncludeObject::kObject);
  auto bad = parse_include_object("everything");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, 400);
}

// ---- ages ----

TEST(TablesTest, AgeIsHumanDurationSinceCreation) {
  EXPECT_EQ(cell(table_of(kPods, pod({{"phase", "Pending"}})), "Age"), "60m");
}

TEST(TablesTest, AgeIsUnknownWithoutCreationTimestamp) {
  Json p = pod({{"phase", "Pending"}});
  p["metadata"].erase("creationTimestamp");
  EXPECT_EQ(cell(table_of(kPods, p), "Age"), "<unknown>");
}

TEST(TablesTest, AgeInTheFutureIsInvalid) {
  Json p = pod({{"phase", "Pending"}});
  p["metadata"]["creationTimestamp"] = "2024-05-01T12:10:00Z";
  EXPECT_EQ(cell(table_of(kPods, p), "Age"), "<invalid>");
}

// ---- pod status ----

Json running_container(bool ready = true, int restarts = 0) {
  return {{"name", "app"},
          {"ready", ready},
          {"restartCount", restarts},
          {"state", {{"running", {{"startedAt", "2024-05-01T11:00:05Z"}}}}}};
}

TEST(PodTableTest, RunningReadyPod) {
  Json t = table_of(kPods, pod({{"phase", "Running"},
                                {"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
                                {"containerStatuses", {running_container()}}}));
  EXPECT_EQ(cell(t, "Ready"), "1/1");
  EXPECT_EQ(cell(t, "Status"), "Running");
  EXPECT_EQ(cell(t, "Restarts"), "0");
}

TEST(PodTableTest, PendingPodWithoutStatusesShowsPhase) {
  Json t = table_of(kPods, pod({{"phase", "Pending"}}));
  EXPECT_EQ(cell(t, "Ready"), "0/1");
  EXPECT_EQ(cell(t, "Status"), "Pending");
}

TEST(PodTableTest, WaitingReasonReplacesPhase) {
  Json cs = {{"name", "app"},
             {"ready", false},
             {"restartCount", 0},
             {"state", {{"waiting", {{"reason", "ContainerCreating"}}}}}};
  EXPECT_EQ(pod_status(pod({{"phase", "Pending"}, {"containerStatuses", {cs}}})), "ContainerCreating");
}

TEST(PodTableTest, RestartsShowWhenTheLastRestartHappened) {
  Json cs = {{"name", "app"},
             {"ready", false},
             {"restartCount", 5},
             {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}}}}},
             {"lastState", {{"terminated", {{"exitCode", 1}, {"finishedAt", "2024-05-01T11:55:00Z"}}}}}};
  Json t = table_of(kPods, pod({{"phase", "Running"}, {"containerStatuses", {cs}}}));
  EXPECT_EQ(cell(t, "Status"), "CrashLoopBackOff");
  EXPECT_EQ(cell(t, "Restarts"), "5 (5m ago)");
}

TEST(PodTableTest, RestartsWithoutTerminationTimeShowOnlyTheCount) {
  Json t = table_of(kPods, pod({{"phase", "Running"}, {"containerStatuses", {running_container(true, 2)}}}));
  EXPECT_EQ(cell(t, "Restarts"), "2");
}

TEST(PodTableTest, PendingInitContainerShowsInitProgress) {
  Json spec = {{"initContainers", {{{"name", "setup"}, {"image", "busybox"}}}},
               {"containers", {{{"name", "app"}, {"image", "nginx"}}}}};
  Json init = {{"name", "setup"}, {"ready", false}, {"restartCount", 0}, {"state", {{"running", Json::object()}}}};
  EXPECT_EQ(pod_status(pod({{"phase", "Pending"}, {"initContainerStatuses", {init}}}, spec)), "Init:0/1");
}

TEST(PodTableTest, InitContainerWaitingReasonIsPrefixed) {
  Json spec = {{"initContainers", {{{"name", "setup"}}, {{"name", "migrate"}}}}, {"containers", {{{"name", "app"}}}}};
  Json done = {{"name", "setup"}, {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}};
  Json waiting = {{"name", "migrate"}, {"state", {{"waiting", {{"reason", "ErrImagePull"}}}}}};
  EXPECT_EQ(pod_status(pod({{"phase", "Pending"}, {"initContainerStatuses", {done, waiting}}}, spec)),
            "Init:ErrImagePull");
}

TEST(PodTableTest, SecondInitContainerRunningShowsOneOfTwo) {
  Json spec = {{"initContainers", {{{"name", "setup"}}, {{"name", "migrate"}}}}, {"containers", {{{"name", "app"}}}}};
  Json done = {{"name", "setup"}, {"state", {{"terminated", {{"exitCode", 0}}}}}};
  Json waiting = {{"name", "migrate"}, {"state", {{"waiting", {{"reason", "PodInitializing"}}}}}};
  EXPECT_EQ(pod_status(pod({{"phase", "Pending"}, {"initContainerStatuses", {done, waiting}}}, spec)), "Init:1/2");
}

TEST(PodTableTest, FailedInitContainerShowsExitCodeWithoutReason) {
  Json spec = {{"initContainers", {{{"name", "setup"}}}}, {"containers", {{{"name", "app"}}}}};
  Json failed = {{"name", "setup"}, {"state", {{"terminated", {{"exitCode", 3}}}}}};
  EXPECT_EQ(pod_status(pod({{"phase", "Pending"}, {"initContainerStatuses", {failed}}}, spec)), "Init:ExitCode:3");
}

TEST(PodTableTest, FailedInitContainerShowsItsReason) {
  Json spec = {{"initContainers", {{{"name", "setup"}}}}, {"containers", {{{"name", "app"}}}}};
  Json failed = {{"name", "setup"}, {"state", {{"terminated", {{"exitCode", 1}, {"reason", "Error"}}}}}};
  EXPECT_EQ(pod_status(pod({{"phase", "Pending"}, {"initContainerStatuses", {failed}}}, spec)), "Init:Error");
}

TEST(PodTableTest, TerminatedContainerSignalWithoutReason) {
  Json cs = {{"name", "app"}, {"state", {{"terminated", {{"exitCode", 137}, {"signal", 9}}}}}};
  EXPECT_EQ(pod_status(pod({{"phase", "Running"}, {"containerStatuses", {cs}}})), "Signal:9");
}

TEST(PodTableTest, SucceededPodIsCompletedWithRowCondition) {
  Json cs = {{"name", "app"}, {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}};
  Json t = table_of(kPods, pod({{"phase", "Succeeded"}, {"containerStatuses", {cs}}}));
  EXPECT_EQ(cell(t, "Status"), "Completed");
  EXPECT_EQ(cell(t, "Ready"), "0/1");
  const Json& conditions = t["rows"][0]["conditions"];
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0]["type"], "Completed");
  EXPECT_EQ(conditions[0]["reason"], "Succeeded");
}

TEST(PodTableTest, RunningPodHasNoRowConditions) {
  Json t = table_of(kPods, pod({{"phase", "Running"}, {"containerStatuses", {running_container()}}}));
  EXPECT_FALSE(t["rows"][0].contains("conditions"));
}

TEST(PodTableTest, CompletedContainerBesideARunningOneShowsRunningWhenReady) {
  Json spec = {{"containers", {{{"name", "app"}}, {{"name", "job"}}}}};
  Json done = {{"name", "job"}, {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}};
  Json status = {{"phase", "Running"},
                 {"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
                 {"containerStatuses", {running_container(), done}}};
  EXPECT_EQ(pod_status(pod(status, spec)), "Running");
  status["conditions"][0]["status"] = "False";
  EXPECT_EQ(pod_status(pod(status, spec)), "NotReady");
}

TEST(PodTableTest, DeletingPodIsTerminating) {
  Json p = pod({{"phase", "Running"}, {"containerStatuses", {running_container()}}});
  p["metadata"]["deletionTimestamp"] = "2024-05-01T11:59:00Z";
  EXPECT_EQ(pod_status(p), "Terminating");
}

TEST(PodTableTest, DeletingFinishedPodKeepsItsStatus) {
  Json cs = {{"name", "app"}, {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}};
  Json p = pod({{"phase", "Succeeded"}, {"containerStatuses", {cs}}});
  p["metadata"]["deletionTimestamp"] = "2024-05-01T11:59:00Z";
  EXPECT_EQ(pod_status(p), "Completed");
}

TEST(PodTableTest, DeletingPodOnLostNodeIsUnknown) {
  Json p = pod({{"phase", "Running"}, {"reason", "NodeLost"}});
  p["metadata"]["deletionTimestamp"] = "2024-05-01T11:59:00Z";
  EXPECT_EQ(pod_status(p), "Unknown");
}

TEST(PodTableTest, PodReasonReplacesPhase) {
  EXPECT_EQ(pod_status(pod({{"phase", "Failed"}, {"reason", "Evicted"}})), "Evicted");
}

TEST(PodTableTest, SchedulingGatedCondition) {
  Json status = {{"phase", "Pending"},
                 {"conditions", {{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "SchedulingGated"}}}}};
  EXPECT_EQ(pod_status(pod(status)), "SchedulingGated");
}

TEST(PodTableTest, SidecarInitContainersCountAsContainers) {
  Json spec = {{"initContainers", {{{"name", "proxy"}, {"restartPolicy", "Always"}}}},
               {"containers", {{{"name", "app"}}}}};
  Json sidecar = {{"name", "proxy"}, {"started", true}, {"ready", true}, {"state", {{"running", Json::object()}}}};
  Json status = {{"phase", "Running"},
                 {"conditions", {{{"type", "Initialized"}, {"status", "True"}}}},
                 {"initContainerStatuses", {sidecar}},
                 {"containerStatuses", {running_container()}}};
  Json t = table_of(kPods, pod(status, spec));
  EXPECT_EQ(cell(t, "Ready"), "2/2");
  EXPECT_EQ(cell(t, "Status"), "Running");
}

TEST(PodTableTest, WideCellsShowIpNodeAndReadinessGates) {
  Json spec = {{"containers", {{{"name", "app"}}}},
               {"nodeName", "node-1"},
               {"readinessGates", {{{"conditionType", "example.com/a"}}, {{"conditionType", "example.com/b"}}}}};
  Json status = {{"phase", "Running"},
                 {"podIPs", {{{"ip", "10.0.0.5"}}, {{"ip", "fd00::5"}}}},
                 {"conditions", {{{"type", "example.com/a"}, {"status", "True"}}}}};
  Json t = table_of(kPods, pod(status, spec));
  EXPECT_EQ(cell(t, "IP"), "10.0.0.5");
  EXPECT_EQ(cell(t, "Node"), "node-1");
  EXPECT_EQ(cell(t, "Nominated Node"), "<none>");
  EXPECT_EQ(cell(t, "Readiness Gates"), "1/2");
}

TEST(PodTableTest, WideCellsAreNoneWhenUnset) {
  Json t = table_of(kPods, pod({{"phase", "Pending"}}));
  EXPECT_EQ(cell(t, "IP"), "<none>");
  EXPECT_EQ(cell(t, "Node"), "<none>");
  EXPECT_EQ(cell(t, "Readiness Gates"), "<none>");
}

// ---- deployments and other workloads ----

Json deployment() {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "web"}, {"creationTimestamp", "2024-04-30T12:00:00Z"}}},
          {"spec",
           {{"replicas", 3},
            {"selector",
             {{"matchLabels", {{"app", "web"}}},
              {"matchExpressions", {{{"key", "tier"}, {"operator", "In"}, {"values", {"front", "edge"}}}}}}},
            {"template",
             {{"spec",
               {{"containers",
                 {{{"name", "nginx"}, {"image", "nginx:1.25"}}, {{"name", "sidecar"}, {"image", "envoy:1"}}}}}}}}}},
          {"status", {{"readyReplicas", 2}, {"updatedReplicas", 3}, {"availableReplicas", 2}}}};
}

TEST(WorkloadTableTest, DeploymentColumnsAndCells) {
  Json t = table_of(info("apps", "v1", "Deployment"), deployment());
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Ready", "Up-to-date", "Available", "Age", "Containers",
                                                        "Images", "Selector"}));
  EXPECT_EQ(t["rows"][0]["cells"], (Json{"web", "2/3", 3, 2, "24h", "nginx,sidecar", "nginx:1.25,envoy:1",
                                         "app=web,tier in (edge,front)"}));
}

TEST(WorkloadTableTest, DeploymentWideColumnsHavePriorityOne) {
  Json t = table_of(info("apps", "v1", "Deployment"), deployment());
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(t["columnDefinitions"][i]["priority"], i >= 5 ? 1 : 0) << i;
}

TEST(WorkloadTableTest, ReplicaSetWithoutSelectorShowsNone) {
  Json rs = deployment();
  rs["spec"].erase("selector");
  EXPECT_EQ(cell(table_of(info("apps", "v1", "ReplicaSet"), rs), "Selector"), "<none>");
}

TEST(WorkloadTableTest, StatefulSetReadyIsReadyOverDesired) {
  EXPECT_EQ(cell(table_of(info("apps", "v1", "StatefulSet"), deployment()), "Ready"), "2/3");
}

TEST(WorkloadTableTest, ControllerRevisionNamesItsController) {
  Json cr = {{"metadata",
              {{"name", "web-7d9f"},
               {"ownerReferences",
                {{{"apiVersion", "apps/v1"}, {"kind", "StatefulSet"}, {"name", "web"}, {"controller", true}}}}}},
             {"revision", 2}};
  Json t = table_of(info("apps", "v1", "ControllerRevision"), cr);
  EXPECT_EQ(cell(t, "Controller"), "statefulset.apps/web");
  EXPECT_EQ(cell(t, "Revision"), 2);
}

Json job(Json status) {
  return {{"metadata", {{"name", "pi"}, {"creationTimestamp", "2024-05-01T11:50:00Z"}}},
          {"spec", {{"completions", 1}, {"template", {{"spec", {{"containers", {{{"name", "pi"}, {"image", "perl"}}}}}}}}}},
          {"status", std::move(status)}};
}

TEST(WorkloadTableTest, CompletedJobShowsDurationBetweenStartAndCompletion) {
  Json t = table_of(info("batch", "v1", "Job"),
                    job({{"succeeded", 1},
                         {"startTime", "2024-05-01T11:50:00Z"},
                         {"completionTime", "2024-05-01T11:50:42Z"},
                         {"conditions", {{{"type", "Complete"}, {"status", "True"}}}}}));
  EXPECT_EQ(column_names(t)[1], "Status");
  EXPECT_EQ(cell(t, "Status"), "Complete");
  EXPECT_EQ(cell(t, "Completions"), "1/1");
  EXPECT_EQ(cell(t, "Duration"), "42s");
}

TEST(WorkloadTableTest, RunningJobDurationRunsToNow) {
  Json t = table_of(info("batch", "v1", "Job"), job({{"startTime", "2024-05-01T11:58:30Z"}}));
  EXPECT_EQ(cell(t, "Status"), "Running");
  EXPECT_EQ(cell(t, "Completions"), "0/1");
  EXPECT_EQ(cell(t, "Duration"), "90s");
}

TEST(WorkloadTableTest, JobWithoutCompletionsShowsParallelism) {
  Json j = job(Json::object());
  j["spec"].erase("completions");
  j["spec"]["parallelism"] = 3;
  EXPECT_EQ(cell(table_of(info("batch", "v1", "Job"), j), "Completions"), "0/1 of 3");
}

TEST(WorkloadTableTest, CronJobShowsScheduleAndUnsetSuspend) {
  Json cj = {{"metadata", {{"name", "nightly"}, {"creationTimestamp", "2024-05-01T11:00:00Z"}}},
             {"spec", {{"schedule", "0 3 * * *"}}}};
  Json t = table_of(info("batch", "v1", "CronJob"), cj);
  EXPECT_EQ(cell(t, "Schedule"), "0 3 * * *");
  EXPECT_EQ(cell(t, "Timezone"), "<none>");
  EXPECT_EQ(cell(t, "Suspend"), "<unset>");
  EXPECT_EQ(cell(t, "Active"), 0);
  EXPECT_EQ(cell(t, "Last Schedule"), "<none>");
}

TEST(WorkloadTableTest, HpaV2TargetsShowCurrentOverTarget) {
  Json hpa = {{"metadata", {{"name", "web"}}},
              {"spec",
               {{"scaleTargetRef", {{"kind", "Deployment"}, {"name", "web"}}},
                {"minReplicas", 1},
                {"maxReplicas", 5},
                {"metrics",
                 {{{"type", "Resource"},
                   {"resource", {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 80}}}}}},
                  {{"type", "Pods"},
                   {"pods", {{"metric", {{"name", "qps"}}}, {"target", {{"type", "AverageValue"}, {"averageValue", "10"}}}}}}}}}},
              {"status",
               {{"currentReplicas", 2},
                {"currentMetrics",
                 {{{"type", "Resource"}, {"resource", {{"name", "cpu"}, {"current", {{"averageUtilization", 40}}}}}}}}}}};
  Json t = table_of(info("autoscaling", "v2", "HorizontalPodAutoscaler"), hpa);
  EXPECT_EQ(cell(t, "Reference"), "Deployment/web");
  EXPECT_EQ(cell(t, "Targets"), "cpu: 40%/80%, <unknown>/10");
  EXPECT_EQ(cell(t, "MinPods"), "1");
  EXPECT_EQ(cell(t, "MaxPods"), 5);
  EXPECT_EQ(cell(t, "Replicas"), 2);
}

TEST(WorkloadTableTest, HpaV1TargetsComeFromCpuPercentage) {
  Json hpa = {{"metadata", {{"name", "web"}}},
              {"spec", {{"scaleTargetRef", {{"kind", "Deployment"}, {"name", "web"}}},
                        {"maxReplicas", 5},
                        {"targetCPUUtilizationPercentage", 70}}},
              {"status", {{"currentCPUUtilizationPercentage", 12}}}};
  Json t = table_of(info("autoscaling", "v1", "HorizontalPodAutoscaler"), hpa);
  EXPECT_EQ(cell(t, "Targets"), "cpu: 12%/70%");
  EXPECT_EQ(cell(t, "MinPods"), "<unset>");
}

TEST(WorkloadTableTest, PdbShowsNotApplicableForUnsetBounds) {
  Json pdb = {{"metadata", {{"name", "web"}}}, {"spec", {{"minAvailable", "50%"}}}, {"status", {{"disruptionsAllowed", 1}}}};
  Json t = table_of(info("policy", "v1", "PodDisruptionBudget"), pdb);
  EXPECT_EQ(cell(t, "Min Available"), "50%");
  EXPECT_EQ(cell(t, "Max Unavailable"), "N/A");
  EXPECT_EQ(cell(t, "Allowed Disruptions"), 1);
}

// ---- services and endpoints ----

const api::ResourceInfo kServices = info("", "v1", "Service");

Json service(Json spec) {
  return {{"metadata", {{"name", "web"}, {"creationTimestamp", "2024-05-01T11:59:30Z"}}}, {"spec", std::move(spec)}};
}

TEST(ServiceTableTest, PortsIncludeNodePortsAndProtocols) {
  Json t = table_of(kServices, service({{"type", "NodePort"},
                                        {"clusterIPs", {"10.96.0.10"}},
                                        {"ports",
                                         {{{"port", 80}, {"protocol", "TCP"}},
                                          {{"port", 443}, {"nodePort", 30443}, {"protocol", "TCP"}}}},
                                        {"selector", {{"app", "web"}, {"tier", "front"}}}}));
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age",
                                                        "Selector"}));
  EXPECT_EQ(t["rows"][0]["cells"],
            (Json{"web", "NodePort", "10.96.0.10", "<none>", "80/TCP,443:30443/TCP", "30s", "app=web,tier=front"}));
  EXPECT_EQ(t["columnDefinitions"][6]["priority"], 1);
}

TEST(ServiceTableTest, HeadlessServiceWithoutPorts) {
  Json t = table_of(kServices, service({{"type", "ClusterIP"}, {"clusterIP", "None"}, {"clusterIPs", {"None"}}}));
  EXPECT_EQ(cell(t, "Cluster-IP"), "None");
  EXPECT_EQ(cell(t, "Port(s)"), "<none>");
  EXPECT_EQ(cell(t, "Selector"), "<none>");
}

TEST(ServiceTableTest, LoadBalancerWithoutIngressIsPending) {
  Json t = table_of(kServices, service({{"type", "LoadBalancer"}, {"ports", {{{"port", 53}, {"protocol", "UDP"}}}}}));
  EXPECT_EQ(cell(t, "External-IP"), "<pending>");
  EXPECT_EQ(cell(t, "Port(s)"), "53/UDP");
}

TEST(ServiceTableTest, LoadBalancerListsIngressAndExternalIps) {
  Json svc = service({{"type", "LoadBalancer"}, {"externalIPs", {"192.0.2.9"}}});
  svc["status"] = {{"loadBalancer", {{"ingress", {{{"ip", "203.0.113.7"}}, {{"hostname", "lb.example.com"}}}}}}};
  EXPECT_EQ(cell(table_of(kServices, svc), "External-IP"), "203.0.113.7,lb.example.com,192.0.2.9");
}

TEST(ServiceTableTest, ExternalNameShowsTheName) {
  Json t = table_of(kServices, service({{"type", "ExternalName"}, {"externalName", "db.example.com"}}));
  EXPECT_EQ(cell(t, "External-IP"), "db.example.com");
  EXPECT_EQ(cell(t, "Cluster-IP"), "<none>");
}

TEST(ServiceTableTest, EndpointsShowThreeAddressesThenACount) {
  Json ep = {{"metadata", {{"name", "web"}}},
             {"subsets",
              {{{"addresses", {{{"ip", "10.0.0.1"}}, {{"ip", "10.0.0.2"}}, {{"ip", "fd00::3"}}, {{"ip", "10.0.0.4"}}}},
                {"ports", {{{"port", 8080}}}}}}}};
  EXPECT_EQ(cell(table_of(info("", "v1", "Endpoints"), ep), "Endpoints"),
            "10.0.0.1:8080,10.0.0.2:8080,[fd00::3]:8080 + 1 more...");
}

TEST(ServiceTableTest, EndpointsWithoutSubsetsShowNone) {
  Json ep = {{"metadata", {{"name", "web"}}}};
  EXPECT_EQ(cell(table_of(info("", "v1", "Endpoints"), ep), "Endpoints"), "<none>");
}

TEST(ServiceTableTest, EndpointSliceListsPortsAndAddresses) {
  Json es = {{"metadata", {{"name", "web-abc"}}},
             {"addressType", "IPv4"},
             {"ports", {{{"port", 80}}, {{"name", "metrics"}}}},
             {"endpoints", {{{"addresses", {"10.0.0.1"}}}, {{"addresses", {"10.0.0.2"}}}}}};
  Json t = table_of(info("discovery.k8s.io", "v1", "EndpointSlice"), es);
  EXPECT_EQ(cell(t, "Ports"), "80,metrics");
  EXPECT_EQ(cell(t, "Endpoints"), "10.0.0.1,10.0.0.2");
}

// ---- core kinds ----

TEST(CoreTableTest, NamespaceShowsPhase) {
  Json ns = {{"metadata", {{"name", "default"}, {"creationTimestamp", "2024-04-01T12:00:00Z"}}},
             {"status", {{"phase", "Active"}}}};
  Json t = table_of(info("", "v1", "Namespace"), ns);
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Status", "Age"}));
  EXPECT_EQ(t["rows"][0]["cells"], (Json{"default", "Active", "30d"}));
}

TEST(CoreTableTest, ConfigMapCountsDataAndBinaryData) {
  Json cm = {{"metadata", {{"name", "cfg"}}}, {"data", {{"a", "1"}, {"b", "2"}}}, {"binaryData", {{"c", "AA=="}}}};
  EXPECT_EQ(cell(table_of(info("", "v1", "ConfigMap"), cm), "Data"), 3);
}

TEST(CoreTableTest, SecretShowsTypeAndDataCount) {
  Json s = {{"metadata", {{"name", "tls"}}}, {"type", "kubernetes.io/tls"}, {"data", {{"tls.crt", ""}, {"tls.key", ""}}}};
  Json t = table_of(info("", "v1", "Secret"), s);
  EXPECT_EQ(cell(t, "Type"), "kubernetes.io/tls");
  EXPECT_EQ(cell(t, "Data"), 2);
}

TEST(CoreTableTest, ServiceAccountCountsSecrets) {
  Json sa = {{"metadata", {{"name", "default"}}}};
  Json t = table_of(info("", "v1", "ServiceAccount"), sa);
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Secrets", "Age"}));
  EXPECT_EQ(cell(t, "Secrets"), 0);
}

TEST(CoreTableTest, NodeShowsReadinessRolesAndVersion) {
  Json node = {{"metadata",
                {{"name", "node-1"},
                 {"labels", {{"node-role.kubernetes.io/control-plane", ""}, {"kubernetes.io/role", "worker"}}}}},
               {"spec", {{"unschedulable", true}}},
               {"status",
                {{"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
                 {"addresses", {{{"type", "InternalIP"}, {"address", "192.168.1.10"}}}},
                 {"nodeInfo", {{"kubeletVersion", "v1.33.0"}, {"osImage", "Debian GNU/Linux 12"}}}}}};
  Json t = table_of(info("", "v1", "Node"), node);
  EXPECT_EQ(cell(t, "Status"), "Ready,SchedulingDisabled");
  EXPECT_EQ(cell(t, "Roles"), "control-plane,worker");
  EXPECT_EQ(cell(t, "Version"), "v1.33.0");
  EXPECT_EQ(cell(t, "Internal-IP"), "192.168.1.10");
  EXPECT_EQ(cell(t, "External-IP"), "<none>");
  EXPECT_EQ(cell(t, "Kernel-Version"), "<unknown>");
}

TEST(CoreTableTest, NodeWithoutReadyConditionIsUnknown) {
  Json node = {{"metadata", {{"name", "node-1"}}}};
  Json t = table_of(info("", "v1", "Node"), node);
  EXPECT_EQ(cell(t, "Status"), "Unknown");
  EXPECT_EQ(cell(t, "Roles"), "<none>");
}

TEST(CoreTableTest, CoreEventShowsObjectAndCount) {
  Json ev = {{"metadata", {{"name", "web.17a"}}},
             {"type", "Normal"},
             {"reason", "Scheduled"},
             {"message", "Successfully assigned default/web to node-1\n"},
             {"involvedObject", {{"kind", "Pod"}, {"name", "web"}}},
             {"source", {{"component", "default-scheduler"}}},
             {"firstTimestamp", "2024-05-01T11:50:00Z"},
             {"lastTimestamp", "2024-05-01T11:58:00Z"},
             {"count", 3}};
  Json t = table_of(info("", "v1", "Event"), ev);
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Last Seen", "Type", "Reason", "Object", "Subobject", "Source",
                                                        "Message", "First Seen", "Count", "Name"}));
  EXPECT_EQ(t["rows"][0]["cells"], (Json{"2m", "Normal", "Scheduled", "pod/web", "", "default-scheduler",
                                         "Successfully assigned default/web to node-1", "10m", 3, "web.17a"}));
}

TEST(CoreTableTest, EventsGroupEventReadsItsOwnFieldNames) {
  Json ev = {{"metadata", {{"name", "web.17b"}}},
             {"type", "Warning"},
             {"reason", "BackOff"},
             {"note", "Back-off restarting failed container"},
             {"regarding", {{"kind", "Pod"}, {"name", "web"}, {"fieldPath", "spec.containers{app}"}}},
             {"reportingController", "kubelet"},
             {"reportingInstance", "node-1"},
             {"eventTime", "2024-05-01T11:59:00.000000Z"},
             {"series", {{"count", 7}, {"lastObservedTime", "2024-05-01T11:59:50.000000Z"}}}};
  Json t = table_of(info("events.k8s.io", "v1", "Event"), ev);
  EXPECT_EQ(t["rows"][0]["cells"], (Json{"10s", "Warning", "BackOff", "pod/web", "spec.containers{app}", "kubelet, node-1",
                                         "Back-off restarting failed container", "60s", 7, "web.17b"}));
}

TEST(CoreTableTest, SingletonEventCountsOne) {
  Json ev = {{"metadata", {{"name", "e"}}}, {"involvedObject", {{"kind", "Node"}}}, {"eventTime", "2024-05-01T11:59:00.5Z"}};
  Json t = table_of(info("", "v1", "Event"), ev);
  EXPECT_EQ(cell(t, "Count"), 1);
  EXPECT_EQ(cell(t, "Object"), "node");
  EXPECT_EQ(cell(t, "Last Seen"), "59s");
}

TEST(CoreTableTest, PersistentVolumeClaimShowsBoundVolume) {
  Json pvc = {{"metadata", {{"name", "data"}}},
              {"spec", {{"volumeName", "pv-1"}, {"storageClassName", "standard"}, {"volumeMode", "Filesystem"}}},
              {"status", {{"phase", "Bound"}, {"capacity", {{"storage", "1Gi"}}}, {"accessModes", {"ReadWriteOnce"}}}}};
  Json t = table_of(info("", "v1", "PersistentVolumeClaim"), pvc);
  EXPECT_EQ(t["rows"][0]["cells"],
            (Json{"data", "Bound", "pv-1", "1Gi", "RWO", "standard", "<unset>", "<unknown>", "Filesystem"}));
}

TEST(CoreTableTest, PersistentVolumeShowsClaimAndModes) {
  Json pv = {{"metadata", {{"name", "pv-1"}}},
             {"spec",
              {{"capacity", {{"storage", "10Gi"}}},
               {"accessModes", {"ReadWriteMany", "ReadWriteOnce"}},
               {"persistentVolumeReclaimPolicy", "Retain"},
               {"claimRef", {{"namespace", "default"}, {"name", "data"}}}}},
             {"status", {{"phase", "Bound"}}}};
  Json t = table_of(info("", "v1", "PersistentVolume"), pv);
  EXPECT_EQ(cell(t, "Access Modes"), "RWO,RWX");
  EXPECT_EQ(cell(t, "Claim"), "default/data");
  EXPECT_EQ(cell(t, "Capacity"), "10Gi");
  EXPECT_EQ(cell(t, "VolumeMode"), "<unset>");
}

TEST(CoreTableTest, ResourceQuotaSplitsRequestsAndLimits) {
  Json rq = {{"metadata", {{"name", "quota"}}},
             {"status",
              {{"hard", {{"pods", "10"}, {"requests.cpu", "2"}, {"limits.memory", "2Gi"}}},
               {"used", {{"pods", "3"}, {"limits.memory", "512Mi"}}}}}};
  Json t = table_of(info("", "v1", "ResourceQuota"), rq);
  EXPECT_EQ(cell(t, "Request"), "pods: 3/10, requests.cpu: 0/2");
  EXPECT_EQ(cell(t, "Limit"), "limits.memory: 512Mi/2Gi");
}

// ---- other groups ----

TEST(OtherTableTest, RoleBindingWideColumnsListSubjects) {
  Json rb = {{"metadata", {{"name", "admins"}}},
             {"roleRef", {{"kind", "ClusterRole"}, {"name", "admin"}}},
             {"subjects",
              {{{"kind", "User"}, {"name", "alice"}},
               {{"kind", "Group"}, {"name", "ops"}},
               {{"kind", "ServiceAccount"}, {"namespace", "ci"}, {"name", "deployer"}},
               {{"kind", "User"}, {"name", "bob"}}}}};
  Json t = table_of(info("rbac.authorization.k8s.io", "v1", "RoleBinding"), rb);
  EXPECT_EQ(cell(t, "Role"), "ClusterRole/admin");
  EXPECT_EQ(cell(t, "Users"), "alice, bob");
  EXPECT_EQ(cell(t, "Groups"), "ops");
  EXPECT_EQ(cell(t, "ServiceAccounts"), "ci/deployer");
  EXPECT_EQ(t["columnDefinitions"][3]["priority"], 1);
}

TEST(OtherTableTest, RoleUsesCreatedAtTable) {
  Json role = {{"metadata", {{"name", "reader"}, {"creationTimestamp", "2024-04-01T08:09:10Z"}}}};
  Json t = table_of(info("rbac.authorization.k8s.io", "v1", "Role"), role);
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Created At"}));
  EXPECT_EQ(t["columnDefinitions"][1]["type"], "date");
  EXPECT_EQ(t["rows"][0]["cells"], (Json{"reader", "2024-04-01T08:09:10Z"}));
}

TEST(OtherTableTest, LimitRangeUsesCreatedAtTable) {
  Json t = table_of(info("", "v1", "LimitRange"), Json{{"metadata", {{"name", "limits"}}}});
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Created At"}));
}

TEST(OtherTableTest, IngressShowsClassHostsAndPorts) {
  Json ing = {{"metadata", {{"name", "web"}}},
              {"spec",
               {{"ingressClassName", "nginx"},
                {"rules", {{{"host", "a.example.com"}}, {{"host", "b.example.com"}}}},
                {"tls", {{{"hosts", {"a.example.com"}}}}}}},
              {"status", {{"loadBalancer", {{"ingress", {{{"ip", "192.0.2.1"}}}}}}}}};
  Json t = table_of(info("networking.k8s.io", "v1", "Ingress"), ing);
  EXPECT_EQ(t["rows"][0]["cells"],
            (Json{"web", "nginx", "a.example.com,b.example.com", "192.0.2.1", "80, 443", "<unknown>"}));
}

TEST(OtherTableTest, IngressWithoutHostsMatchesAll) {
  Json ing = {{"metadata", {{"name", "web"}}}, {"spec", {{"rules", {{{"http", Json::object()}}}}}}};
  Json t = table_of(info("networking.k8s.io", "v1", "Ingress"), ing);
  EXPECT_EQ(cell(t, "Hosts"), "*");
  EXPECT_EQ(cell(t, "Class"), "<none>");
  EXPECT_EQ(cell(t, "Ports"), "80");
}

TEST(OtherTableTest, NetworkPolicyWithEmptySelectorShowsNone) {
  Json np = {{"metadata", {{"name", "deny"}}}, {"spec", {{"podSelector", Json::object()}}}};
  EXPECT_EQ(cell(table_of(info("networking.k8s.io", "v1", "NetworkPolicy"), np), "Pod-Selector"), "<none>");
}

TEST(OtherTableTest, LeaseShowsHolder) {
  Json lease = {{"metadata", {{"name", "node-1"}}}, {"spec", {{"holderIdentity", "node-1"}}}};
  EXPECT_EQ(cell(table_of(info("coordination.k8s.io", "v1", "Lease"), lease), "Holder"), "node-1");
}

TEST(OtherTableTest, DefaultStorageClassIsMarked) {
  Json sc = {{"metadata", {{"name", "local"}, {"annotations", {{"storageclass.kubernetes.io/is-default-class", "true"}}}}},
             {"provisioner", "rancher.io/local-path"}};
  Json t = table_of(info("storage.k8s.io", "v1", "StorageClass"), sc);
  EXPECT_EQ(t["rows"][0]["cells"], (Json{"local (default)", "rancher.io/local-path", "Delete", "Immediate", false, "<unknown>"}));
}

TEST(OtherTableTest, PriorityClassShowsValueAndDefault) {
  Json pc = {{"metadata", {{"name", "high"}}}, {"value", 1000}, {"globalDefault", true}, {"preemptionPolicy", "Never"}};
  Json t = table_of(info("scheduling.k8s.io", "v1", "PriorityClass"), pc);
  EXPECT_EQ(t["rows"][0]["cells"], (Json{"high", 1000, true, "<unknown>", "Never"}));
}

// ---- fallback ----

TEST(DefaultTableTest, UnknownKindGetsNameAndAge) {
  Json cr = {{"apiVersion", "example.com/v1"},
             {"kind", "Widget"},
             {"metadata", {{"name", "w1"}, {"creationTimestamp", "2024-05-01T11:57:00Z"}}}};
  Json t = table_of(info("example.com", "v1", "Widget"), cr, IncludeObject::kMetadata);
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Age"}));
  EXPECT_EQ(t["columnDefinitions"][0]["format"], "name");
  EXPECT_EQ(t["rows"][0]["cells"], (Json{"w1", "3m"}));
  EXPECT_EQ(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
}

TEST(DefaultTableTest, KindIsLookedUpWithItsGroup) {
  // A "Pod" outside the core group is not a core Pod.
  Json t = table_of(info("example.com", "v1", "Pod"), pod({{"phase", "Running"}}));
  EXPECT_EQ(column_names(t), (std::vector<std::string>{"Name", "Age"}));
}

TEST(DefaultTableTest, TableColumnsMatchMakeTable) {
  auto columns = table_columns({"apps", "v1", "Deployment"});
  ASSERT_EQ(columns.size(), 8u);
  EXPECT_EQ(columns[1].name, "Ready");
  EXPECT_EQ(columns[7].priority, 1);
}

}  // namespace
}  // namespace skiff::apiserver
