// YAML and JSON exactly as helm 4 reads and writes them.
//
// Helm goes through sigs.k8s.io/yaml (v1.6.0, backed by go-yaml v2 = go.yaml.in/yaml/v2):
//  - reading: YAML -> go-yaml v2 decode into interface{} (YAML 1.1 typing: yes/no/on/off
//    are booleans, 0777 octal, timestamps stay strings) -> JSON -> encoding/json decode
//    (every number becomes float64, keys are strings, a later duplicate key wins);
//  - writing: encoding/json Marshal -> go-yaml v2 decode of that JSON -> go-yaml v2
//    encode (keys in go-yaml's natural order, 2-space indent, sequences inside mappings
//    not indented, strings quoted when they would read back as another type, multi-line
//    strings as literal blocks, long plain/quoted strings folded past column 80).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chart/template/value.h"
#include "util/result.h"

namespace skiff::chart::yaml {

// sigs.k8s.io/yaml.Unmarshal of one document into interface{}. Only the first document
// of a multi-document stream is read, as go-yaml's Unmarshal does. An empty document is
// the invalid Value (nil). Errors carry helm's text, e.g.
// "error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context";
// source_name is not part of the message (callers prefix it as helm does).
Result<tmpl::Value> parse_yaml(std::string_view text, std::string_view source_name = "");

// Every document of a "---"-separated stream, each converted as parse_yaml does.
Result<std::vector<tmpl::Value>> parse_yaml_documents(std::string_view text,
                                                      std::string_view source_name = "");

// sigs.k8s.io/yaml.Marshal(v), ending in a newline. helm's toYaml trims that one
// trailing newline (strings.TrimSuffix(s, "\n")); that is the caller's job.
// Errors: "error marshaling into JSON: json: unsupported type: ..." and the like.
Result<std::string> to_yaml(const tmpl::Value& v);
// The same by the letter: the JSON text really read back as YAML. to_yaml builds the
// YAML from the value directly when that reading would change nothing.
Result<std::string> to_yaml_through_json(const tmpl::Value& v);

// encoding/json.Marshal(v).
Result<std::string> to_json(const tmpl::Value& v);

// encoding/json.Unmarshal into interface{}: objects map[string]interface{}, arrays
// []interface{}, numbers float64.
Result<tmpl::Value> from_json(std::string_view text);

// What helm's fromYaml/fromJson (decode into map[string]interface{}) and
// fromYamlArray/fromJsonArray (into []interface{}) do, including the error text they
// put into the result ("error unmarshaling JSON: while decoding JSON: json: cannot
// unmarshal array into Go value of type map[string]interface {}").
enum class DecodeTarget { kAny, kMap, kList };
Result<tmpl::Value> parse_yaml_into(std::string_view text, DecodeTarget target);
Result<tmpl::Value> from_json_into(std::string_view text, DecodeTarget target);

}  // namespace skiff::chart::yaml
