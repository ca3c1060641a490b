package provider

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/provider/fastread"
)

var (
	_ datasource.DataSource                     = (*arosDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*arosDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*arosDataSource)(nil)
)

type arosDataSource struct{ dataSourceBase }

func newArosDataSource() datasource.DataSource { return &arosDataSource{} }

// arosModel is covalence_aros: the shared filter, id, limit and
// include_details; the result (aros, total, severity_counts) is written by
// arosStateValues and a collector, not through this model.
type arosModel struct {
	ID types.String `tfsdk:"id"`
	aroFilterModel
	IncludeDetails types.Bool  `tfsdk:"include_details"`
	Limit          types.Int64 `tfsdk:"limit"`
	Aros           types.List  `tfsdk:"aros"`
	Total          types.Int64 `tfsdk:"total"`
	SeverityCounts types.Map   `tfsdk:"severity_counts"`
}

func (d *arosDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_aros"
}

func arosSchema() schema.Schema {
	attrs := aroFilterAttributes(arosFilterScope)
	attrs["id"] = schema.StringAttribute{Optional: true, Computed: true,
		MarkdownDescription: "Set it to read one ARO by its ID (sent to the portal as `id`). " +
			"Left unset, it is computed as a stable hash of the query's inputs.",
		Validators: filterValidators["id"]}
	attrs["include_details"] = schema.BoolAttribute{Optional: true, Computed: true,
		MarkdownDescription: "Whether `details` and `details_markdown` are filled (they can be several KB each). Defaults to `true`."}
	attrs["limit"] = schema.Int64Attribute{Optional: true,
		MarkdownDescription: "Return at most this many AROs (the newest). When it cuts the result, a warning says how many matched.",
		Validators:          []validator.Int64{int64validator.AtLeast(1)}}
	attrs["aros"] = schema.ListNestedAttribute{Computed: true,
		MarkdownDescription: "The matching AROs, newest first (by `creation_time`, ties by `id`).",
		NestedObject:        schema.NestedAttributeObject{Attributes: aroMapping.attributes()}}
	attrs["total"] = schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of AROs in `aros`."}
	attrs["severity_counts"] = schema.MapAttribute{Computed: true, ElementType: types.Int64Type,
		MarkdownDescription: "Number of AROs in `aros` per severity. Every one of " + markdownList(aroSeverities) + " is present (0 where none), so `severity_counts[\"Critical\"]` never fails; a severity the portal adds later gets its own key, and AROs without a severity count under the key `\"\"`, so the counts add up to `total` (the rule of `covalence_aro_summary`)."}
	return schema.Schema{
		MarkdownDescription: "Queries the AROs (Actions, Recommendations, Observations) of the MSSP provider's organizations. " +
			"Every filter the portal supports is sent to it, and every ARO it returns is checked against that filter again (one warning when the portal did not apply it); `min_severity` is applied by the provider. " +
			"A query that matches nothing gives an empty `aros` list and `total = 0`.",
		Attributes: attrs,
	}
}

func (d *arosDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = arosSchema()
}

func (d *arosDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return aroFilterConfigValidators(arosFilterScope)
}

// aroInputs is one covalence_aros read: the typed query, limit and include_details.
type aroInputs struct {
	query          aroQuery
	includeDetails bool
	limit          int64 // 0: no limit
}

// inputs turns the model into one read's inputs; now is the read's clock.
func (m arosModel) inputs(now time.Time) (aroInputs, diag.Diagnostics) {
	q, diags := m.typedQuery(arosFilterScope, m.ID, now)
	in := aroInputs{query: q, includeDetails: true, limit: m.Limit.ValueInt64()}
	if !m.IncludeDetails.IsNull() && !m.IncludeDetails.IsUnknown() {
		in.includeDetails = m.IncludeDetails.ValueBool()
	}
	return in, diags
}

// id is the computed id: a stable hash of the inputs as configured (the
// filter, include_details, limit).
func (in aroInputs) id() string {
	inputs := in.query.idInputs()
	inputs["include_details"] = strconv.FormatBool(in.includeDetails)
	if in.limit > 0 {
		inputs["limit"] = strconv.FormatInt(in.limit, 10)
	}
	return stableID(inputs)
}

// arosSchemaInfo is covalence_aros's schema and its compiled type, built once
// from the framework schema (the single source of truth).
var arosSchemaInfo = sync.OnceValues(func() (schema.Schema, *fastread.Type) {
	sch := arosSchema()
	return sch, fastread.Compile(sch.Type().TerraformType(context.Background()))
})

// Read is the framework path of covalence_aros (COVALENCE_DISABLE_FAST_PATH=1,
// and the reference of the fast path's differential tests; server.go serves
// the read otherwise): readAROs, then the state as tftypes values.
func (d *arosDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	_, root := arosSchemaInfo()
	col := &tfCollector{elem: root.Attr("aros").Elem()}
	vals, order, diags := d.data.readAROs(ctx, req.Config, root, col)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	items := make([]tftypes.Value, len(order))
	for i, idx := range order {
		items[i] = col.vals[idx]
	}
	vals["aros"] = tftypes.NewValue(root.Attr("aros").TerraformType(), items)
	resp.State.Raw = tftypes.NewValue(root.TerraformType(), vals)
}

// arosStateValues is every top-level attribute of the state but aros: the
// configuration as given, with the computed attributes filled in.
func arosStateValues(config tftypes.Value, root *fastread.Type, in aroInputs, res aroResult) (map[string]tftypes.Value, error) {
	vals := map[string]tftypes.Value{}
	if err := config.As(&vals); err != nil {
		return nil, fmt.Errorf("reading the configuration: %w", err)
	}
	if v, ok := vals["id"]; !ok || v.IsNull() {
		vals["id"] = tftypes.NewValue(tftypes.String, in.id())
	}
	vals["include_details"] = tftypes.NewValue(tftypes.Bool, in.includeDetails)
	vals["total"] = tftypes.NewValue(tftypes.Number, big.NewFloat(float64(len(res.order))))
	counts := make(map[string]tftypes.Value, len(res.counts))
	for k, n := range res.counts {
		counts[k] = tftypes.NewValue(tftypes.Number, big.NewFloat(float64(n)))
	}
	vals["severity_counts"] = tftypes.NewValue(root.Attr("severity_counts").TerraformType(), counts)
	for _, k := range root.Keys() {
		if _, ok := vals[k]; !ok && k != "aros" {
			return nil, fmt.Errorf("attribute %q has no value", k)
		}
	}
	return vals, nil
}
