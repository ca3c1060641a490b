package provider

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/provider/fastread"
)

// arosTypeName is the data source served by the fast path.
const arosTypeName = "covalence_aros"

// EnvDisableFastPath, set to 1, serves covalence_aros through the plain
// framework path: an escape hatch for diagnosis, and the baseline of `make bench`.
const EnvDisableFastPath = "COVALENCE_DISABLE_FAST_PATH"

// NewServer returns the provider's protocol 6 server: the framework server,
// with one exception. Like terraform-provider-tfe, which drops to the
// low-level server "only for functionality that is not available otherwise",
// it takes over the read of covalence_aros, and nothing else: the framework
// can only return state as a tftypes.Value per attribute, which for 20,000
// AROs costs about ten times the plugin CPU and seven times the memory of
// encoding each page's AROs to msgpack as they arrive (fastread; `make bench`
// measures both paths). Schema, validation, configuration and every other
// data source stay with the framework. Two small things are added around
// it: every data source read is bracketed as one read of the request
// scheduler (its costs logged, the rate-limit warning), and function calls
// get OpenTofu's unencoded null arguments encoded (function_server.go).
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := &covalenceProvider{version: version}
		return &server{ProviderServer: providerserver.NewProtocol6(p)(), p: p}
	}
}

type server struct {
	tfprotov6.ProviderServer
	p *covalenceProvider
}

// ReadDataSource serves every data source read as one read of the request
// scheduler (trackRead), and covalence_aros through the fast path.
func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	pd := s.p.configured.Load()
	if pd == nil {
		return s.readDataSource(ctx, req)
	}
	ctx, end := pd.trackRead(ctx, req.TypeName)
	resp, err := s.readDataSource(ctx, req)
	if resp != nil {
		resp.Diagnostics = append(resp.Diagnostics, toProtoDiags(end())...)
	}
	return resp, err
}

func (s *server) readDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	if req.TypeName != arosTypeName || os.Getenv(EnvDisableFastPath) == "1" {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	release := fastread.TightenGC()
	state, diags := s.fastReadAROs(ctx, req.Config)
	release()
	resp := &tfprotov6.ReadDataSourceResponse{Diagnostics: toProtoDiags(diags)}
	if !diags.HasError() {
		resp.State = &tfprotov6.DynamicValue{MsgPack: state}
	}
	return resp, nil
}

// arosSchemaInfo is covalence_aros's schema and its compiled type, built once
// from the framework schema (the single source of truth).
var arosSchemaInfo = sync.OnceValues(func() (schema.Schema, *fastread.Type) {
	sch := arosSchema()
	return sch, fastread.Compile(sch.Type().TerraformType(context.Background()))
})

// fastReadAROs is the covalence_aros read of the framework path
// (arosDataSource.Read) with the state encoded by fastread.
func (s *server) fastReadAROs(ctx context.Context, config *tfprotov6.DynamicValue) ([]byte, diag.Diagnostics) {
	var diags diag.Diagnostics
	sch, root := arosSchemaInfo()
	if config == nil {
		diags.AddError("Missing configuration", "Terraform sent no configuration for covalence_aros.")
		return nil, diags
	}
	cfgVal, err := config.Unmarshal(root.TerraformType())
	if err != nil {
		diags.AddError("Invalid configuration", fmt.Sprintf("decoding the configuration of covalence_aros: %v", err))
		return nil, diags
	}
	var m arosModel
	diags.Append(tfsdk.Config{Schema: sch, Raw: cfgVal}.Get(ctx, &m)...)
	if diags.HasError() {
		return nil, diags
	}
	pd := s.p.configured.Load()
	if pd == nil {
		diags.Append(notConfigured())
		return nil, diags
	}
	in, d := m.inputs(nowFunc())
	diags.Append(d...)
	if diags.HasError() {
		return nil, diags
	}
	items := newAROItems(root.Attr("aros").Elem())
	res, d := pd.queryAROs(ctx, in, items)
	diags.Append(d...)
	if diags.HasError() {
		return nil, diags
	}
	vals, err := arosStateValues(cfgVal, root, in, res)
	if err == nil {
		var state []byte
		if state, err = fastread.EncodeState(root, "aros", items, res.order, vals); err == nil {
			return state, diags
		}
	}
	diags.AddError("Internal error", "encoding the covalence_aros state: "+err.Error())
	return nil, diags
}

// toProtoDiags converts framework diagnostics for a protocol response.
func toProtoDiags(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityError}
		if d.Severity() == diag.SeverityWarning {
			pd.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if dp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = toAttributePath(dp.Path())
		}
		out = append(out, pd)
	}
	return out
}

func toAttributePath(p path.Path) *tftypes.AttributePath {
	ap := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch st := step.(type) {
		case path.PathStepAttributeName:
			ap = ap.WithAttributeName(string(st))
		case path.PathStepElementKeyInt:
			ap = ap.WithElementKeyInt(int(st))
		case path.PathStepElementKeyString:
			ap = ap.WithElementKeyString(string(st))
		}
	}
	return ap
}
