package provider

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// filter is an aroFilterModel with the given attributes set, the rest null.
func filter(t *testing.T, set map[string]string) aroFilterModel {
	t.Helper()
	f := aroFilterModel{}
	for name, v := range f.fields() {
		*v = types.StringNull()
		if s, ok := set[name]; ok {
			*v = types.StringValue(s)
		}
	}
	for name := range set {
		if _, ok := f.fields()[name]; !ok {
			t.Fatalf("no filter attribute %q", name)
		}
	}
	return f
}

func attrPaths(diags diag.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		if dp, ok := d.(diag.DiagnosticWithPath); ok {
			out = append(out, dp.Path().String()+": "+d.Summary())
		}
	}
	return out
}

func TestTypedQueryResolvesBothBoundsAgainstOneClock(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 30, 15, 0, time.UTC)
	q, diags := filter(t, map[string]string{"since": "7 days", "query": "until=2 hours&status=Open"}).typedQuery(arosFilterScope, types.StringNull(), now)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if want := now.Add(-7 * 24 * time.Hour); q.Since == nil || !q.Since.Equal(want) {
		t.Errorf("since = %v, want %v", q.Since, want)
	}
	if want := now.Add(-2 * time.Hour); q.Until == nil || !q.Until.Equal(want) {
		t.Errorf("until = %v, want %v", q.Until, want)
	}
	if q.Status != "Open" || !q.fromQuery["status"] || q.fromQuery["since"] {
		t.Errorf("status %q, fromQuery %v", q.Status, q.fromQuery)
	}
	// The id hashes what was written, not the resolved times.
	if in := q.idInputs(); in["since"] != "7 days" || in["until"] != "2 hours" || in["status"] != "Open" || len(in) != 3 {
		t.Errorf("idInputs = %v", in)
	}
}

func TestTypedQueryDiagnosticsNameTheAttribute(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		set  map[string]string
		id   types.String
		want string // "path: summary"
	}{
		{map[string]string{"since": "yesterday"}, types.StringNull(), "since: Invalid since"},
		{map[string]string{"query": "until=yesterday"}, types.StringNull(), "query: Invalid until"},
		{map[string]string{"since": "1 day", "until": "2 days"}, types.StringNull(), "since: since is after until"},
		{map[string]string{"query": "since=1 day&until=2 days"}, types.StringNull(), "query: since is after until"},
		{map[string]string{"query": "id=x"}, types.StringValue("x"), "query: Invalid query"},
		{map[string]string{"query": "org=acme", "organization_id": "o"}, types.StringNull(), "query: Invalid query"},
		{map[string]string{"query": "color=red"}, types.StringNull(), "query: Invalid query"},
	}
	for _, c := range cases {
		_, diags := filter(t, c.set).typedQuery(arosFilterScope, c.id, now)
		got := attrPaths(diags)
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%v: diagnostics %v, want [%s]", c.set, got, c.want)
		}
	}
}

// The plan-time validator reports only what no attribute validator can.
func TestFilterCheckSplitsOwnFromCross(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	c := filter(t, map[string]string{"since": "yesterday", "query": "status=Open", "status": "Open"}).check(arosFilterScope, types.StringNull(), now)
	if got := attrPaths(c.own); len(got) != 1 || got[0] != "since: Invalid since" {
		t.Errorf("own = %v", got)
	}
	if got := attrPaths(c.cross); len(got) != 1 || !strings.HasPrefix(got[0], "query: ") || !strings.Contains(c.cross[0].Detail(), "also set as the attribute status") {
		t.Errorf("cross = %v", got)
	}
}

func TestFilterCheckWithUnknownValues(t *testing.T) {
	f := filter(t, map[string]string{"since": "2 days"})
	f.Until = types.StringUnknown()
	c := f.check(arosFilterScope, types.StringNull(), time.Now())
	if !c.unknown || c.own.HasError() || c.cross.HasError() {
		t.Errorf("unknown until: %+v", c)
	}
	if _, diags := f.typedQuery(arosFilterScope, types.StringNull(), time.Now()); !diags.HasError() {
		t.Error("typedQuery accepted an unknown value")
	}
	// An unknown attribute still conflicts with the same query key.
	f = filter(t, map[string]string{"query": "status=Open"})
	f.Status = types.StringUnknown()
	if c := f.check(arosFilterScope, types.StringNull(), time.Now()); !c.cross.HasError() {
		t.Error("query key beside an unknown attribute of the same name: no error")
	}
}

