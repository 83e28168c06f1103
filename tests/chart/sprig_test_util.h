// Table-test plumbing for the Sprig functions: a template, JSON data (numbers are
// float64 as in helm values), and the expected output or error.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <ostream>
#include <string>

#include "chart/funcs/sprig.h"
#include "template_test_util.h"
#include "util/strings.h"

namespace skiff::chart::funcs::testing {

struct SprigCase {
  const char* name;
  const char* input;
  const char* output;  // expected output, or the expected error when !ok
  bool ok = true;
  const char* data = "";  // JSON
};

inline void PrintTo(const SprigCase& c, std::ostream* os) { *os << c.name; }

inline tmpl::testing::Rendered render_sprig(const std::string& text, const std::string& json = "",
                                           tmpl::MissingKey mk = tmpl::MissingKey::kDefault) {
  // Go's Local zone comes from TZ; expectations are written for UTC.
  setenv("TZ", "UTC", 1);
  tmpl::TemplateSet set("root");
  set.set_missing_key(mk);
  add_sprig_functions(set);
  return tmpl::testing::render_set(set, text, tmpl::testing::data_from_json(json));
}

class SprigTest : public ::testing::TestWithParam<SprigCase> {};

inline void expect_case(const SprigCase& c) {
  auto r = render_sprig(c.input, c.data);
  EXPECT_EQ(r.ok, c.ok) << r.text;
  EXPECT_EQ(r.text, c.output);
}

inline std::string case_name(const ::testing::TestParamInfo<SprigCase>& info) { return info.param.name; }

}  // namespace skiff::chart::funcs::testing
