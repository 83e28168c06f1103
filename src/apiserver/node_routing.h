// pods/log and the streaming subresources for every node: the agent in this process answers for
// its own node, another source (the kubelet API client) for all the others.
#pragma once

#include <memory>

#include "apiserver/pod_logs.h"
#include "apiserver/pod_streams.h"

namespace skiff::apiserver {

// Either may be null; with one, that one is returned.
std::shared_ptr<PodLogSource> route_pod_logs(std::shared_ptr<PodLogSource> own_node,
                                             std::shared_ptr<PodLogSource> other_nodes);
std::shared_ptr<ContainerStreamSource> route_container_streams(std::shared_ptr<ContainerStreamSource> own_node,
                                                               std::shared_ptr<ContainerStreamSource> other_nodes);

}  // namespace skiff::apiserver