func TestKeepsFailsClosed(t *testing.T) {
	q, diags := filter(t, map[string]string{"min_severity": "High"}).typedQuery(arosFilterScope, types.StringNull(), time.Now())
	if diags.HasError() {
		t.Fatal(diags)
	}
	s := func(v string) *string { return &v }
	for sev, want := range map[*string]bool{
		nil: true, s(""): true, s("Urgent"): true, s("critical"): true,
		s("Critical"): true, s("High"): true, s("Medium"): false, s("Informational"): false,
	} {
		name := "<nil>"
		if sev != nil {
			name = *sev
		}
		if got := q.keeps(sev); got != want {
			t.Errorf("keeps(%s) = %v, want %v", name, got, want)
		}
	}
	var none aroQuery
	if !none.keeps(s("Informational")) {
		t.Error("no min_severity dropped an ARO")
	}
}

func TestSourcePath(t *testing.T) {
	q := aroQuery{fromQuery: map[string]bool{"org": true}}
	if !q.source("org").Equal(path.Root("query")) || !q.source("since").Equal(path.Root("since")) {
		t.Errorf("source: %v %v", q.source("org"), q.source("since"))
	}
}

// Plan-time validation of the filter reports each problem once: the
// attribute validators and aroFilterValidator do not overlap.
func TestFilterValidationReportsEachProblemOnce(t *testing.T) {
	srv := providerserver.NewProtocol6(New("test")())()
	_, root := arosSchemaInfo()
	for _, set := range []map[string]string{
		{"since": "yesterday"},
		{"query": "since=yesterday"},
		{"query": "type=Alert"},
		{"query": "color=red"},
		{"query": "status=Open", "status": "Open"},
		{"query": "org=acme", "organization_id": "x"},
		{"since": "1 day", "until": "2 days"},
		{"query": "since=1 day&until=2 days"},
		{"since": "yesterday", "until": "2 days"},
	} {
		vals := map[string]tftypes.Value{}
		for _, k := range root.Keys() {
			vals[k] = tftypes.NewValue(root.Attr(k).TerraformType(), nil)
		}
		for k, v := range set {
			vals[k] = tftypes.NewValue(tftypes.String, v)
		}
		cfg, err := tfprotov6.NewDynamicValue(root.TerraformType(), tftypes.NewValue(root.TerraformType(), vals))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.ValidateDataResourceConfig(context.Background(), &tfprotov6.ValidateDataResourceConfigRequest{
			TypeName: arosTypeName, Config: &cfg})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range resp.Diagnostics {
			got = append(got, d.Summary+": "+d.Detail)
		}
		if len(got) != 1 {
			t.Errorf("%v: %d diagnostics, want 1: %q", set, len(got), got)
		}
	}
}

// TestFilterModelIsTheAttributes: the model's fields, as fields() reads
// them, are the filter attributes, one for each (none of another type is
// left out).
func TestFilterModelIsTheAttributes(t *testing.T) {
	var f aroFilterModel
	got := slices.Sorted(maps.Keys(f.fields()))
	want := slices.Sorted(maps.Keys(aroFilterAttributes(arosFilterScope)))
	if !slices.Equal(got, want) || reflect.TypeOf(f).NumField() != len(want) {
		t.Fatalf("model fields %v (%d in the struct), attributes %v", got, reflect.TypeOf(f).NumField(), want)
	}
}

// TestValueCountsAreTheFiltersWithValues: a summary counts per value exactly
// the filters of the table that have documented values, each into its own
// map of the model.
func TestValueCountsAreTheFiltersWithValues(t *testing.T) {
	var m valueCountsModel
	counts := m.counts()
	if len(counts) != len(filtersWithValues) {
		t.Fatalf("the model has %d count maps, the table %d filters with values", len(counts), len(filtersWithValues))
	}
	seen := map[*map[string]int64]bool{}
	for _, f := range filtersWithValues {
		p, ok := counts[f.Param]
		if !ok {
			t.Fatalf("no %s_counts in valueCountsModel", f.Param)
		}
		if seen[p] {
			t.Fatalf("%s_counts shares a map", f.Param)
		}
		seen[p] = true
	}
	if _, ok := aroSummaryAttributes()["resolution_counts"]; !ok {
		t.Fatal("the summary has no resolution_counts")
	}
}
