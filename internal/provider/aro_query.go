package provider

// The filter of the ARO data sources (covalence_aros, covalence_aro_summary),
// written once: its attributes (aroFilterAttributes), its model
// (aroFilterModel, embedded in each data source's model), its validation
// (framework validators: each attribute's own, timeBoundValidator and
// portalQueryValidator for query, and aroFilterValidator across attributes)
// and the typed query a read turns it into (aroFilterModel.typedQuery, then
// providerData.portalQuery). The portal's filters are covalence.AROFilters:
// their attributes, validators, query keys and wording derive from that
// table, and a new one needs only its field in aroFilterModel here. The
// provider's own are org (an organization by name), min_severity and query.

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/ephemeralvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// aroSeverities are the portal's severities, in rising order (the client's
// copy of the contract).
var aroSeverities = covalence.Severities

// nowFunc is the clock of relative times; tests replace it. A read takes it
// once and resolves since and until against that one instant.
var nowFunc = func() time.Time { return time.Now().UTC() }

// queryKeys are the keys of the SOAR integration's portal query, each
// validated exactly as the attribute of the same name: id, the filters with
// documented values, org, then the time bounds.
var queryKeys = func() []string {
	keys := []string{"id"}
	for _, f := range filtersWithValues {
		keys = append(keys, f.Param)
	}
	keys = append(keys, "org")
	for _, f := range covalence.AROFilters {
		if f.Kind != covalence.Equal {
			keys = append(keys, f.Param)
		}
	}
	return keys
}()

// aroFilterScope is what differs between the ARO data sources' filters:
// whether id is one of them (covalence_aros: yes; covalence_aro_summary,
// which counts, has no id filter, so its query has no id key either).
type aroFilterScope struct{ id bool }

var (
	arosFilterScope    = aroFilterScope{id: true}
	summaryFilterScope = aroFilterScope{id: false}
)

// queryKeys are the query keys this filter accepts.
func (s aroFilterScope) queryKeys() []string {
	if s.id {
		return queryKeys
	}
	return queryKeys[1:] // all but id
}

// filterValidators are the validators of each filter attribute, shared by
// the attribute and the query key of the same name: a portal filter's
// documented values, a time for a bound, else any value but "".
var filterValidators = func() map[string][]validator.String {
	out := map[string][]validator.String{
		"org":          {stringvalidator.LengthAtLeast(1)},
		"min_severity": {stringvalidator.OneOf(aroSeverities...)},
	}
	for _, f := range covalence.AROFilters {
		switch {
		case f.Kind != covalence.Equal:
			out[f.Param] = []validator.String{timeBoundValidator{}}
		case f.Values != nil:
			out[f.Param] = []validator.String{stringvalidator.OneOf(f.Values...)}
		default:
			out[f.Param] = []validator.String{stringvalidator.LengthAtLeast(1)}
		}
	}
	return out
}()

// aroFilterModel is the filter part of an ARO data source's model; embed it
// by value (the framework promotes its fields).
type aroFilterModel struct {
	Status         types.String `tfsdk:"status"`
	Resolution     types.String `tfsdk:"resolution"`
	Type           types.String `tfsdk:"type"`
	Org            types.String `tfsdk:"org"`
	OrganizationID types.String `tfsdk:"organization_id"`
	Since          types.String `tfsdk:"since"`
	Until          types.String `tfsdk:"until"`
	MinSeverity    types.String `tfsdk:"min_severity"`
	Query          types.String `tfsdk:"query"`
}

// fields are the model's values by attribute name (the tfsdk tags). Every
// field is a types.String (TestFilterModelIsTheAttributes).
func (f *aroFilterModel) fields() map[string]*types.String {
	v := reflect.ValueOf(f).Elem()
	out := make(map[string]*types.String, v.NumField())
	for i := range v.NumField() {
		if p, ok := v.Field(i).Addr().Interface().(*types.String); ok {
			out[v.Type().Field(i).Tag.Get("tfsdk")] = p
		}
	}
	return out
}

// valueCountsModel is, for each filter with documented values (Values in
// covalence.AROFilters), the number of matching AROs per value: a summary's
// <param>_counts attributes. counts gives them by parameter
// (TestValueCountsAreTheFiltersWithValues).
type valueCountsModel struct {
	StatusCounts     map[string]int64 `tfsdk:"status_counts"`
	ResolutionCounts map[string]int64 `tfsdk:"resolution_counts"`
	TypeCounts       map[string]int64 `tfsdk:"type_counts"`
}

