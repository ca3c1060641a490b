package provider

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/provider/fastread"
)

var (
	_ datasource.DataSource                     = (*arosDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*arosDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*arosDataSource)(nil)
)

type arosDataSource struct{ dataSourceBase }

func newArosDataSource() datasource.DataSource { return &arosDataSource{} }

// arosModel is covalence_aros: the shared filter, id, limit,
// include_details and fields; the result (aros or items, total,
// severity_counts) is written by arosStateValues and a collector, not
// through this model.
type arosModel struct {
	ID types.String `tfsdk:"id"`
	aroFilterModel
	IncludeDetails types.Bool    `tfsdk:"include_details"`
	Limit          types.Int64   `tfsdk:"limit"`
	Fields         types.List    `tfsdk:"fields"`
	Aros           types.List    `tfsdk:"aros"`
	Items          types.Dynamic `tfsdk:"items"`
	Total          types.Int64   `tfsdk:"total"`
	SeverityCounts types.Map     `tfsdk:"severity_counts"`
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
		MarkdownDescription: "Whether `details` and `details_markdown` are filled (they can be several KB each). Defaults to `true`. Ignored when `fields` is set."}
	attrs["limit"] = schema.Int64Attribute{Optional: true,
		MarkdownDescription: "Return at most this many AROs (the newest). When it cuts the result, a warning says how many matched.",
		Validators:          []validator.Int64{int64validator.AtLeast(1)}}
	attrs["fields"] = schema.ListAttribute{Optional: true, ElementType: types.StringType,
		MarkdownDescription: "The attributes of an ARO to return, each named once: names of `aros`' attributes, and parts of its nested ones with a dot " +
			"(`\"organization.name\"`, `\"steps.label\"`; `\"organization\"` alone is every part). When set, `items` holds the AROs with exactly these attributes " +
			"and `aros` is null; `include_details` is then ignored (`details` is returned when named). Unset, `aros` holds every attribute. " +
			"A large read is several times faster and its state several times smaller with the few attributes a pipeline uses. Valid names: " + markdownList(aroMapping.fieldNames()) + ".",
		Validators: []validator.List{fieldsValidator{}}}
	attrs["aros"] = schema.ListNestedAttribute{Computed: true,
		MarkdownDescription: "The matching AROs, newest first (by `creation_time`, ties by `id`); null when `fields` is set.",
		NestedObject:        schema.NestedAttributeObject{Attributes: aroMapping.attributes()}}
	attrs["items"] = schema.DynamicAttribute{Computed: true,
		MarkdownDescription: "When `fields` is set: the matching AROs in the order of `aros`, each an object with exactly the attributes named in `fields` " +
			"(a nested object or `steps` with exactly the parts named), with the values, types and formats they have in `aros`. Null when `fields` is unset."}
	attrs["total"] = schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of AROs in `aros` (or `items`)."}
	attrs["severity_counts"] = schema.MapAttribute{Computed: true, ElementType: types.Int64Type,
		MarkdownDescription: "Number of AROs in `aros` (or `items`) per severity. Every one of " + markdownList(aroSeverities) + " is present (0 where none), so `severity_counts[\"Critical\"]` never fails; a severity the portal adds later gets its own key, and AROs without a severity count under the key `\"\"`, so the counts add up to `total` (the rule of `covalence_aro_summary`)."}
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

// aroInputs is one covalence_aros read: the typed query, limit,
// include_details and fields.
type aroInputs struct {
	query          aroQuery
	includeDetails bool
	limit          int64 // 0: no limit
	// fields as configured (nil when unset), and aroMapping with only them.
	fields     []string
	projection mapping[covalence.ARO]
}

