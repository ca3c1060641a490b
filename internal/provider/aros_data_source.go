package provider

import (
	"context"
	"fmt"
	"math/big"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

var (
	_ datasource.DataSource                     = (*arosDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*arosDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*arosDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*arosDataSource)(nil)
)

// Values the portal uses, in the order the docs list them.
var (
	aroStatuses    = []string{"In Triage", "Open", "Closed"}
	aroResolutions = []string{"Unresolved", "Resolved", "Help Requested", "Dismissed"}
	aroTypes       = []string{"Action", "Recommendation", "Observation"}
	// aroSeverities is in rising order.
	aroSeverities = []string{"Informational", "Warning", "Low", "Medium", "High", "Critical"}
)

// queryKeys are the keys of the SOAR integration's portal query, each
// validated exactly as the attribute of the same name.
var queryKeys = []string{"id", "status", "resolution", "type", "org", "since", "until"}

// Validators shared by the attributes and the query keys of the same name.
var aroValidators = map[string][]validator.String{
	"id":              {stringvalidator.LengthAtLeast(1)},
	"status":          {stringvalidator.OneOf(aroStatuses...)},
	"resolution":      {stringvalidator.OneOf(aroResolutions...)},
	"type":            {stringvalidator.OneOf(aroTypes...)},
	"org":             {stringvalidator.LengthAtLeast(1)},
	"organization_id": {stringvalidator.LengthAtLeast(1)},
	"since":           {timeBoundValidator{}},
	"until":           {timeBoundValidator{}},
	"min_severity":    {stringvalidator.OneOf(aroSeverities...)},
}

type arosDataSource struct{ dataSourceBase }

func newArosDataSource() datasource.DataSource { return &arosDataSource{} }

type arosModel struct {
	ID             types.String `tfsdk:"id"`
	Status         types.String `tfsdk:"status"`
	Resolution     types.String `tfsdk:"resolution"`
	Type           types.String `tfsdk:"type"`
	Org            types.String `tfsdk:"org"`
	OrganizationID types.String `tfsdk:"organization_id"`
	Since          types.String `tfsdk:"since"`
	Until          types.String `tfsdk:"until"`
	MinSeverity    types.String `tfsdk:"min_severity"`
	IncludeDetails types.Bool   `tfsdk:"include_details"`
	Limit          types.Int64  `tfsdk:"limit"`
	Query          types.String `tfsdk:"query"`
	Aros           types.List   `tfsdk:"aros"`
	Total          types.Int64  `tfsdk:"total"`
	SeverityCounts types.Map    `tfsdk:"severity_counts"`
}

func (d *arosDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_aros"
}

func quoted(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "`" + v + "`"
	}
	return strings.Join(q, ", ")
}

func queryString(name, desc string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: aroValidators[name]}
}

func arosSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Queries the AROs (Actions, Recommendations, Observations) of the MSSP provider's organizations. " +
			"Every filter the portal supports is sent to it; `min_severity` is applied by the provider. " +
			"A query that matches nothing gives an empty `aros` list and `total = 0`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Set it to read one ARO by its ID (sent to the portal as `id`). " +
					"Left unset, it is computed as a stable hash of the query's inputs.",
				Validators: aroValidators["id"]},
			"status":          queryString("status", "Only AROs with this workflow status: "+quoted(aroStatuses)+"."),
			"resolution":      queryString("resolution", "Only AROs with this resolution: "+quoted(aroResolutions)+"."),
			"type":            queryString("type", "Only AROs of this type: "+quoted(aroTypes)+"."),
			"org":             queryString("org", "Only AROs of the organization with this name: an exact name match (ignoring case) wins, otherwise the one organization whose name contains it (ignoring case). Several matches or none are an error. Conflicts with `organization_id`."),
			"organization_id": queryString("organization_id", "Only AROs of the organization with this ID. Conflicts with `org`."),
			"since":           queryString("since", "Only AROs created at or after this time: RFC 3339 (`2021-01-31T14:00:00Z`), the portal's `2021-01-31 14:00:00` (UTC), or relative to now such as `\"12 hours\"`, `\"7 days\"`, `\"2 weeks\"` (minutes, hours, days, weeks)."),
			"until":           queryString("until", "Only AROs created at or before this time; same formats as `since`, which must not be after it."),
			"min_severity": queryString("min_severity", "Only AROs at or above this severity, in the order "+quoted(aroSeverities)+
				". Applied by the provider (the portal has no severity filter); an ARO whose severity is missing or unknown is kept, so a compliance gate fails closed."),
			"include_details": schema.BoolAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Whether `details` and `details_markdown` are filled (they can be several KB each). Defaults to `true`."},
			"limit": schema.Int64Attribute{Optional: true,
				MarkdownDescription: "Return at most this many AROs (the newest). When it cuts the result, a warning says how many matched.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)}},
			"query": schema.StringAttribute{Optional: true,
				MarkdownDescription: "A portal query as the SOAR integration took it, e.g. `\"resolution=Unresolved&type=Recommendation\"` or `\"org=Acme&since=2021-01-31 14:00:00\"`: `&`-separated `key=value` pairs with keys " + quoted(queryKeys) +
					"; values may contain spaces. Each pair means the same as the attribute of that name and is validated like it; an unknown key, a pair without `=`, a repeated key or a key also set as an attribute is an error. Meant for migrating playbooks: prefer the typed attributes.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"aros": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "The matching AROs, newest first (by `creation_time`, ties by `id`).",
				NestedObject:        schema.NestedAttributeObject{Attributes: aroMapping.attributes()}},
			"total": schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of AROs in `aros`."},
			"severity_counts": schema.MapAttribute{Computed: true, ElementType: types.Int64Type,
				MarkdownDescription: "Number of AROs in `aros` per severity. Every one of " + quoted(aroSeverities) + " is present (0 where none), so `severity_counts[\"Critical\"]` never fails; a severity the portal adds later gets its own key."},
		},
	}
}