// counts are the model's maps by filter parameter (the tfsdk tags without
// their _counts suffix).
func (m *valueCountsModel) counts() map[string]*map[string]int64 {
	v := reflect.ValueOf(m).Elem()
	out := make(map[string]*map[string]int64, v.NumField())
	for i := range v.NumField() {
		if p, ok := v.Field(i).Addr().Interface().(*map[string]int64); ok {
			out[strings.TrimSuffix(v.Type().Field(i).Tag.Get("tfsdk"), "_counts")] = p
		}
	}
	return out
}

// filtersWithValues are the filters of covalence.AROFilters with documented
// values, in the table's order: those a summary counts per value.
var filtersWithValues = func() []covalence.AROFilter {
	var out []covalence.AROFilter
	for _, f := range covalence.AROFilters {
		if f.Values != nil {
			out = append(out, f)
		}
	}
	return out
}()

// markdownList renders values as a Markdown list of code spans: `a`, `b`.
func markdownList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "`" + v + "`"
	}
	return strings.Join(q, ", ")
}

func filterAttribute(name, desc string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: filterValidators[name]}
}

// filterDescriptions are the descriptions of the filter attributes that
// say more than covalence.AROFilter.Keeps and its values.
var filterDescriptions = map[string]string{
	"organization_id": "Only AROs of the organization with this ID. Conflicts with `org`.",
	"since":           "Only AROs created at or after this time: RFC 3339 (`2021-01-31T14:00:00Z`), the portal's `2021-01-31 14:00:00` (UTC), or relative to now such as `\"12 hours\"`, `\"7 days\"`, `\"2 weeks\"` (minutes, hours, days, weeks).",
	"until":           "Only AROs created at or before this time; same formats as `since`, which must not be after it.",
}

// aroFilterAttributes are the filter attributes, for the schema of each ARO
// data source: one per portal filter but id (each data source has its own
// id), and the provider's org, min_severity and query.
func aroFilterAttributes(scope aroFilterScope) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for _, f := range covalence.AROFilters {
		if f.Param == "id" {
			continue
		}
		desc := filterDescriptions[f.Param]
		switch {
		case desc != "":
		case f.Values != nil:
			desc = "Only AROs " + f.Keeps + ": " + markdownList(f.Values) + "."
		default:
			desc = "Only AROs " + f.Keeps + "."
		}
		attrs[f.Param] = filterAttribute(f.Param, desc)
	}
	for name, a := range map[string]schema.Attribute{
		"org": filterAttribute("org", "Only AROs of the organization with this name: an exact name match (ignoring case) wins, otherwise the one organization whose name contains it (ignoring case). Several matches or none are an error. Conflicts with `organization_id`."),
		"min_severity": filterAttribute("min_severity", "Only AROs at or above this severity, in the order "+markdownList(aroSeverities)+
			". Applied by the provider (the portal has no severity filter); an ARO whose severity is missing or unknown is kept, so a compliance gate fails closed."),
		"query": schema.StringAttribute{Optional: true,
			MarkdownDescription: "A portal query as the SOAR integration took it, e.g. `\"resolution=Unresolved&type=Recommendation\"` or `\"org=Acme&since=2021-01-31 14:00:00\"`: `&`-separated `key=value` pairs with keys " + markdownList(scope.queryKeys()) +
				"; values may contain spaces. Each pair means the same as the attribute of that name and is validated like it; an unknown key, a pair without `=`, a repeated key or a key also set as an attribute is an error. Meant for migrating playbooks: prefer the typed attributes.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1), portalQueryValidator{scope: scope}}},
	} {
		attrs[name] = a
	}
	return attrs
}

// aroFilterConfigValidators check the filter as a whole; both ARO data
// sources return them from ConfigValidators.
func aroFilterConfigValidators(scope aroFilterScope) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.Conflicting(orgConflict...),
		aroFilterValidator{scope: scope},
	}
}

// aroFilterEphemeralConfigValidators are aroFilterConfigValidators for an
// ephemeral resource with the filter.
func aroFilterEphemeralConfigValidators(scope aroFilterScope) []ephemeral.ConfigValidator {
	return []ephemeral.ConfigValidator{
		ephemeralvalidator.Conflicting(orgConflict...),
		aroFilterValidator{scope: scope},
	}
}

// orgConflict are the two ways to name the organization: one at most.
var orgConflict = []path.Expression{path.MatchRoot("org"), path.MatchRoot("organization_id")}

// aroQuery is the typed query of the ARO data sources: attributes and query
// merged, since and until resolved against one clock.
type aroQuery struct {
	// Sent to the portal, with Org (a name: portalQuery resolves it).
	covalence.AROQuery
	Org string
	// MinSeverity is applied by the provider: see keeps.
	MinSeverity string
	// configured is every filter value as written, by key (attributes and
	// query merged): the input of the stable id.
	configured map[string]string
	// fromQuery are the keys whose value came from query.
	fromQuery map[string]bool
}