// inputs turns the model into one read's inputs; now is the read's clock.
func (m arosModel) inputs(ctx context.Context, now time.Time) (aroInputs, diag.Diagnostics) {
	q, diags := m.typedQuery(arosFilterScope, m.ID, now)
	in := aroInputs{query: q, includeDetails: true, limit: m.Limit.ValueInt64()}
	if !m.IncludeDetails.IsNull() && !m.IncludeDetails.IsUnknown() {
		in.includeDetails = m.IncludeDetails.ValueBool()
	}
	if !m.Fields.IsNull() {
		diags.Append(m.Fields.ElementsAs(ctx, &in.fields, false)...)
		if diags.HasError() {
			return in, diags
		}
		p, err := aroMapping.project(in.fields)
		if err != nil {
			diags.AddAttributeError(path.Root("fields"), "Invalid fields", err.Error())
			return in, diags
		}
		in.projection = p
	}
	return in, diags
}

// id is the computed id: a stable hash of the inputs as configured (the
// filter, include_details, limit, fields).
func (in aroInputs) id() string {
	inputs := in.query.idInputs()
	inputs["include_details"] = strconv.FormatBool(in.includeDetails)
	if in.limit > 0 {
		inputs["limit"] = strconv.FormatInt(in.limit, 10)
	}
	if in.fields != nil {
		names := slices.Sorted(slices.Values(in.fields))
		inputs["fields"] = strings.Join(names, ",")
	}
	return stableID(inputs)
}

// shape is how this read writes each ARO: every attribute into aros, or,
// when fields is set, the projection into items (a dynamic attribute, so
// the objects hold exactly the attributes asked for).
func (in aroInputs) shape(root *fastread.Type) aroShape {
	if in.fields == nil {
		return aroShape{attr: "aros", elem: root.Attr("aros").Elem(), write: aroMapping.write}
	}
	return aroShape{attr: "items", elem: fastread.Compile(in.projection.objectType()), write: in.projection.write}
}

// fieldsValidator checks fields at plan time with the rule the read applies
// (mapping.project): at least one name, each known, none empty or repeated,
// none beside one of its own parts. While some names are unknown, each known
// one is checked alone, so a typo still fails the plan.
type fieldsValidator struct{}

func (fieldsValidator) Description(context.Context) string {
	return "each name is an attribute of an ARO or a part of a nested one (organization.name), not beside its own parts"
}

func (v fieldsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (fieldsValidator) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var names []types.String
	resp.Diagnostics.Append(req.ConfigValue.ElementsAs(ctx, &names, false)...)
	known := make([]string, 0, len(names))
	for i, n := range names {
		switch {
		case n.IsNull():
			resp.Diagnostics.AddAttributeError(req.Path.AtListIndex(i), "Invalid fields", "A field name is null.")
			return
		case !n.IsUnknown():
			known = append(known, n.ValueString())
		}
	}
	if len(known) < len(names) {
		// The names together are checked when the read runs.
		for _, n := range known {
			if _, err := aroMapping.project([]string{n}); err != nil {
				resp.Diagnostics.AddAttributeError(req.Path, "Invalid fields", err.Error())
				return
			}
		}
		return
	}
	if _, err := aroMapping.project(known); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid fields", err.Error())
	}
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
	var col *tfCollector
	vals, shape, order, diags := d.data.readAROs(ctx, req.Config, root, func(s aroShape) aroCollector {
		col = &tfCollector{shape: s}
		return col
	})
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	items := make([]tftypes.Value, len(order))
	for i, idx := range order {
		items[i] = col.vals[idx]
	}
	vals[shape.attr] = tftypes.NewValue(tftypes.List{ElementType: shape.elem.TerraformType()}, items)
	resp.State.Raw = tftypes.NewValue(root.TerraformType(), vals)
}

// arosStateValues is every top-level attribute of the state but the one
// that holds the AROs (shape.attr): the configuration as given, with the
// computed attributes filled in (the other of aros and items stays null).
func arosStateValues(config tftypes.Value, root *fastread.Type, in aroInputs, shape aroShape, res aroResult) (map[string]tftypes.Value, error) {
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
		if _, ok := vals[k]; !ok && k != shape.attr {
			return nil, fmt.Errorf("attribute %q has no value", k)
		}
	}
	return vals, nil
}