func (d *arosDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = arosSchema()
}

func (d *arosDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.Conflicting(path.MatchRoot("org"), path.MatchRoot("organization_id")),
	}
}

func (d *arosDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m arosModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, diags := m.inputs(ctx)
	resp.Diagnostics.Append(diags...)
}

// aroInputs is a covalence_aros query with the query string merged in.
type aroInputs struct {
	values         map[string]string // id, status, resolution, type, org, organization_id, since, until
	fromQuery      map[string]bool   // keys that came from the query string
	minSeverity    string
	includeDetails bool
	limit          int64
	// unknown is set when a value is not known yet (validation only).
	unknown bool
}

// inputs merges attributes and query, validating both. It is used at plan
// time (ValidateConfig) and again at read time.
func (m arosModel) inputs(ctx context.Context) (aroInputs, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := aroInputs{values: map[string]string{}, fromQuery: map[string]bool{}, includeDetails: true}
	attrs := map[string]types.String{
		"id": m.ID, "status": m.Status, "resolution": m.Resolution, "type": m.Type, "org": m.Org,
		"organization_id": m.OrganizationID, "since": m.Since, "until": m.Until,
	}
	for k, v := range attrs {
		if v.IsUnknown() {
			in.unknown = true
		} else if !v.IsNull() {
			in.values[k] = v.ValueString()
		}
	}
	in.unknown = in.unknown || m.MinSeverity.IsUnknown() || m.Query.IsUnknown() || m.Limit.IsUnknown() || m.IncludeDetails.IsUnknown()
	in.minSeverity = m.MinSeverity.ValueString()
	if !m.IncludeDetails.IsNull() && !m.IncludeDetails.IsUnknown() {
		in.includeDetails = m.IncludeDetails.ValueBool()
	}
	in.limit = m.Limit.ValueInt64()

	if !m.Query.IsNull() && !m.Query.IsUnknown() {
		pairs, err := parsePortalQuery(m.Query.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("query"), "Invalid query", err.Error())
			return in, diags
		}
		for _, p := range pairs {
			if _, set := attrs[p.key]; set && (!attrs[p.key].IsNull()) {
				diags.AddAttributeError(path.Root("query"), "Invalid query",
					fmt.Sprintf("query key %q is also set as the attribute %s: set it in one place only.", p.key, p.key))
				continue
			}
			for _, v := range aroValidators[p.key] {
				var vr validator.StringResponse
				v.ValidateString(ctx, validator.StringRequest{Path: path.Root("query"), ConfigValue: types.StringValue(p.value)}, &vr)
				for _, dg := range vr.Diagnostics {
					diags.AddAttributeError(path.Root("query"), "Invalid query",
						fmt.Sprintf("query key %q: %s", p.key, dg.Detail()))
				}
			}
			in.values[p.key] = p.value
			in.fromQuery[p.key] = true
		}
		if in.values["org"] != "" && in.values["organization_id"] != "" {
			diags.AddAttributeError(path.Root("query"), "Invalid query",
				"query key \"org\" conflicts with the attribute organization_id: use one of them.")
		}
	}
	if diags.HasError() || in.unknown {
		return in, diags
	}
	now := nowFunc()
	since, errS := covalence.ParseTimeBound(in.values["since"], now)
	until, errU := covalence.ParseTimeBound(in.values["until"], now)
	if in.values["since"] != "" && in.values["until"] != "" && errS == nil && errU == nil && since.After(until) {
		diags.AddAttributeError(path.Root(in.source("since")), "since is after until",
			fmt.Sprintf("since (%q = %s) is after until (%q = %s): the window is empty.",
				in.values["since"], since.Format("2006-01-02T15:04:05Z07:00"), in.values["until"], until.Format("2006-01-02T15:04:05Z07:00")))
	}
	return in, diags
}

