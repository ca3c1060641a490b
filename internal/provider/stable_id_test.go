package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestStableIDsArePinned: ids are in users' states; a change of the encoding
// (or of which inputs it covers) must fail here, not surprise them.
func TestStableIDsArePinned(t *testing.T) {
	aros := func(set map[string]string, includeDetails *bool, limit int64, fields ...string) string {
		t.Helper()
		m := arosModel{ID: types.StringNull(), aroFilterModel: filter(t, set),
			IncludeDetails: types.BoolNull(), Limit: types.Int64Null(), Fields: types.ListNull(types.StringType)}
		if fields != nil {
			m.Fields, _ = types.ListValueFrom(context.Background(), types.StringType, fields)
		}
		if includeDetails != nil {
			m.IncludeDetails = types.BoolValue(*includeDetails)
		}
		if limit > 0 {
			m.Limit = types.Int64Value(limit)
		}
		in, diags := m.inputs(context.Background(), time.Now())
		if diags.HasError() {
			t.Fatal(diags)
		}
		return in.id()
	}
	no := false
	for name, c := range map[string]struct{ got, want string }{
		"no inputs":             {stableID(map[string]string{}), "e3b0c44298fc1c149afbf4c8996fb924"},
		"orgs name_contains":    {stableID(map[string]string{"name_contains": "acme"}), "83c7131d106f580fc9fce700215863a2"},
		"aros status and since": {aros(map[string]string{"status": "Open", "since": "7 days"}, nil, 0), "72a28526bff5c03d39816f551ca03da8"},
		"aros same as query":    {aros(map[string]string{"query": "status=Open&since=7 days"}, nil, 0), "72a28526bff5c03d39816f551ca03da8"},
		"aros all the rest": {aros(map[string]string{"min_severity": "High", "org": "Acme \"Inc\"\n", "until": "2021-01-31 14:00:00"}, &no, 10),
			"d14ae33edb3ead58bde623a5c13b12f0"},
		// fields in any order is the same read, and another than without fields.
		"aros fields":       {aros(map[string]string{"status": "Open"}, nil, 0, "title", "organization.name"), "410fa7b302a90db51cb182dfff2f0cbe"},
		"aros fields again": {aros(map[string]string{"status": "Open"}, nil, 0, "organization.name", "title"), "410fa7b302a90db51cb182dfff2f0cbe"},
	} {
		if c.got != c.want {
			t.Errorf("%s: id %s, pinned %s", name, c.got, c.want)
		}
	}
}
