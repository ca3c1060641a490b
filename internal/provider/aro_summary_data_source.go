package provider

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

var (
	_ datasource.DataSource                     = (*aroSummaryDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*aroSummaryDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*aroSummaryDataSource)(nil)
)

// aroSummaryDataSource is covalence_aro_summary: the AROs of the
// covalence_aros filter, counted instead of listed. It streams: each page is
// counted as it arrives and dropped, and only the counted fields are decoded
// (covalence.Client.StreamAROSummaries), so memory and state stay small
// whatever the number of AROs. The read is model -> client -> resp.State.Set;
// the ephemeral covalence_aro_summary shares its schema and read.
type aroSummaryDataSource struct{ dataSourceBase }

func newAroSummaryDataSource() datasource.DataSource { return &aroSummaryDataSource{} }

// aroSummaryModel is covalence_aro_summary: the shared filter and the counts.
type aroSummaryModel struct {
	ID types.String `tfsdk:"id"`
	aroFilterModel
	Total          int64            `tfsdk:"total"`
	SeverityCounts map[string]int64 `tfsdk:"severity_counts"`
	valueCountsModel
	OldestCreationTime types.String               `tfsdk:"oldest_creation_time"`
	NewestCreationTime types.String               `tfsdk:"newest_creation_time"`
	WithoutCreation    int64                      `tfsdk:"without_creation_time"`
	OldestBySeverity   map[string]types.String    `tfsdk:"oldest_creation_time_by_severity"`
	Organizations      map[string]orgSummaryModel `tfsdk:"organizations"`
	Unassigned         orgSummaryModel            `tfsdk:"unassigned"`
}

// orgSummaryModel is one entry of organizations, and unassigned.
type orgSummaryModel struct {
	Name               types.String            `tfsdk:"name"`
	Total              int64                   `tfsdk:"total"`
	SeverityCounts     map[string]int64        `tfsdk:"severity_counts"`
	OldestCreationTime types.String            `tfsdk:"oldest_creation_time"`
	OldestBySeverity   map[string]types.String `tfsdk:"oldest_creation_time_by_severity"`
}

func (d *aroSummaryDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_aro_summary"
}

// noValueKey is the key under which AROs without a value (null) are counted,
// so that every count map adds up to total.
const noValueKey = ""

func countsDescription(what string, documented []string) string {
	return "Number of matching AROs per " + what + ". Every one of " + markdownList(documented) +
		" is a key (0 where none); a value the portal sends that is not one of these gets its own key, and AROs without one count under the key `\"\"`, so the counts add up to `total`."
}

// orgSummaryType is the type of an entry of organizations. organizations is
// a map attribute of this object type rather than a nested map attribute for
// one measured reason: `terraform test` cannot mock a nested list, set or map
// attribute (Terraform up to at least 1.16 always fills one with an empty
// collection, hashicorp/terraform#38369), and users must be able to unit-test
// a per-client gate with override_data. unassigned (a single nested
// attribute) mocks fine.
var orgSummaryType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"name": types.StringType, "total": types.Int64Type,
	"severity_counts": types.MapType{ElemType: types.Int64Type}, "oldest_creation_time": types.StringType,
	"oldest_creation_time_by_severity": types.MapType{ElemType: types.StringType},
}}

// oldestBySeverityDescription describes oldest_creation_time_by_severity.
var oldestBySeverityDescription = "Creation time of the oldest matching ARO of each severity, RFC 3339 UTC, keyed by " + markdownList(aroSeverities) +
	" (every one a key; null where no matching ARO of that severity has a creation time), for SLAs tiered by severity: " +
	"compare each with `timeadd(plantimestamp(), ...)` of its tier. AROs of other or no severity, and AROs without a creation time " +
	"(`without_creation_time`), are in no entry."

func orgSummaryAttributes(nameDesc string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":  schema.StringAttribute{Computed: true, MarkdownDescription: nameDesc},
		"total": schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of matching AROs."},
		"severity_counts": schema.MapAttribute{Computed: true, ElementType: types.Int64Type,
			MarkdownDescription: "Number of matching AROs per severity, with the same keys as the top-level `severity_counts`."},
		"oldest_creation_time": schema.StringAttribute{Computed: true,
			MarkdownDescription: "Creation time of the oldest matching ARO, RFC 3339 UTC; null when `total` is 0."},
		"oldest_creation_time_by_severity": schema.MapAttribute{Computed: true, ElementType: types.StringType,
			MarkdownDescription: oldestBySeverityDescription},
	}
}