// source is the attribute a value was configured in: its own, or query.
func (q aroQuery) source(key string) path.Path {
	if q.fromQuery[key] {
		return path.Root("query")
	}
	return path.Root(key)
}

// keeps reports whether an ARO of this severity passes min_severity. A
// missing or unknown severity passes (a compliance gate fails closed).
func (q aroQuery) keeps(severity *string) bool {
	if q.MinSeverity == "" || severity == nil {
		return true
	}
	return severityAtLeast(*severity, q.MinSeverity)
}

// idInputs are the configured filter values by key, for stableID.
func (q aroQuery) idInputs() map[string]string {
	out := make(map[string]string, len(q.configured)+1)
	for k, v := range q.configured {
		out[k] = v
	}
	if q.MinSeverity != "" {
		out["min_severity"] = q.MinSeverity
	}
	return out
}

// inWords is the filter as a reader says it: "the filter resolution
// Unresolved, severity High or above, ...", with org the filtered
// organization's name (orgInWords).
func (q aroQuery) inWords(org string) string {
	var parts []string
	for _, f := range covalence.AROFilters {
		// organization_id is worded by org, the time bounds below.
		if v := q.configured[f.Param]; v != "" && f.Kind == covalence.Equal && f.Param != "organization_id" {
			parts = append(parts, f.Param+" "+v)
		}
	}
	if q.MinSeverity != "" {
		parts = append(parts, "severity "+q.MinSeverity+" or above (or unknown)")
	}
	if org != "" {
		parts = append(parts, "organization "+org)
	}
	for _, b := range []struct {
		key, words string
		t          *time.Time
	}{{"since", "created at or after", q.Since}, {"until", "created at or before", q.Until}} {
		if b.t == nil {
			continue
		}
		at := b.t.UTC().Format(time.RFC3339)
		if raw := q.configured[b.key]; raw != at {
			at += fmt.Sprintf(" (%s = %q)", b.key, raw)
		}
		parts = append(parts, b.words+" "+at)
	}
	if len(parts) == 0 {
		return "(no filter: every ARO)"
	}
	return "the filter " + strings.Join(parts, ", ")
}

// typedQuery turns the filter, and the id attribute (null where the data
// source has no id filter), into the typed query. now is the read's one
// clock for relative times. Diagnostics name the attribute a value came
// from, or query.
func (f aroFilterModel) typedQuery(scope aroFilterScope, id types.String, now time.Time) (aroQuery, diag.Diagnostics) {
	c := f.check(scope, id, now)
	var diags diag.Diagnostics
	diags.Append(c.own...)
	diags.Append(c.cross...)
	if c.unknown && !diags.HasError() {
		diags.AddError("Filter not known",
			"A filter value is not known at read time. This is a bug in the provider or in Terraform; please report it.")
	}
	return c.query, diags
}

// filterCheck is typedQuery's work, with its problems in two kinds.
type filterCheck struct {
	query aroQuery
	// own: a value is invalid by itself (its attribute's validator reports
	// it at plan time); cross: values conflict (aroFilterValidator's part).
	own, cross diag.Diagnostics
	// unknown: some value is not known yet (plan time only).
	unknown bool
}

func (f aroFilterModel) check(scope aroFilterScope, id types.String, now time.Time) filterCheck {
	var c filterCheck
	q := &c.query
	q.configured, q.fromQuery = map[string]string{}, map[string]bool{}
	// The attributes that are also query keys, and organization_id.
	attrs := map[string]types.String{"id": id}
	for name, v := range f.fields() {
		if name != "min_severity" && name != "query" {
			attrs[name] = *v
		}
	}
	for k, v := range attrs {
		if v.IsUnknown() {
			c.unknown = true
		} else if !v.IsNull() {
			q.configured[k] = v.ValueString()
		}
	}
	c.unknown = c.unknown || f.MinSeverity.IsUnknown() || f.Query.IsUnknown()
	q.MinSeverity = f.MinSeverity.ValueString()

	if !f.Query.IsNull() && !f.Query.IsUnknown() {
		pairs, err := parsePortalQuery(f.Query.ValueString(), scope.queryKeys())
		if err != nil {
			c.own.AddAttributeError(path.Root("query"), "Invalid query", err.Error())
			return c
		}
		for _, p := range pairs {
			if !attrs[p.key].IsNull() {
				c.cross.AddAttributeError(path.Root("query"), "Invalid query",
					fmt.Sprintf("query key %q is also set as the attribute %s: set it in one place only.", p.key, p.key))
				continue
			}
			q.configured[p.key] = p.value
			q.fromQuery[p.key] = true
		}
		if q.fromQuery["org"] && !f.OrganizationID.IsNull() {
			c.cross.AddAttributeError(path.Root("query"), "Invalid query",
				"query key \"org\" conflicts with the attribute organization_id: use one of them.")
		}
	}
	v := q.configured
	q.Org = v["org"]
	for i := range covalence.AROFilters {
		b := &covalence.AROFilters[i]
		if p := b.Value(&q.AROQuery); p != nil {
			*p = v[b.Param]
			continue
		}
		// A time bound, parsed once against now.
		raw, ok := v[b.Param]
		if !ok {
			continue
		}
		t, err := covalence.ParseTimeBound(raw, now)
		if err != nil {
			c.own.AddAttributeError(q.source(b.Param), "Invalid "+b.Param, err.Error())
			continue
		}
		*b.Time(&q.AROQuery) = &t
	}
	if q.Since != nil && q.Until != nil && q.Since.After(*q.Until) {
		c.cross.AddAttributeError(q.source("since"), "since is after until",
			fmt.Sprintf("since (%q = %s) is after until (%q = %s): the window is empty.",
				v["since"], q.Since.Format(time.RFC3339), v["until"], q.Until.Format(time.RFC3339)))
	}
	return c
}

