package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
)

// stableID is a data source's computed id: a hash of its inputs (never a
// clock value) in an encoding this project owns, one line per input set,
// sorted by name: Go-quoted name, "=", Go-quoted value. An input left unset
// is absent. A test pins known ids: changing the encoding changes every id
// in every state, so it must be deliberate.
func stableID(inputs map[string]string) string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(inputs)) {
		_, _ = h.Write([]byte(strconv.Quote(k) + "=" + strconv.Quote(inputs[k]) + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
