package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
	"github.com/covalence-oss/terraform-provider-covalence/internal/provider/fastread"
)

// assertSameEncoding: the AROs written through aroMapping by both encoders,
// as the only attribute of a state, give tftypes' bytes exactly.
func assertSameEncoding(t testing.TB, aros []covalence.ARO) {
	t.Helper()
	_, full := arosSchemaInfo()
	listT := full.Attr("aros").TerraformType()
	rootT := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"aros": listT}}
	root := fastread.Compile(rootT)
	tf := &tfCollector{shape: fullShape(root.Attr("aros").Elem())}
	mp := newAROItems(fullShape(root.Attr("aros").Elem()))
	order := make([]int, len(aros))
	for i := range aros {
		if err := tf.Add(&aros[i]); err != nil {
			t.Fatalf("tftypes path: %v", err)
		}
		if err := mp.Add(&aros[i]); err != nil {
			t.Fatalf("msgpack path: %v", err)
		}
		order[i] = i
	}
	want, err := tftypes.NewValue(rootT, map[string]tftypes.Value{"aros": tftypes.NewValue(listT, tf.vals)}).MarshalMsgPack(rootT) //nolint:staticcheck // the reference
	if err != nil {
		t.Fatalf("tftypes marshal: %v", err)
	}
	got, err := fastread.EncodeState(root, "aros", mp, order, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("fast path msgpack differs from tftypes at byte %d of %d/%d", i, len(got), len(want))
	}
}

// fullShape is every attribute of an ARO written as elements of type elem.
func fullShape(elem *fastread.Type) aroShape {
	return aroShape{attr: "aros", elem: elem, write: aroMapping.write}
}

func decodeFixtureAROs(t testing.TB) []covalence.ARO {
	t.Helper()
	var aros []covalence.ARO
	if err := json.Unmarshal(mockportal.FixtureBytes(mockportal.FixtureAROs), &aros); err != nil {
		t.Fatal(err)
	}
	var tr covalence.ARO
	if err := json.Unmarshal(mockportal.FixtureBytes(mockportal.FixtureAROTransition), &tr); err != nil {
		t.Fatal(err)
	}
	return append(aros, tr)
}