type queryPair struct{ key, value string }

// parsePortalQuery reads "key=value&key=value" as the SOAR integration took
// it. Values may contain spaces; %XX escapes are decoded, '+' is kept.
func parsePortalQuery(q string) ([]queryPair, error) {
	var out []queryPair
	seen := map[string]bool{}
	for _, part := range strings.Split(q, "&") {
		if strings.TrimSpace(part) == "" {
			return nil, fmt.Errorf("empty pair in %q (two & in a row, or a leading or trailing &)", q)
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not a key=value pair", part)
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		if dec, err := url.PathUnescape(v); err == nil {
			v = dec
		}
		known := false
		for _, qk := range queryKeys {
			known = known || qk == k
		}
		if !known {
			return nil, fmt.Errorf("unknown query key %q: the keys are %s", k, strings.Join(queryKeys, ", "))
		}
		if seen[k] {
			return nil, fmt.Errorf("query key %q is given twice", k)
		}
		if v == "" {
			return nil, fmt.Errorf("query key %q has an empty value", k)
		}
		seen[k] = true
		out = append(out, queryPair{k, v})
	}
	return out, nil
}

// source is the attribute a value was configured in: its own, or query.
func (in aroInputs) source(key string) string {
	if in.fromQuery[key] {
		return "query"
	}
	return key
}

// hash is the computed id: a stable hash of the inputs.
func (in aroInputs) hash() string {
	vals := map[string]attr.Value{
		"min_severity":    types.StringValue(in.minSeverity),
		"include_details": types.BoolValue(in.includeDetails),
		"limit":           types.Int64Value(in.limit),
	}
	for k, v := range in.values {
		vals[k] = types.StringValue(v)
	}
	return queryHash(vals)
}

func (d *arosDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.Append(notConfigured())
		return
	}
	var m arosModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in, diags := m.inputs(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	root := compileType(resp.State.Schema.Type().TerraformType(ctx))
	col := &tfCollector{node: root.attrs["aros"].elem}
	res, diags := d.data.readAROs(ctx, in, col)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	vals, err := arosStateValues(req.Config.Raw, root, in, res)
	if err != nil {
		resp.Diagnostics.AddError("Internal error", err.Error())
		return
	}
	items := make([]tftypes.Value, len(res.order))
	for i, idx := range res.order {
		items[i] = col.vals[idx]
	}
	vals["aros"] = tftypes.NewValue(root.attrs["aros"].typ, items)
	resp.State.Raw = tftypes.NewValue(root.typ, vals)
}

// arosStateValues is every top-level attribute of the state but aros: the
// configuration as given, with the computed attributes filled in.
func arosStateValues(config tftypes.Value, root *typeNode, in aroInputs, res aroResult) (map[string]tftypes.Value, error) {
	vals := map[string]tftypes.Value{}
	if err := config.As(&vals); err != nil {
		return nil, fmt.Errorf("reading the configuration: %w", err)
	}
	if v, ok := vals["id"]; !ok || v.IsNull() {
		vals["id"] = tftypes.NewValue(tftypes.String, in.hash())
	}
	vals["include_details"] = tftypes.NewValue(tftypes.Bool, in.includeDetails)
	vals["total"] = tftypes.NewValue(tftypes.Number, big.NewFloat(float64(len(res.order))))
	counts := make(map[string]tftypes.Value, len(res.counts))
	for k, n := range res.counts {
		counts[k] = tftypes.NewValue(tftypes.Number, big.NewFloat(float64(n)))
	}
	vals["severity_counts"] = tftypes.NewValue(root.attrs["severity_counts"].typ, counts)
	for _, k := range root.keys {
		if _, ok := vals[k]; !ok && k != "aros" {
			return nil, fmt.Errorf("attribute %q has no value", k)
		}
	}
	return vals, nil
}
