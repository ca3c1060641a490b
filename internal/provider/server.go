package provider

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/provider/fastread"
)

// arosTypeName is the data source served by the fast path.
const arosTypeName = "covalence_aros"

// EnvDisableFastPath, set to 1, serves covalence_aros through the plain
// framework path: an escape hatch for diagnosis, and the baseline of `make bench`.
const EnvDisableFastPath = "COVALENCE_DISABLE_FAST_PATH"

// serverOptions are what the environment decides of a protocol server. They
// are read once, when the server is built (NewServer); tests build servers
// with the options they need (newServer).
type serverOptions struct {
	// fastPath serves covalence_aros's read through fastread (unset by
	// COVALENCE_DISABLE_FAST_PATH=1).
	fastPath bool
}

func serverOptionsFromEnv() serverOptions {
	return serverOptions{fastPath: os.Getenv(EnvDisableFastPath) != "1"}
}

// NewServer returns the provider's protocol 6 server: the framework server,
// with one exception. Like terraform-provider-tfe, which drops to the
// low-level server "only for functionality that is not available otherwise",
// it takes over the read of covalence_aros, and nothing else: the framework
// can only return state as a tftypes.Value per attribute, which for a large
// read costs many times the plugin CPU and memory of encoding each page's
// AROs to msgpack as they arrive (fastread; `make bench` measures both
// paths). Schema, validation, configuration and every other data source stay
// with the framework, and both paths share the read from the configuration
// to the client (readAROs). Two small things are added around it: every
// data source read and every opening of an ephemeral resource is bracketed
// as one read of the request scheduler (its costs logged, the rate-limit
// warning), and function calls get OpenTofu's
// unencoded null arguments encoded (CallFunction).
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer { return newServer(version, serverOptionsFromEnv()) }
}

func newServer(version string, opts serverOptions) *server {
	p := &covalenceProvider{version: version}
	return &server{ProviderServer: providerserver.NewProtocol6(p)(), p: p, opts: opts}
}

type server struct {
	tfprotov6.ProviderServer
	p    *covalenceProvider
	opts serverOptions
	// arosReads counts the reads of covalence_aros by the path that served
	// them, so that a test can tell the fast path is in use.
	arosReads struct{ fast, framework atomic.Int64 }
}

// ReadDataSource serves every data source read as one read of the request
// scheduler (startRead), and covalence_aros through the fast path.
func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	ctx, finish := s.startRead(ctx, readDataSource, req.TypeName)
	resp, err := s.readDataSource(ctx, req)
	if resp != nil {
		finish(&resp.Diagnostics)
	}
	return resp, err
}

// OpenEphemeralResource serves every opening of an ephemeral resource as one
// read of the request scheduler, as ReadDataSource does for data sources:
// it takes its turn within the same request budget, and its costs and
// rate-limit waits are reported the same way.
func (s *server) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	ctx, finish := s.startRead(ctx, openEphemeral, req.TypeName)
	resp, err := s.ProviderServer.OpenEphemeralResource(ctx, req)
	if resp != nil {
		finish(&resp.Diagnostics)
	}
	return resp, err
}

// startRead begins one read of the request scheduler (trackRead) once the
// provider is configured; finish ends it, appending its closing diagnostics
// (a rate-limit warning) to the response's. Before configuration there is
// no scheduler, and finish does nothing.
func (s *server) startRead(ctx context.Context, kind readKind, typeName string) (context.Context, func(*[]*tfprotov6.Diagnostic)) {
	pd := s.p.configured.Load()
	if pd == nil {
		return ctx, func(*[]*tfprotov6.Diagnostic) {}
	}
	ctx, end := pd.trackRead(ctx, kind, typeName)
	return ctx, func(diags *[]*tfprotov6.Diagnostic) { *diags = append(*diags, toProtoDiags(end())...) }
}