// generatedAROs decodes the mock's generated estate as the client would.
func generatedAROs(t testing.TB, n int) []covalence.ARO {
	t.Helper()
	d := mockportal.Generate(11, 5, n, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	raw, err := json.Marshal(d.AROs)
	if err != nil {
		t.Fatal(err)
	}
	var aros []covalence.ARO
	if err := json.Unmarshal(raw, &aros); err != nil {
		t.Fatal(err)
	}
	return aros
}

func sp(s string) *string { return &s }

func TestFastPathMatchesFramework(t *testing.T) {
	yes, no := true, false
	cnt := covalence.Count(1 << 40)
	serial := covalence.FlexString("007")
	cases := map[string][]covalence.ARO{
		"fixtures":     decodeFixtureAROs(t),
		"empty":        {},
		"null-heavy":   {{ID: "only-an-id"}},
		"empty lists":  {{ID: "e", References: covalence.References{}, Steps: []covalence.Step{}, Organization: &covalence.AROOrganization{}}},
		"unicode":      {{ID: "ü", Title: sp("Connexion suspecte — 日本 🚨"), Details: sp(strings.Repeat("é\u0000\t\"\\", 100)), Severity: sp("Critical")}},
		"big count":    {{ID: "c", Count: &cnt, SerialID: &serial}},
		"steps":        {{ID: "s", Steps: []covalence.Step{{ID: sp("1"), Completed: &yes}, {Completed: &no, LastUpdatedTime: sp("2021-05-11 12:58:26")}, {}}}},
		"references":   {{ID: "r", References: covalence.References{"https://a", "", `{"k":1}`}}},
		"odd times":    {{ID: "t", CreationTime: sp("not a time"), LastUpdatedTime: sp("2021-05-11T12:58:26.123+02:00")}},
		"long strings": {{ID: "l", Details: sp(strings.Repeat("x", 70000)), Notes: sp(strings.Repeat("y", 255)), Title: sp(strings.Repeat("z", 31))}},
		"generated":    generatedAROs(t, 500),
	}
	for name, aros := range cases {
		t.Run(name, func(t *testing.T) { assertSameEncoding(t, aros) })
	}
}

// TestFastPathWholeState compares the whole covalence_aros state of both paths.
func TestFastPathWholeState(t *testing.T) {
	_, root := arosSchemaInfo()
	aros := generatedAROs(t, 120)
	cfg := map[string]tftypes.Value{}
	for _, k := range root.Keys() {
		cfg[k] = tftypes.NewValue(root.Attr(k).TerraformType(), nil)
	}
	cfg["status"] = tftypes.NewValue(tftypes.String, "Open")
	cfg["limit"] = tftypes.NewValue(tftypes.Number, 1000)
	config := tftypes.NewValue(root.TerraformType(), cfg)
	in := aroInputs{query: aroQuery{AROQuery: covalence.AROQuery{Status: "Open"}}, includeDetails: true, limit: 1000}
	res := aroResult{counts: map[string]int64{"Critical": 3, "High": 0}}
	for i := len(aros) - 1; i >= 0; i-- { // a non-identity order exercises the copying branch
		res.order = append(res.order, i)
	}
	for _, identity := range []bool{false, true} {
		if identity {
			for i := range res.order {
				res.order[i] = i
			}
		}
		vals, err := arosStateValues(config, root, in, fullShape(root.Attr("aros").Elem()), res)
		if err != nil {
			t.Fatal(err)
		}
		mp := newAROItems(fullShape(root.Attr("aros").Elem()))
		tf := &tfCollector{shape: fullShape(root.Attr("aros").Elem())}
		for i := range aros {
			if err := mp.Add(&aros[i]); err != nil {
				t.Fatal(err)
			}
			if err := tf.Add(&aros[i]); err != nil {
				t.Fatal(err)
			}
		}
		fast, err := fastread.EncodeState(root, "aros", mp, res.order, vals)
		if err != nil {
			t.Fatal(err)
		}
		items := make([]tftypes.Value, len(res.order))
		for i, idx := range res.order {
			items[i] = tf.vals[idx]
		}
		vals["aros"] = tftypes.NewValue(root.Attr("aros").TerraformType(), items)
		want := tftypes.NewValue(root.TerraformType(), vals)
		got, err := tftypes.ValueFromMsgPack(fast, root.TerraformType()) //nolint:staticcheck // decoding the reference
		if err != nil {
			t.Fatalf("identity=%v: fast state does not decode: %v", identity, err)
		}
		if !got.Equal(want) {
			diffs, _ := got.Diff(want)
			t.Fatalf("identity=%v: states differ: %v", identity, diffs)
		}
	}
}

// TestMappingsFitSchemas: every data source written through a mapping has
// exactly the mapping's type, and a schema that is not (an attribute the
// mapping lacks, or of another type) is refused.
func TestMappingsFitSchemas(t *testing.T) {
	ctx := context.Background()
	schemaType := func(ds datasource.DataSource) tftypes.Type {
		var resp datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
		return resp.Schema.Type().TerraformType(ctx)
	}
	_, aros := arosSchemaInfo()
	if err := aroMapping.fits(aros.Attr("aros").Elem()); err != nil {
		t.Errorf("covalence_aros: %v", err)
	}
	if err := singleAROMapping.fits(fastread.Compile(schemaType(newAroDataSource()))); err != nil {
		t.Errorf("covalence_aro: %v", err)
	}

	elem, ok := aros.Attr("aros").Elem().TerraformType().(tftypes.Object)
	if !ok {
		t.Fatalf("an element of aros is a %T", aros.Attr("aros").Elem().TerraformType())
	}
	extra := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"new_field": tftypes.String}}
	wrong := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
	for k, v := range elem.AttributeTypes {
		extra.AttributeTypes[k] = v
		wrong.AttributeTypes[k] = v
	}
	wrong.AttributeTypes["title"] = tftypes.Number
	for name, typ := range map[string]tftypes.Object{"unmapped attribute": extra, "type mismatch": wrong} {
		if err := aroMapping.fits(fastread.Compile(typ)); err == nil {
			t.Errorf("%s: the mapping fits", name)
		}
	}
	// Written anyway, both encoders fail rather than desync.
	a := decodeFixtureAROs(t)[0]
	if _, err := fastread.Value(fastread.Compile(wrong), func(w fastread.Writer) { aroMapping.write(&a, w) }); err == nil ||
		!strings.Contains(err.Error(), "where the schema has") {
		t.Errorf("tftypes path with a type mismatch: %v", err)
	}
	if err := newAROItems(fullShape(fastread.Compile(wrong))).Add(&a); err == nil || !strings.Contains(err.Error(), "where the schema has") {
		t.Errorf("msgpack path with a type mismatch: %v", err)
	}
	if err := newAROItems(fullShape(fastread.Compile(extra))).Add(&a); err == nil {
		t.Errorf("msgpack path with an unmapped attribute: no error")
	}
}

