package provider

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// fastPath and frameworkPath are the options of a server with and without
// the fast path.
var (
	fastPath      = serverOptions{fastPath: true}
	frameworkPath = serverOptions{fastPath: false}
)

// protocolServer is the provider served as main.go serves it, with opts,
// configured for url through the protocol, as terraform would.
func protocolServer(tb testing.TB, url string, opts serverOptions) *server {
	tb.Helper()
	return configureProtocol(tb, newServer("test", opts), url)
}

// configureProtocol configures s for url through the protocol, as terraform
// would.
func configureProtocol(tb testing.TB, s *server, url string) *server {
	tb.Helper()
	ctx := context.Background()
	sch, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(sch.Diagnostics) > 0 {
		tb.Fatalf("schema: %v %v", err, sch.Diagnostics)
	}
	typ := sch.Provider.ValueType()
	vals := map[string]tftypes.Value{}
	obj, ok := typ.(tftypes.Object)
	if !ok {
		tb.Fatalf("the provider schema is a %T", typ)
	}
	for k, t := range obj.AttributeTypes {
		vals[k] = tftypes.NewValue(t, nil)
	}
	vals["api_key"] = tftypes.NewValue(tftypes.String, testAPIKey)
	vals["base_url"] = tftypes.NewValue(tftypes.String, url)
	cfg, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg, TerraformVersion: "1.11.0"})
	if err != nil || len(resp.Diagnostics) > 0 {
		tb.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	return s
}

// readArosProtocol reads covalence_aros with the given configuration values.
func readArosProtocol(tb testing.TB, s tfprotov6.ProviderServer, set map[string]tftypes.Value) *tfprotov6.ReadDataSourceResponse {
	tb.Helper()
	_, root := arosSchemaInfo()
	vals := map[string]tftypes.Value{}
	for _, k := range root.Keys() {
		vals[k] = tftypes.NewValue(root.Attr(k).TerraformType(), nil)
	}
	for k, v := range set {
		vals[k] = v
	}
	cfg, err := tfprotov6.NewDynamicValue(root.TerraformType(), tftypes.NewValue(root.TerraformType(), vals))
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := s.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: arosTypeName, Config: &cfg})
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			tb.Fatalf("read: %s: %s", d.Summary, d.Detail)
		}
	}
	return resp
}

// TestProtocolPathsAgree: through the protocol, the fast path and the
// framework path return equal states and the same diagnostics.
func TestProtocolPathsAgree(t *testing.T) {
	d := mockportal.Generate(9, 6, 700, testNow)
	srv := httptest.NewServer(mockportal.New(d, mockportal.Options{APIKey: testAPIKey, PageCap: 60, PageBase: 1}))
	defer srv.Close()
	_, root := arosSchemaInfo()
	configs := []map[string]tftypes.Value{
		{},
		{"limit": tftypes.NewValue(tftypes.Number, 25), "include_details": tftypes.NewValue(tftypes.Bool, false)},
		{"min_severity": tftypes.NewValue(tftypes.String, "High"), "org": tftypes.NewValue(tftypes.String, "globex")},
		{"query": tftypes.NewValue(tftypes.String, "status=Closed&since=60 days")},
		{"id": tftypes.NewValue(tftypes.String, d.AROs[3].ID)},
		{"fields": fieldsValue("id", "title", "severity", "creation_time", "organization.name")},
		{"fields": fieldsValue("steps.label", "details", "count"), "include_details": tftypes.NewValue(tftypes.Bool, false), "limit": tftypes.NewValue(tftypes.Number, 30)},
		{"fields": fieldsValue("title"), "status": tftypes.NewValue(tftypes.String, "No Such Status")},
	}
	for i, set := range configs {
		fast := readArosProtocol(t, protocolServer(t, srv.URL, fastPath), set)
		framework := readArosProtocol(t, protocolServer(t, srv.URL, frameworkPath), set)
		fv, err := fast.State.Unmarshal(root.TerraformType())
		if err != nil {
			t.Fatalf("config %d: fast state: %v", i, err)
		}
		wv, err := framework.State.Unmarshal(root.TerraformType())
		if err != nil {
			t.Fatalf("config %d: framework state: %v", i, err)
		}
		if !fv.Equal(wv) {
			diffs, _ := fv.Diff(wv)
			t.Fatalf("config %d: states differ in %d places, first %v", i, len(diffs), diffs[0])
		}
		var attrs map[string]tftypes.Value
		_ = fv.As(&attrs)
		var items []tftypes.Value
		_ = attrs["aros"].As(&items)
		if i == 0 && len(items) < 500 {
			t.Fatalf("config %d: only %d AROs read", i, len(items))
		}
		if _, projected := set["fields"]; projected != attrs["aros"].IsNull() || projected == attrs["items"].IsNull() {
			t.Fatalf("config %d: aros null %v, items null %v", i, attrs["aros"].IsNull(), attrs["items"].IsNull())
		}
		if len(fast.Diagnostics) != len(framework.Diagnostics) {
			t.Fatalf("config %d: diagnostics differ: %v vs %v", i, fast.Diagnostics, framework.Diagnostics)
		}
	}
}

