// Sprig's key and certificate generators over OpenSSL: genPrivateKey, buildCustomCert,
// genCA, genSelfSignedCert, genSignedCert and the WithKey variants. Certificates are
// Sprig's certificate struct {Cert, Key} of PEM text.
#pragma once

#include "chart/template/template.h"

namespace skiff::chart::funcs {

void register_certificate_functions(tmpl::TemplateSet& set);

}  // namespace skiff::chart::funcs