// TestMappingRefusesMistakes: the init-time checks of a mapping.
func TestMappingRefusesMistakes(t *testing.T) {
	mustPanic := func(name, want string, f func()) {
		t.Helper()
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), want) {
				t.Errorf("%s: panic %v, want %q", name, r, want)
			}
		}()
		f()
	}
	get := func(a *covalence.ARO) *string { return a.Title }
	mustPanic("duplicate", `"title" is mapped twice`, func() { newMapping(strField("title", "", get), strField("title", "", get)) })
	mustPanic("schema of another type", `the new schema of "title" has type`, func() {
		aroMapping.withSchema("title", schema.Int64Attribute{Computed: true})
	})
	mustPanic("unknown attribute", `no attribute "nope"`, func() { aroMapping.renamed("nope", "x") })
}

// FuzzFastPathMatchesFramework: random AROs encode byte-identically on both paths.
func FuzzFastPathMatchesFramework(f *testing.F) {
	f.Add(uint64(1), "Malware detected", "2021-05-11 12:58:26", 3)
	f.Add(uint64(2), "", "", 0)
	f.Add(uint64(3), "日本 🚨 \x00", "garbage", 9)
	f.Fuzz(func(t *testing.T, seed uint64, text, when string, n int) {
		r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		maybe := func(s string) *string {
			if r.IntN(4) == 0 {
				return nil
			}
			return &s
		}
		n = max(0, min(n, 20))
		aros := make([]covalence.ARO, n)
		for i := range aros {
			a := &aros[i]
			a.ID = fmt.Sprintf("%d-%s", i, text)
			a.Title, a.Details, a.CreationTime, a.LastUpdatedTime = maybe(text), maybe(strings.Repeat(text, r.IntN(5))), maybe(when), maybe(when)
			a.Severity, a.AlertKey, a.DisplayURL = maybe(aroSeverities[r.IntN(6)]), maybe(text), maybe(when)
			if r.IntN(3) > 0 {
				c := covalence.Count(r.Int64() - r.Int64())
				a.Count = &c
			}
			if r.IntN(3) > 0 {
				a.Organization = &covalence.AROOrganization{ID: maybe(text), Name: maybe(when)}
			}
			if r.IntN(3) > 0 {
				a.References = covalence.References{}
				for j := r.IntN(4); j > 0; j-- {
					a.References = append(a.References, text)
				}
			}
			if r.IntN(3) > 0 {
				a.Steps = []covalence.Step{}
				for j := r.IntN(4); j > 0; j-- {
					b := r.IntN(2) == 0
					a.Steps = append(a.Steps, covalence.Step{ID: maybe(text), Completed: &b, Label: maybe(when), LastUpdatedTime: maybe(when)})
				}
			}
		}
		assertSameEncoding(t, aros)
	})
}