func fieldsValue(names ...string) tftypes.Value {
	vals := make([]tftypes.Value, len(names))
	for i, n := range names {
		vals[i] = tftypes.NewValue(tftypes.String, n)
	}
	return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vals)
}

// BenchmarkReadAROs reads 20,000 AROs through the protocol from a mock with
// no latency: the plugin-side cost of each read path.
func BenchmarkReadAROs(b *testing.B) {
	d := mockportal.Generate(1, 20, 20000, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := httptest.NewServer(mockportal.New(d, mockportal.Options{APIKey: testAPIKey, PageCap: 100, PageBase: 1}))
	defer srv.Close()
	for _, path := range []struct {
		name string
		opts serverOptions
	}{{"fast", fastPath}, {"framework", frameworkPath}} {
		b.Run(path.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				s := protocolServer(b, srv.URL, path.opts)
				resp := readArosProtocol(b, s, nil)
				b.ReportMetric(float64(len(resp.State.MsgPack))/1e6, "MB-state")
			}
		})
	}
}

// TestProtocolPathsServeWhatTheyAreTold: covalence_aros is served by the
// fast path unless the options say otherwise, and the framework path is
// taken only then: a server that fell back to the framework path for every
// read would fail here.
func TestProtocolPathsServeWhatTheyAreTold(t *testing.T) {
	srv := httptest.NewServer(mockportal.New(mockportal.FixtureData(), mockportal.Options{APIKey: testAPIKey}))
	defer srv.Close()
	for _, c := range []struct {
		opts            serverOptions
		fast, framework int64
	}{{fastPath, 2, 0}, {frameworkPath, 0, 2}} {
		s := protocolServer(t, srv.URL, c.opts)
		readArosProtocol(t, s, nil)
		readArosProtocol(t, s, map[string]tftypes.Value{"limit": tftypes.NewValue(tftypes.Number, 1)})
		if f, w := s.arosReads.fast.Load(), s.arosReads.framework.Load(); f != c.fast || w != c.framework {
			t.Errorf("fast path %v: %d fast and %d framework reads, want %d and %d", c.opts.fastPath, f, w, c.fast, c.framework)
		}
	}
}

