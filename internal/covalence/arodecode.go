package covalence

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// asEncodingJSON are the options under which go-json-experiment/json
// accepts what encoding/json accepts and decodes it the same way:
//   - a name matches a field in any case (MatchCaseInsensitiveNames), with
//     '_' and '-' significant (MatchCaseSensitiveDelimiter);
//   - invalid UTF-8 and lone surrogates become U+FFFD (AllowInvalidUTF8);
//   - a repeated name is allowed, the later value decoded over the earlier
//     (AllowDuplicateNames), and null leaves a string or struct as it was
//     (MergeWithLegacySemantics).
//
// FuzzAROPageDecodeEquivalence and FuzzAROPageDecodeField hold the two
// decoders to the same answer on arbitrary bytes.
var asEncodingJSON = json.JoinOptions(
	json.MatchCaseInsensitiveNames(true),
	jsonv1.MatchCaseSensitiveDelimiter(true),
	jsontext.AllowInvalidUTF8(true),
	jsontext.AllowDuplicateNames(true),
	jsonv1.MergeWithLegacySemantics(true),
)

// decodeAROPage decodes an ARO page with go-json-experiment/json, which
// is faster than encoding/json on the portal's pages (BenchmarkDecodeAROPage;
// the flexible types decode from its token stream, UnmarshalJSONFrom). On an
// error it reports false and leaves p as it was: the caller then decodes
// with encoding/json, whose errors DecodeError knows how to place.
func decodeAROPage(b []byte, p *itemPage[ARO]) bool {
	var out itemPage[ARO]
	if json.Unmarshal(b, &out, asEncodingJSON) != nil {
		return false
	}
	*p = out
	return true
}
