// Internal to the table printer: one Printer per kind (its columns and a function from an
// object to its cells), registered by group, version and kind.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "api/gvk.h"
#include "api/schema.h"
#include "util/clock.h"
#include "util/json.h"

namespace skiff::apiserver::tables {

struct PrintContext {
  WallTime now;
};

struct PrintedRow {
  std::vector<Json> cells;
  Json conditions;  // null, or an array of TableRowCondition objects
};

using PrintFunction = PrintedRow (*)(const Json& obj, const PrintContext& ctx);

struct Printer {
  std::vector<api::PrinterColumn> columns;
  PrintFunction print = nullptr;
};

class PrinterRegistry {
 public:
  // version "" matches every version of the group and kind.
  void add(std::string group, std::string version, std::string kind, Printer printer);
  // An exact version match wins over a version-independent one; nullptr when none.
  const Printer* find(const api::GroupVersionKind& gvk) const;

  static const PrinterRegistry& builtin();

 private:
  std::map<std::tuple<std::string, std::string, std::string>, Printer, std::less<>> printers_;
};

// Registration, one function per file.
void add_core_printers(PrinterRegistry& registry);      // tables_core.cc
void add_workload_printers(PrinterRegistry& registry);  // tables_workloads.cc
void add_other_printers(PrinterRegistry& registry);     // tables_other.cc

// Registered by add_core_printers; lives in tables_pod.cc.
PrintedRow print_pod(const Json& pod, const PrintContext& ctx);

// The table for kinds without a printer of their own (custom resources): NAME and AGE.
const Printer& default_printer();
// Kubernetes' generic table, used by built-in kinds that have no printer (Role, LimitRange,
// CustomResourceDefinition, ...): NAME and CREATED AT, an RFC 3339 timestamp.
const Printer& created_at_printer();

}  // namespace skiff::apiserver::tables
