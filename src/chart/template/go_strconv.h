// Go's strconv for templates: util's implementation, named in the template namespace.
#pragma once

#include "util/go_strconv.h"

namespace skiff::chart::tmpl {

using skiff::append_rune;
using skiff::decode_rune;
using skiff::go_can_backquote;
using skiff::go_format_float;
using skiff::go_parse_float;
using skiff::go_parse_int;
using skiff::go_parse_uint;
using skiff::go_quote;
using skiff::go_quote_rune;
using skiff::go_unquote;
using skiff::go_unquote_char;
using skiff::is_digit;
using skiff::is_letter;
using skiff::is_print;
using skiff::kMaxRune;
using skiff::kRuneError;
using skiff::rune_count;
using skiff::valid_utf8;

}  // namespace skiff::chart::tmpl
