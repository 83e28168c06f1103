#include "chart/values/coalesce.h"

#include <vector>

namespace skiff::chart {

namespace {

constexpr const char* kGlobalKey = "global";

// coalesceTablesFullKey. Go first sets src[key] = nil for every key whose dst value is nil
// (mutating its copy of src), then walks src; this reads that copy's effect off the
// original instead: such a key is dropped from dst when src had a value for it (and
// nulls delete, !merge), and is otherwise left alone.
void coalesce_tables_full(Json& dst, const Json& src, bool merge) {
  if (src.is_null()) return;
  if (dst.is_null()) {
    dst = src;
    return;
  }
  if (!dst.is_object() || !src.is_object()) return;
  for (auto it = src.begin(); it != src.end(); ++it) {
    const std::string& key = it.key();
    const Json& val = it.value();
    auto dit = dst.find(key);
    if (dit == dst.end()) {
      dst[key] = val;
    } else if (dit->is_null()) {
      if (!merge && !val.is_null()) dst.erase(dit);
    } else if (val.is_object() && dit->is_object()) {
      coalesce_tables_full(*dit, val, merge);
    }
  }
}

bool is_subchart_name(const Chart& c, const std::string& key) {
  for (const auto& d : c.dependencies) {
    if (d->name() == key) return true;
  }
  return false;
}

void coalesce_chart_values(const Chart& c, Json& v, bool merge) {
  if (!c.values.is_object()) return;
  for (auto it = c.values.begin(); it != c.values.end(); ++it) {
    const std::string& key = it.key();
    const Json& val = it.value();
    auto existing = v.find(key);
    if (existing != v.end()) {
      if (existing->is_null() && !merge) {
        v.erase(key);
      } else if (existing->is_object()) {
        if (val.is_object()) {
          coalesce_tables_full(*existing, val, is_subchart_name(c, key) ? true : merge);
        }
      }
    } else {
      v[key] = val;  // helm 4.1 keeps null defaults (schemas see them)
    }
  }
}

void coalesce_globals(Json& dest, const Json& src) {
  Json dg = Json::object();
  if (auto it = dest.find(kGlobalKey); it != dest.end()) {
    if (!it->is_object()) return;
    dg = *it;
  }
  Json sg = Json::object();
  if (auto it = src.find(kGlobalKey); it != src.end()) {
    if (!it->is_object()) return;
    sg = *it;
  }
  for (auto it = sg.begin(); it != sg.end(); ++it) {
    const std::string& key = it.key();
    const Json& val = it.value();
    if (val.is_object()) {
      Json vv = val;
      auto d = dg.find(key);
      if (d == dg.end()) {
        dg[key] = vv;
      } else if (d->is_object()) {
        coalesce_tables_full(vv, *d, true);
        dg[key] = vv;
      }
    } else if (auto d = dg.find(key); d != dg.end() && d->is_object()) {
      // A table is never replaced by a scalar.
    } else {
      dg[key] = val;
    }
  }
  dest[kGlobalKey] = dg;
}

Status coalesce(const Chart& ch, Json& dest, bool merge);

Status coalesce_deps(const Chart& ch, Json& dest, bool merge) {
  for (const auto& sub : ch.dependencies) {
    auto it = dest.find(sub->name());
    if (it == dest.end()) {
      dest[sub->name()] = Json::object();
    } else if (!it->is_object()) {
      return Error::invalid("type mismatch on " + sub->name() + ": %!t(" + std::string(it->type_name()) + "=" +
                            it->dump() + ")");
    }
    Json& dv = dest[sub->name()];
    coalesce_globals(dv, dest);
    SKIFF_TRY(coalesce(*sub, dv, merge));
  }
  return ok_status();
}

Status coalesce(const Chart& ch, Json& dest, bool merge) {
  coalesce_chart_values(ch, dest, merge);
  return coalesce_deps(ch, dest, merge);
}

}  // namespace

Result<Json> coalesce_values(const Chart& chart, const Json& vals) {
  Json dest = vals.is_object() ? vals : Json::object();
  SKIFF_TRY(coalesce(chart, dest, false));
  return dest;
}

Result<Json> merge_values(const Chart& chart, const Json& vals) {
  Json dest = vals.is_object() ? vals : Json::object();
  SKIFF_TRY(coalesce(chart, dest, true));
  return dest;
}

void coalesce_tables(Json& dst, Json src) { coalesce_tables_full(dst, src, false); }
void merge_tables(Json& dst, Json src) { coalesce_tables_full(dst, src, true); }

const Json* values_table(const Json& values, std::string_view dotted_path) {
  const Json* cur = &values;
  size_t start = 0;
  while (true) {
    size_t dot = dotted_path.find('.', start);
    std::string key(dotted_path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end() || !it->is_object()) return nullptr;
    cur = &*it;
    if (dot == std::string_view::npos) return cur;
    start = dot + 1;
  }
}

}  // namespace skiff::chart
