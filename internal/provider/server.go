package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// arosTypeName is the data source served by the fast path.
const arosTypeName = "covalence_aros"

// NewServer returns the provider's protocol 6 server: the framework server,
// with the read of covalence_aros taken over by a streaming path that encodes
// each page's AROs to msgpack as they arrive. Schema, validation and provider
// configuration stay with the framework.
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

// EnvDisableFastPath, set to 1, serves covalence_aros through the plain
// framework path: an escape hatch for diagnosis, and the baseline of `make bench`.
const EnvDisableFastPath = "COVALENCE_DISABLE_FAST_PATH"

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
	release := tightenGC()
	state, diags := s.readAROs(ctx, req)
	release()
	resp := &tfprotov6.ReadDataSourceResponse{Diagnostics: toProtoDiags(diags)}
	if !diags.HasError() {
		resp.State = &tfprotov6.DynamicValue{MsgPack: state}
	}
	return resp, nil
}

// readGCPercent is the GC target while fast reads run. Their one large live
// object, the encoded state, is a pointer-free []byte that costs the
// collector nothing to mark, while JSON decoding makes much short-lived
// garbage: collecting it sooner cuts the plugin's peak RSS by about a third
// for some 20% more CPU (make bench).
var readGCPercent = envInt("COVALENCE_READ_GOGC", 25)

var gcMu sync.Mutex
var gcReaders int
var gcSaved int

// tightenGC lowers the GC percent while at least one fast read runs; the
// returned func undoes it when the last one ends.
func tightenGC() (release func()) {
	if readGCPercent <= 0 {
		return func() {}
	}
	gcMu.Lock()
	if gcReaders == 0 {
		gcSaved = debug.SetGCPercent(readGCPercent)
		if gcSaved >= 0 && gcSaved < readGCPercent { // never loosen a stricter setting
			debug.SetGCPercent(gcSaved)
		}
	}
	gcReaders++
	gcMu.Unlock()
	return func() {
		gcMu.Lock()
		gcReaders--
		if gcReaders == 0 {
			debug.SetGCPercent(gcSaved)
		}
		gcMu.Unlock()
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// arosSchemaInfo is covalence_aros's schema and its compiled type, built once
// from the framework schema (the single source of truth).
var arosSchemaInfo = sync.OnceValues(func() (schema.Schema, *typeNode) {
	sch := arosSchema()
	return sch, compileType(sch.Type().TerraformType(context.Background()))
})

func (s *server) readAROs(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) ([]byte, diag.Diagnostics) {
	var diags diag.Diagnostics
	sch, root := arosSchemaInfo()
	if req.Config == nil {
		diags.AddError("Missing configuration", "Terraform sent no configuration for covalence_aros.")
		return nil, diags
	}
	cfgVal, err := req.Config.Unmarshal(root.typ)
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
	state, d := encodeAROsState(ctx, pd, cfgVal, root, in)
	diags.Append(d...)
	return state, diags
}

// prefixRoom is reserved in front of the encoded AROs for the state's map
// header, the "aros" key and the array header.
const prefixRoom = 16

// encodeAROsState runs the query and writes the whole state as msgpack, in
// the byte order tftypes would write it.
func encodeAROsState(ctx context.Context, pd *providerData, cfgVal tftypes.Value, root *typeNode, in aroInputs) ([]byte, diag.Diagnostics) {
	arosNode := root.attrs["aros"]
	col := newMPCollector(arosNode.elem, prefixRoom)
	res, diags := pd.queryAROs(ctx, in, col)
	if diags.HasError() {
		return nil, diags
	}
	vals, err := arosStateValues(cfgVal, root, in, res)
	if err != nil {
		diags.AddError("Internal error", err.Error())
		return nil, diags
	}
	out, err := assembleState(root, vals, col, res.order)
	if err != nil {
		diags.AddError("Internal error", "encoding the covalence_aros state: "+err.Error())
	}
	return out, diags
}

// assembleState writes the state object: attributes in name order, aros from
// the collector's encoded items in the given order, the others through tftypes.
func assembleState(root *typeNode, vals map[string]tftypes.Value, col *mpCollector, order []int) ([]byte, error) {
	var head bytes.Buffer
	enc := msgpack.NewEncoder(&head)
	if err := enc.EncodeMapLen(len(root.keys)); err != nil {
		return nil, err
	}
	identity := true
	for i, idx := range order {
		if i != idx {
			identity = false
			break
		}
	}
	writeAros := func(w *bytes.Buffer) error {
		e := msgpack.NewEncoder(w)
		if err := e.EncodeString("aros"); err != nil {
			return err
		}
		if err := e.EncodeArrayLen(len(order)); err != nil {
			return err
		}
		for _, idx := range order {
			w.Write(col.item(idx, prefixRoom))
		}
		return nil
	}
	tail := &head
	var out []byte
	// Fast case: aros is the first attribute and the items are already in
	// order: write the prefix into the room reserved in front of them and
	// append the rest, without copying the items.
	if root.keys[0] == "aros" && identity && len(order) == len(col.spans) {
		var pre bytes.Buffer
		pe := msgpack.NewEncoder(&pre)
		_ = pe.EncodeMapLen(len(root.keys))
		_ = pe.EncodeString("aros")
		_ = pe.EncodeArrayLen(len(order))
		if pre.Len() <= prefixRoom {
			buf := col.buf.Bytes()
			start := prefixRoom - pre.Len()
			copy(buf[start:], pre.Bytes())
			out = buf[start:]
			tail = &bytes.Buffer{}
		}
	}
	for _, k := range root.keys {
		if k == "aros" {
			if out != nil {
				continue
			}
			if err := writeAros(tail); err != nil {
				return nil, err
			}
			continue
		}
		if err := msgpack.NewEncoder(tail).EncodeString(k); err != nil {
			return nil, err
		}
		b, err := vals[k].MarshalMsgPack(root.attrs[k].typ) //nolint:staticcheck // the reference encoder for small values
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		tail.Write(b)
	}
	if out != nil {
		return append(out, tail.Bytes()...), nil
	}
	return tail.Bytes(), nil
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
