// Which pods a controller removes first when scaling down (Kubernetes' ActivePodsWithRanks):
// unassigned before assigned, pending before running, not ready before ready, ready for less
// time before longer, more restarts before fewer, newer before older.
#pragma once

#include <vector>

#include "client/client.h"
#include "util/clock.h"

namespace skiff::controllers {

void rank_pods_for_deletion(std::vector<client::ObjectPtr>& pods, WallTime now);

}  // namespace skiff::controllers
