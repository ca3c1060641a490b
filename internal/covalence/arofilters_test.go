package covalence

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// TestAROFilterValuesAreTheContract: a filter with documented values
// accepts exactly the values the mock gives the field it checks; the others
// accept any value.
func TestAROFilterValuesAreTheContract(t *testing.T) {
	mock := map[string][]string{"status": mockportal.Statuses, "resolution": mockportal.Resolutions, "type": mockportal.Types}
	for _, f := range AROFilters {
		if want := mock[f.Field]; !slices.Equal(f.Values, want) {
			t.Errorf("filter %s (field %s) accepts %q, the mock's values are %q", f.Param, f.Field, f.Values, want)
		}
	}
}

// TestAROFilterFieldsAreTheirJSONFields: each filter's check reads, of an
// ARO and of a summary's item decoded from JSON, the field its Field names
// (what the live check reads of a raw answer), and equality filters keep
// their value where AROQuery.Values sends it under Param.
func TestAROFilterFieldsAreTheirJSONFields(t *testing.T) {
	for _, f := range AROFilters {
		marker := "marker of " + f.Param
		obj := map[string]any{"ID": "an ID"}
		path := strings.Split(f.Field, ".")
		m := obj
		for _, k := range path[:len(path)-1] {
			n := map[string]any{}
			m[k], m = n, n
		}
		m[path[len(path)-1]] = marker
		body, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		var a ARO
		var s AROSummaryItem
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(body, &s); err != nil {
			t.Fatal(err)
		}
		for name, ff := range map[string]filterFields{"ARO": aroFilterFields(&a), "AROSummaryItem": summaryFilterFields(&s)} {
			if v := f.field(&ff); v == nil || *v != marker {
				t.Errorf("filter %s reads %v of an %s whose %s is %q", f.Param, v, name, f.Field, marker)
			}
		}
		if f.Kind != Equal {
			continue
		}
		var q AROQuery
		*f.Value(&q) = marker
		if got := q.Values().Get(f.Param); got != marker {
			t.Errorf("filter %s: the query sends %q under %s, want %q", f.Param, got, f.Param, marker)
		}
	}
}