func (d *aroSummaryDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: aroSummaryDescription("It puts counts, not AROs, into the state, for compliance gates and reports over any number of AROs."),
		Attributes:          aroSummaryAttributes(),
	}
}

// aroSummaryDescription is the description of covalence_aro_summary, data
// source or ephemeral resource: what both compute, with purpose (where the
// counts go) after the first sentence.
func aroSummaryDescription(purpose string) string {
	var per []string
	for _, f := range filtersWithValues {
		per = append(per, f.Param)
	}
	return "Counts the AROs (Actions, Recommendations, Observations) that match the filter of `covalence_aros`: in total, per severity, " + strings.Join(per, ", ") + " and organization, with the oldest and newest creation time. " +
		purpose + " " +
		"Every ARO the portal returns is checked against the filter sent and counted only when it matches (one warning when the portal did not apply it). " +
		"A query that matches nothing gives `total = 0` and complete maps of zeros."
}

// aroSummaryAttributes are the arguments (the filter) and results of a
// summary: the schema of the data source, and through ephemeralAttributes
// that of the ephemeral resource.
func aroSummaryAttributes() map[string]schema.Attribute {
	attrs := aroFilterAttributes(summaryFilterScope)
	attrs["id"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "A stable hash of the query's inputs: the same on every run for the same filter."}
	attrs["total"] = schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of matching AROs."}
	attrs["severity_counts"] = schema.MapAttribute{Computed: true, ElementType: types.Int64Type,
		MarkdownDescription: countsDescription("severity", aroSeverities) + " `severity_counts[\"Critical\"]` never fails; `covalence_aros.severity_counts` follows the same rule."}
	for _, f := range filtersWithValues {
		attrs[f.Param+"_counts"] = schema.MapAttribute{Computed: true, ElementType: types.Int64Type,
			MarkdownDescription: countsDescription("`"+f.Param+"`", f.Values)}
	}
	attrs["oldest_creation_time"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "Creation time of the oldest matching ARO, RFC 3339 UTC (`timecmp()` and `timeadd()` take it); null when `total` is 0 (or no matching ARO has a creation time)."}
	attrs["newest_creation_time"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "Creation time of the newest matching ARO, RFC 3339 UTC; null when `total` is 0 (or no matching ARO has a creation time)."}
	attrs["without_creation_time"] = schema.Int64Attribute{Computed: true,
		MarkdownDescription: "Number of matching AROs whose `creation_time` is missing or not a time. They are in `total` and the counts but cannot be in `oldest_creation_time` or `newest_creation_time`: an age gate (SLA) should require this to be 0, so that an ARO of unknown age fails it (fail closed)."}
	attrs["oldest_creation_time_by_severity"] = schema.MapAttribute{Computed: true, ElementType: types.StringType,
		MarkdownDescription: oldestBySeverityDescription}
	attrs["organizations"] = schema.MapAttribute{Computed: true, ElementType: orgSummaryType,
		MarkdownDescription: "The matching AROs per organization, keyed by organization ID: `{ name, total, severity_counts, oldest_creation_time, oldest_creation_time_by_severity }` as in `unassigned` (`name` is null for an `organization_id` that is not in the organization list). " +
			"Every organization of the MSSP provider has an entry (0 counts where none), so `organizations[each.key]` never fails in a `for_each` over `covalence_orgs`; with `org` or `organization_id` set, only that organization has one."}
	attrs["unassigned"] = schema.SingleNestedAttribute{Computed: true,
		MarkdownDescription: "The matching AROs that are in no entry of `organizations`: their organization is null, or not in the organization list.",
		Attributes:          orgSummaryAttributes("Always null.")}
	return attrs
}

func (d *aroSummaryDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return aroFilterConfigValidators(summaryFilterScope)
}

