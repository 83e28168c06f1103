// Between the plain CRI structs (cri_types.h) and the generated runtime.v1 protobuf messages.
// Private to skiff_cri: it includes generated code.
#pragma once

#include "agent/cri/cri_types.h"
#include "cri/api.pb.h"

namespace skiff::agent::cri {

void to_proto(const PodSandboxConfig& in, runtime::v1::PodSandboxConfig* out);
void to_proto(const ContainerConfig& in, runtime::v1::ContainerConfig* out);
void to_proto(const PodSandboxFilter& in, runtime::v1::PodSandboxFilter* out);
void to_proto(const ContainerFilter& in, runtime::v1::ContainerFilter* out);
void to_proto(const AuthConfig& in, runtime::v1::AuthConfig* out);

RuntimeVersion from_proto(const runtime::v1::VersionResponse& in);
RuntimeStatus from_proto(const runtime::v1::StatusResponse& in);
PodSandbox from_proto(const runtime::v1::PodSandbox& in);
PodSandboxStatus from_proto(const runtime::v1::PodSandboxStatusResponse& in);
Container from_proto(const runtime::v1::Container& in);
ContainerStatus from_proto(const runtime::v1::ContainerStatusResponse& in);
ContainerStats from_proto(const runtime::v1::ContainerStats& in);
Image from_proto(const runtime::v1::Image& in);
FilesystemUsage from_proto(const runtime::v1::FilesystemUsage& in);

}  // namespace skiff::agent::cri