func (s *server) readDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	if req.TypeName != arosTypeName {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	if !s.opts.fastPath {
		s.arosReads.framework.Add(1)
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	s.arosReads.fast.Add(1)
	restore := lowerGCDuringRead()
	state, diags := s.fastReadAROs(ctx, req.Config)
	restore(len(state))
	resp := &tfprotov6.ReadDataSourceResponse{Diagnostics: toProtoDiags(diags)}
	if !diags.HasError() {
		resp.State = &tfprotov6.DynamicValue{MsgPack: state}
	}
	return resp, nil
}

// fastReadAROs is covalence_aros's read (readAROs, as the framework path
// runs it) with each ARO encoded to msgpack as it arrives and the state
// assembled by fastread.
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
	var items *fastread.Items[covalence.ARO]
	vals, shape, order, diags := s.p.configured.Load().readAROs(ctx, tfsdk.Config{Schema: sch, Raw: cfgVal}, root, func(s aroShape) aroCollector {
		items = newAROItems(s)
		return items
	})
	if diags.HasError() {
		return nil, diags
	}
	state, err := fastread.EncodeState(root, shape.attr, items, order, vals)
	if err != nil {
		diags.AddError("Internal error", "encoding the covalence_aros state: "+err.Error())
		return nil, diags
	}
	return state, diags
}

// msgpackNil is the msgpack encoding of a null value of any type.
var msgpackNil = []byte{0xc0}

// CallFunction passes a null argument on to the framework as an encoded
// null. OpenTofu (1.7 to at least 1.12) sends the null argument of a
// parameter that allows null as no value at all, which the framework cannot
// decode ("DynamicValue had no JSON or msgpack data set"); Terraform sends it
// encoded. Without this, severity_rank(null) and severity_at_least(null, …)
// would fail on OpenTofu, and so would an ARO whose severity is null.
func (s *server) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	if req != nil {
		for i, a := range req.Arguments {
			if a == nil || (len(a.MsgPack) == 0 && len(a.JSON) == 0) {
				req.Arguments[i] = &tfprotov6.DynamicValue{MsgPack: msgpackNil}
			}
		}
	}
	return s.ProviderServer.CallFunction(ctx, req)
}

// toProtoDiags converts framework diagnostics for a protocol response. A
// diagnostic whose path cannot be converted is sent without it, followed by
// an error that names the path: a bug of the provider, reported rather than
// hidden.
func toProtoDiags(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityError}
		if d.Severity() == diag.SeverityWarning {
			pd.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if dwp, ok := d.(diag.DiagnosticWithPath); ok {
			ap, err := toAttributePath(dwp.Path())
			if err != nil {
				out = append(out, pd, &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityError,
					Summary: "Internal error",
					Detail: fmt.Sprintf("The diagnostic %q is about %s, a path the provider could not convert (%v). "+
						"This is a bug in the provider; please report it.", d.Summary(), dwp.Path(), err)})
				continue
			}
			pd.Attribute = ap
		}
		out = append(out, pd)
	}
	return out
}

// toAttributePath converts a framework path, every kind of step the
// framework has; a step it cannot convert is an error, never dropped.
func toAttributePath(p path.Path) (*tftypes.AttributePath, error) {
	ap := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch st := step.(type) {
		case path.PathStepAttributeName:
			ap = ap.WithAttributeName(string(st))
		case path.PathStepElementKeyInt:
			ap = ap.WithElementKeyInt(int(st))
		case path.PathStepElementKeyString:
			ap = ap.WithElementKeyString(string(st))
		case path.PathStepElementKeyValue:
			if st.Value == nil {
				return nil, fmt.Errorf("step %d is a set element without a value", len(ap.Steps()))
			}
			v, err := st.ToTerraformValue(context.Background())
			if err != nil {
				return nil, fmt.Errorf("set element %s: %w", st.Value, err)
			}
			ap = ap.WithElementKeyValue(v)
		default:
			return nil, fmt.Errorf("step %d is a %T, which the provider does not know", len(ap.Steps()), step)
		}
	}
	return ap, nil
}