// TestAccAros_servedByFastPath: through terraform, every covalence_aros read
// is served by the fast path.
func TestAccAros_servedByFastPath(t *testing.T) {
	_, url := fixtureMock(t)
	var mu sync.Mutex
	var servers []*server
	capture := map[string]func() (tfprotov6.ProviderServer, error){
		"covalence": func() (tfprotov6.ProviderServer, error) {
			s := newServer("test", fastPath)
			mu.Lock()
			defer mu.Unlock()
			servers = append(servers, s)
			return s, nil
		},
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: capture, Steps: []resource.TestStep{{
		Config: providerBlock(url, "") + `
data "covalence_aros" "all" {}
data "covalence_aros" "cut" {
  limit = 1
}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_aros.all", tfjsonpath.New("total"), knownvalue.Int64Exact(2)),
		},
	}}})
	var fast, framework int64
	for _, s := range servers {
		fast += s.arosReads.fast.Load()
		framework += s.arosReads.framework.Load()
	}
	if fast < 2 || framework != 0 {
		t.Fatalf("covalence_aros: %d reads through the fast path and %d through the framework path, want at least 2 and 0", fast, framework)
	}
}

// TestServerReadsTheEnvironmentOnce: the options come from the environment
// when the server is built, and a change afterwards does not reach it.
func TestServerReadsTheEnvironmentOnce(t *testing.T) {
	for _, c := range []struct {
		disable string
		want    serverOptions
	}{
		{"", serverOptions{fastPath: true}},
		{"1", serverOptions{fastPath: false}},
		{"0", serverOptions{fastPath: true}},
	} {
		t.Setenv(EnvDisableFastPath, c.disable)
		s, ok := NewServer("test")().(*server)
		if !ok {
			t.Fatal("NewServer does not build a *server")
		}
		if s.opts != c.want {
			t.Errorf("%s=%q: options %+v, want %+v", EnvDisableFastPath, c.disable, s.opts, c.want)
		}
		t.Setenv(EnvDisableFastPath, "1")
		if s.opts != c.want {
			t.Errorf("the options of a built server changed with the environment: %+v", s.opts)
		}
	}
	t.Setenv(EnvDisableFastPath, "")
	s, ok := NewServer("test")().(*server)
	if !ok {
		t.Fatal("NewServer does not build a *server")
	}
	t.Setenv(EnvDisableFastPath, "1")
	srv := httptest.NewServer(mockportal.New(mockportal.FixtureData(), mockportal.Options{APIKey: testAPIKey}))
	defer srv.Close()
	readArosProtocol(t, configureProtocol(t, s, srv.URL), nil)
	if s.arosReads.fast.Load() != 1 {
		t.Errorf("after %s=1 was set, a server built without it did not use the fast path", EnvDisableFastPath)
	}
}

// brokenValue is an attr.Value that cannot become a tftypes.Value.
type brokenValue struct{ basetypes.StringValue }

func (brokenValue) ToTerraformValue(context.Context) (tftypes.Value, error) {
	return tftypes.Value{}, errors.New("no terraform value")
}

// TestToAttributePath: every kind of framework path step is converted, and
// one that cannot be is an error, never dropped.
func TestToAttributePath(t *testing.T) {
	p := path.Root("a").AtListIndex(3).AtMapKey("k").AtSetValue(types.StringValue("v")).AtName("b")
	got, err := toAttributePath(p)
	if err != nil {
		t.Fatal(err)
	}
	want := tftypes.NewAttributePath().WithAttributeName("a").WithElementKeyInt(3).WithElementKeyString("k").
		WithElementKeyValue(tftypes.NewValue(tftypes.String, "v")).WithAttributeName("b")
	if !got.Equal(want) {
		t.Fatalf("%s converted to %s, want %s", p, got, want)
	}
	if got, err := toAttributePath(path.Empty()); err != nil || len(got.Steps()) != 0 {
		t.Fatalf("the empty path: %v, %v", got, err)
	}
	for name, bad := range map[string]path.Path{
		"no value":       path.Root("s").AtSetValue(nil),
		"broken element": path.Root("s").AtSetValue(brokenValue{types.StringValue("x")}),
	} {
		if got, err := toAttributePath(bad); err == nil {
			t.Errorf("%s: %s converted to %s, want an error", name, bad, got)
		}
	}

	diags := diag.Diagnostics{diag.NewAttributeWarningDiagnostic(path.Root("s").AtSetValue(nil), "Odd", "detail")}
	out := toProtoDiags(diags)
	if len(out) != 2 || out[0].Summary != "Odd" || out[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		out[1].Severity != tfprotov6.DiagnosticSeverityError || !strings.Contains(out[1].Detail, `"Odd"`) {
		t.Fatalf("a diagnostic with a path that cannot be converted: %+v, want it followed by an error naming it", out)
	}
}

// BenchmarkReadAROsSmall reads 200 AROs through the protocol, again and
// again through one server: the fixed cost of each fast read, which a
// for_each of many small covalence_aros pays once per read.
func BenchmarkReadAROsSmall(b *testing.B) {
	d := mockportal.Generate(1, 20, 200, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := httptest.NewServer(mockportal.New(d, mockportal.Options{APIKey: testAPIKey, PageCap: 100, PageBase: 1}))
	defer srv.Close()
	s := protocolServer(b, srv.URL, fastPath)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		readArosProtocol(b, s, nil)
	}
}
