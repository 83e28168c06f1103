// How a CRI node serves `kubectl logs`, exec, attach and port-forward for its pods: the API
// server in the same process calls these directly; `skiff agent` serves them on its kubelet API.
#pragma once

#include <memory>
#include <string>

#include "apiserver/pod_logs.h"
#include "apiserver/pod_streams.h"

namespace skiff::agent::cri {

class CriClient;
class CriPodLogs;

// Logs from the files containerd writes, the run chosen by the kubelet's rules.
std::shared_ptr<apiserver::PodLogSource> cri_pod_log_source(std::string node_name, std::shared_ptr<CriPodLogs> logs);

// Sessions on containerd's CRI streaming server (its URL from CRI Exec, Attach, PortForward).
std::shared_ptr<apiserver::ContainerStreamSource> cri_stream_source(std::string node_name,
                                                                    std::shared_ptr<CriClient> cri);

}  // namespace skiff::agent::cri
