// Internal to the table printer: reading loosely-typed object fields and formatting them
// the way Kubernetes' printers do ("<none>", label sets, selectors, ages).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/schema.h"
#include "util/clock.h"
#include "util/json.h"

namespace skiff::apiserver::tables {

// The value at a dotted path, or a null Json when any step is absent.
const Json& at(const Json& obj, std::string_view dotted);
// String at a path; "" when absent or not a string.
std::string str(const Json& obj, std::string_view dotted);
// Integer at a path; fallback when absent or not a number.
int64_t integer(const Json& obj, std::string_view dotted, int64_t fallback = 0);
// Length of the array or object at a path; 0 otherwise.
int64_t count(const Json& obj, std::string_view dotted);
bool flag(const Json& obj, std::string_view dotted, bool fallback = false);
bool has(const Json& obj, std::string_view dotted);

// A metav1.Time / MicroTime value; nullopt when absent, null, empty or unparseable.
std::optional<WallTime> timestamp(const Json& value);

// Go's duration.HumanDuration: "<invalid>" more than a second in the future.
std::string human_age(WallTime then, WallTime now);
std::string human_span(std::chrono::seconds d);
// Age of a timestamp field; "<unknown>" when it is not set.
std::string age_of(const Json& value, WallTime now);
std::string object_age(const Json& obj, WallTime now);  // from metadata.creationTimestamp

std::string or_none(std::string s);  // "" -> "<none>"
std::string join_strings(const std::vector<std::string>& parts, std::string_view sep);

// labels.FormatLabels: "a=b,c=d" sorted by key; "<none>" when empty.
std::string format_labels(const Json& labels);
// metav1.LabelSelector rendered as a selector string ("app=x,tier in (a,b)"); "" when it
// selects everything or nothing; "<invalid>" for an operator Kubernetes would reject.
std::string label_selector_string(const Json& selector);
// metav1.FormatLabelSelector: as above, with "<none>" for "".
std::string format_label_selector(const Json& selector);
// Container names and images joined with ",", for the wide CONTAINERS and IMAGES columns.
std::pair<std::string, std::string> container_names_and_images(const Json& containers);
// An IntOrString value as text ("2", "50%").
std::string int_or_string(const Json& value);
// A resource.Quantity as text: the stored string, "0" when absent.
std::string quantity(const Json& value);
// Go's net.JoinHostPort.
std::string join_host_port(const std::string& host, int64_t port);
// "True", "False", or "<unset>" when absent.
std::string bool_ptr(const Json& value);

// Column builders.
api::PrinterColumn name_column();
api::PrinterColumn age_column();
api::PrinterColumn column(std::string name, std::string type, std::string description, int priority = 0);

}  // namespace skiff::apiserver::tables