type queryPair struct{ key, value string }

// parsePortalQuery reads "key=value&key=value" as the SOAR integration took
// it. Values may contain spaces; %XX escapes are decoded, '+' is kept.
func parsePortalQuery(q string, keys []string) ([]queryPair, error) {
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
		if !slices.Contains(keys, k) {
			return nil, fmt.Errorf("unknown query key %q: the keys are %s", k, strings.Join(keys, ", "))
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

// aroFilterValidator checks what no single attribute can: a query key also
// set as an attribute, query's org beside organization_id, since after until.
type aroFilterValidator struct{ scope aroFilterScope }

func (aroFilterValidator) Description(context.Context) string {
	return "query keys must not repeat attributes, and since must not be after until"
}
func (v aroFilterValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (v aroFilterValidator) ValidateDataSource(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	resp.Diagnostics.Append(v.validate(ctx, req.Config)...)
}
func (v aroFilterValidator) ValidateEphemeralResource(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	resp.Diagnostics.Append(v.validate(ctx, req.Config)...)
}

func (v aroFilterValidator) validate(ctx context.Context, cfg tfsdk.Config) diag.Diagnostics {
	f, id, diags := readAROFilter(ctx, cfg)
	if diags.HasError() {
		return diags
	}
	return f.check(v.scope, id, nowFunc()).cross
}

// timeBoundValidator checks a since/until value at plan time.
type timeBoundValidator struct{}

func (timeBoundValidator) Description(context.Context) string {
	return `must be RFC 3339, "YYYY-MM-DD HH:MM:SS" (UTC), or relative such as "7 days"`
}
func (v timeBoundValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (timeBoundValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	// Whether a value parses does not depend on the clock: any instant does.
	if _, err := covalence.ParseTimeBound(req.ConfigValue.ValueString(), time.Unix(0, 0).UTC()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), err.Error())
	}
}

// portalQueryValidator checks a SOAR-style query at plan time: its syntax,
// and each pair's value with the validators of the attribute of that name
// (as listvalidator.ValueStringsAre applies its validators to each element).
type portalQueryValidator struct{ scope aroFilterScope }

func (v portalQueryValidator) Description(context.Context) string {
	return "must be &-separated key=value pairs with keys " + strings.Join(v.scope.queryKeys(), ", ") +
		", each value valid as the attribute of that name"
}
func (v portalQueryValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (v portalQueryValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return // "" is LengthAtLeast's to report
	}
	pairs, err := parsePortalQuery(req.ConfigValue.ValueString(), v.scope.queryKeys())
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid query", err.Error())
		return
	}
	for _, p := range pairs {
		for _, v := range filterValidators[p.key] {
			var vr validator.StringResponse
			v.ValidateString(ctx, validator.StringRequest{Path: req.Path, PathExpression: req.PathExpression,
				Config: req.Config, ConfigValue: types.StringValue(p.value)}, &vr)
			for _, dg := range vr.Diagnostics {
				resp.Diagnostics.AddAttributeError(req.Path, "Invalid query", fmt.Sprintf("query key %q: %s", p.key, dg.Detail()))
			}
		}
	}
}

// readAROFilter reads the filter attributes and id from a configuration.
func readAROFilter(ctx context.Context, cfg tfsdk.Config) (aroFilterModel, types.String, diag.Diagnostics) {
	var f aroFilterModel
	var id types.String
	diags := cfg.GetAttribute(ctx, path.Root("id"), &id)
	for name, v := range f.fields() {
		diags.Append(cfg.GetAttribute(ctx, path.Root(name), v)...)
	}
	return f, id, diags
}