func (d *aroSummaryDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.Append(notConfigured())
		return
	}
	m, _, diags := d.data.readAROSummary(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// tally counts the AROs of one organization (or of the whole read).
type tally struct {
	total    int64
	severity map[string]int64
	oldest   time.Time
	newest   time.Time
	timed    bool  // oldest and newest are set
	untimed  int64 // AROs without a usable creation time
	// oldestBy is the oldest creation time per documented severity, for
	// the severities that have a timed ARO.
	oldestBy map[string]time.Time
}

func newTally() *tally {
	return &tally{severity: zeroCounts(aroSeverities), oldestBy: make(map[string]time.Time, len(aroSeverities))}
}

func (t *tally) add(severity *string, created time.Time, timed bool) {
	t.total++
	t.severity[valueKey(severity)]++
	if !timed {
		t.untimed++
		return
	}
	if !t.timed || created.Before(t.oldest) {
		t.oldest = created
	}
	t.addOldestBy(severity, created)
	if !t.timed || created.After(t.newest) {
		t.newest = created
	}
	t.timed = true
}

func (t *tally) model(name types.String) orgSummaryModel {
	return orgSummaryModel{Name: name, Total: t.total, SeverityCounts: t.severity, OldestCreationTime: t.time(t.oldest),
		OldestBySeverity: t.oldestBySeverity()}
}

// addOldestBy keeps created as the oldest of its severity, if it is one of
// the documented severities.
func (t *tally) addOldestBy(severity *string, created time.Time) {
	if severity == nil || !slices.Contains(aroSeverities, *severity) {
		return
	}
	if old, ok := t.oldestBy[*severity]; !ok || created.Before(old) {
		t.oldestBy[*severity] = created
	}
}

// oldestBySeverity is oldest_creation_time_by_severity: every documented
// severity a key, null where it has no timed ARO.
func (t *tally) oldestBySeverity() map[string]types.String {
	m := make(map[string]types.String, len(aroSeverities))
	for _, sev := range aroSeverities {
		m[sev] = types.StringNull()
		if v, ok := t.oldestBy[sev]; ok {
			m[sev] = types.StringValue(v.UTC().Format(time.RFC3339Nano))
		}
	}
	return m
}

// time renders one of the tally's times, null when it has none.
func (t *tally) time(v time.Time) types.String {
	if !t.timed {
		return types.StringNull()
	}
	return types.StringValue(v.UTC().Format(time.RFC3339Nano))
}

// summaryCounter counts a summary read's AROs as they arrive.
type summaryCounter struct {
	all *tally
	// values are the counts per value of each of filtersWithValues, in order.
	values     []map[string]int64
	orgs       map[string]*tally // the keys of organizations
	names      map[string]types.String
	unassigned *tally
}

// newSummaryCounter prepares an entry for every organization of orgs, or,
// when filtered is set, for that organization only.
func newSummaryCounter(orgs []covalence.Organization, filtered string) *summaryCounter {
	c := &summaryCounter{
		all:  newTally(),
		orgs: map[string]*tally{}, names: map[string]types.String{}, unassigned: newTally(),
	}
	for _, f := range filtersWithValues {
		c.values = append(c.values, zeroCounts(f.Values))
	}
	for _, o := range orgs {
		if filtered == "" || o.ID == filtered {
			c.orgs[o.ID], c.names[o.ID] = newTally(), types.StringValue(o.Name)
		}
	}
	if _, ok := c.orgs[filtered]; filtered != "" && !ok {
		c.orgs[filtered], c.names[filtered] = newTally(), types.StringNull()
	}
	return c
}

func (c *summaryCounter) add(a *covalence.AROSummaryItem) {
	var created time.Time
	timed := false
	if a.CreationTime != nil {
		created, timed = covalence.ParsePortalTime(*a.CreationTime)
	}
	c.all.add(a.Severity, created, timed)
	for i := range filtersWithValues {
		c.values[i][valueKey(filtersWithValues[i].OfSummary(a))]++
	}
	org := c.unassigned
	if a.Organization != nil && a.Organization.ID != nil {
		if t, ok := c.orgs[*a.Organization.ID]; ok {
			org = t
		}
	}
	org.add(a.Severity, created, timed)
}

// model is the counted part of the state.
func (c *summaryCounter) model() aroSummaryModel {
	m := aroSummaryModel{
		Total: c.all.total, SeverityCounts: c.all.severity,
		OldestCreationTime: c.all.time(c.all.oldest), NewestCreationTime: c.all.time(c.all.newest),
		WithoutCreation: c.all.untimed, OldestBySeverity: c.all.oldestBySeverity(),
		Organizations: make(map[string]orgSummaryModel, len(c.orgs)),
		Unassigned:    c.unassigned.model(types.StringNull()),
	}
	for id, t := range c.orgs {
		m.Organizations[id] = t.model(c.names[id])
	}
	counts := m.counts()
	for i, f := range filtersWithValues {
		// A filter without a field in valueCountsModel is left out here,
		// and the state then fails to match the schema (a test names it).
		if p := counts[f.Param]; p != nil {
			*p = c.values[i]
		}
	}
	return m
}

// zeroCounts is a count map with every documented value at 0.
func zeroCounts(documented []string) map[string]int64 {
	m := make(map[string]int64, len(documented)+1)
	for _, v := range documented {
		m[v] = 0
	}
	return m
}

// valueKey is the count key of a value: the value itself, or noValueKey when null.
func valueKey(v *string) string {
	if v == nil {
		return noValueKey
	}
	return *v
}
