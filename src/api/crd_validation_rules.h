// CEL validation rules of CRD schemas (x-kubernetes-validations), as apiextensions-apiserver
// runs them: checked and compiled when the CRD is validated, evaluated on every create and
// update of a custom resource at each schema node that has rules (self = the value there,
// oldSelf = its old value for transition rules), with Kubernetes' messages, reasons, field
// paths, cost limits and ratcheting of unchanged values.
#pragma once

#include <string>
#include <vector>

#include "api/field_errors.h"
#include "util/json.h"
#include "util/result.h"

namespace skiff::api {

struct StructuralSchema;
struct ResourceInfo;

// Checks every rule of the schema rooted at `path` ("spec.validation.openAPIV3Schema") and
// attaches the compiled programs to the schema nodes. Invalid rules are CRD errors; rules that
// use parts of Kubernetes' CEL environment this server lacks (quantity(), url(), ...) are
// accepted but not evaluated, with a line in `warnings` each. As Kubernetes does, expressions
// are only compiled when the schema is `structural` (had no errors of its own).
void compile_validation_rules(StructuralSchema& root, const std::string& path, bool structural, FieldErrors& errs,
                              std::vector<std::string>* warnings);

// Evaluates the compiled rules on a custom resource; `old` is the stored object on updates.
// Failures of rules on values an update leaves unchanged are ratcheted into `warnings`.
void validate_custom_resource_rules(const StructuralSchema& root, const Json& obj, const Json* old, FieldErrors& errs,
                                    std::vector<std::string>* warnings);

// The API server's hook for writes: 422 Invalid when a rule fails; nothing to do for built-in
// kinds and custom resources without rules.
Status check_custom_resource_rules(const ResourceInfo& info, const Json& obj, const Json* old,
                                   std::vector<std::string>* warnings);

}  // namespace skiff::api
