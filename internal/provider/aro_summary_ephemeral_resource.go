package provider

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ ephemeral.EphemeralResource                     = (*aroSummaryEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure        = (*aroSummaryEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigValidators = (*aroSummaryEphemeralResource)(nil)
)

// aroSummaryEphemeralResource is the ephemeral covalence_aro_summary: the
// data source's arguments, results and read (aroSummaryAttributes,
// providerData.readAROSummary), as a result that Terraform keeps out of
// state and plan, plus max_total, a gate that fails Open with a message for
// the person reading the run's log. The read is model -> client ->
// resp.Result.Set, or the gate's error.
type aroSummaryEphemeralResource struct{ ephemeralBase }

func newAroSummaryEphemeralResource() ephemeral.EphemeralResource {
	return &aroSummaryEphemeralResource{}
}

// aroSummaryEphemeralModel is the data source's model and max_total.
type aroSummaryEphemeralModel struct {
	aroSummaryModel
	MaxTotal types.Int64 `tfsdk:"max_total"`
}

// gateOrgsListed is how many organizations a failed gate names.
const gateOrgsListed = 20

func (e *aroSummaryEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_aro_summary"
}

func (e *aroSummaryEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	attrs, err := ephemeralAttributes(aroSummaryAttributes())
	if err != nil {
		resp.Diagnostics.AddError("Internal error", "building the schema of the ephemeral covalence_aro_summary: "+err.Error()+
			". This is a bug in the provider; please report it.")
		return
	}
	attrs["max_total"] = schema.Int64Attribute{Optional: true,
		Validators: []validator.Int64{int64validator.AtLeast(0)},
		MarkdownDescription: "A compliance gate: when more than this many AROs match, opening fails with an error that names the filter, " +
			"the total and the counts per severity, the organizations with matching AROs (most first), the oldest creation time and its age, " +
			"and `without_creation_time` when it is not 0. `0` allows none. It fails `terraform plan` as well as `apply` when every argument is known at plan " +
			"(an argument from a resource of the same run leaves it to the apply), " +
			"and nothing of what it read is written to the state or the plan. Unset, the summary is only read."}
	resp.Schema = schema.Schema{
		MarkdownDescription: aroSummaryDescription("The same arguments, results and counting rules as the data source `covalence_aro_summary`, " +
			"but as an ephemeral resource (Terraform 1.10 or later, OpenTofu 1.11 or later): nothing it reads is written to the state or the plan. " +
			"With `max_total` it is a compliance gate that leaves nothing behind."),
		Attributes: attrs,
	}
}

func (e *aroSummaryEphemeralResource) ConfigValidators(context.Context) []ephemeral.ConfigValidator {
	return append(aroFilterEphemeralConfigValidators(summaryFilterScope), gateArgumentsKnown{})
}

// gateArgumentsKnown warns when max_total is set (or not known) and another
// argument is not known. Terraform opens an ephemeral resource during the
// plan only when its whole configuration is known: with an argument that
// waits on a resource of the same run, the plan passes without the gate,
// and the gate runs at apply, after other changes may have been made.
// Terraform shows the provider unknown values only while it validates the
// configuration, when values from variables, data sources and for_each are
// unknown too, so the warning says when it matters rather than that it
// does.
type gateArgumentsKnown struct{}

func (gateArgumentsKnown) Description(context.Context) string {
	return "warns when max_total is set and another argument is not known"
}

func (v gateArgumentsKnown) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (gateArgumentsKnown) ValidateEphemeralResource(_ context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var vals map[string]tftypes.Value
	if err := req.Config.Raw.As(&vals); err != nil {
		return // not an object: the framework reports it
	}
	mt, ok := vals["max_total"]
	if !ok || mt.IsNull() {
		return
	}
	var unknown []string
	for _, name := range slices.Sorted(maps.Keys(vals)) {
		if name != "max_total" && !vals[name].IsFullyKnown() {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return
	}
	gate := "max_total is set"
	if !mt.IsKnown() {
		gate = "max_total may be set"
	}
	names := joinNames(unknown)
	resp.Diagnostics.AddAttributeWarning(path.Root(unknown[0]), "The compliance gate may run only at apply",
		fmt.Sprintf("%s, and %s %s not known yet. Terraform opens covalence_aro_summary during the plan only when all its arguments are known: "+
			"if %s %s still unknown at plan (from a resource created or changed in the same run), the plan passes without the gate, "+
			"and the gate runs only at apply, after resources that do not depend on it may have been changed. "+
			"Arguments from variables, locals and data sources are known at plan, and the gate then stops the plan as usual: "+
			"Terraform shows providers unknown values only while it validates the configuration, so this warning cannot tell the two apart.",
			gate, names, plural(len(unknown), "is", "are"), names, plural(len(unknown), "is", "are")))
}

// joinNames is "a", "a and b", "a, b and c".
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func (e *aroSummaryEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if e.data == nil {
		resp.Diagnostics.Append(notConfigured())
		return
	}
	var maxTotal types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("max_total"), &maxTotal)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m, q, diags := e.data.readAROSummary(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !maxTotal.IsNull() && m.Total > maxTotal.ValueInt64() {
		resp.Diagnostics.Append(gateFailure(q, m, maxTotal.ValueInt64(), nowFunc()))
		return
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &aroSummaryEphemeralModel{aroSummaryModel: m, MaxTotal: maxTotal})...)
}

// gateFailure is the error of a summary m of query q over max_total, for a
// person reading a CI log: the filter in words, the total and the non-zero
// severity counts, the organizations with matching AROs by name (most
// first, gateOrgsListed at most), the oldest creation time and its age at
// now, and the AROs of unknown age. Lines of a list start with a space, so
// that Terraform prints them as they are rather than rewrapped.
func gateFailure(q aroQuery, m aroSummaryModel, maxTotal int64, now time.Time) diag.Diagnostic {
	org := q.orgInWords(m.Organizations)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s; max_total is %d.\n\n", countOf(m.Total, "ARO"), plural(int(m.Total), "matches", "match"), q.inWords(org), maxTotal)
	fmt.Fprintf(&b, "By severity: %s.\n", severitiesInWords(m.SeverityCounts))

	type orgLine struct {
		id string
		o  orgSummaryModel
	}
	var orgs []orgLine
	for id, o := range m.Organizations {
		if o.Total > 0 {
			orgs = append(orgs, orgLine{id, o})
		}
	}
	slices.SortFunc(orgs, func(a, b orgLine) int {
		return cmp.Or(cmp.Compare(b.o.Total, a.o.Total), cmp.Compare(a.o.Name.ValueString(), b.o.Name.ValueString()), cmp.Compare(a.id, b.id))
	})
	// A gate on one organization names it in the filter; a list of one
	// would say it again.
	if len(orgs) > 0 && org == "" {
		b.WriteString("\nOrganizations with matching AROs, most first:\n")
		for i, l := range orgs {
			if i == gateOrgsListed {
				var rest int64
				for _, r := range orgs[i:] {
					rest += r.o.Total
				}
				fmt.Fprintf(&b, "  and %d more (%s)\n", len(orgs)-i, countOf(rest, "ARO"))
				break
			}
			name := l.o.Name.ValueString()
			if l.o.Name.IsNull() {
				name = l.id + " (not in the organization list)"
			}
			fmt.Fprintf(&b, "  - %s: %d (%s)\n", name, l.o.Total, severitiesInWords(l.o.SeverityCounts))
		}
	}
	if u := m.Unassigned; u.Total > 0 {
		fmt.Fprintf(&b, "\nWithout an organization in the list: %d (%s).\n", u.Total, severitiesInWords(u.SeverityCounts))
	}

	if !m.OldestCreationTime.IsNull() {
		oldest := m.OldestCreationTime.ValueString()
		age := "age unknown"
		if t, err := time.Parse(time.RFC3339Nano, oldest); err == nil {
			age = ageInWords(now.Sub(t))
		}
		fmt.Fprintf(&b, "\nOldest: created %s, %s.\n", oldest, age)
	}
	if m.WithoutCreation > 0 {
		fmt.Fprintf(&b, "\nWithout a creation time (age unknown): %d.\n", m.WithoutCreation)
	}
	in := ""
	if org != "" {
		in = " in " + org
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("max_total"),
		fmt.Sprintf("Compliance gate failed: %s%s, max_total is %d", countOf(m.Total, "matching ARO"), in, maxTotal),
		strings.TrimRight(b.String(), "\n"))
}

// orgInWords names the organization the filter selects ("" for none) by
// the summary's organizations, which then have its entry only (the summary
// counts the filtered organization alone): its name, or its ID when it is
// not in the organization list.
func (q aroQuery) orgInWords(orgs map[string]orgSummaryModel) string {
	if q.Org == "" && q.OrganizationID == "" {
		return ""
	}
	name := cmp.Or(q.OrganizationID, q.Org)
	for id, o := range orgs {
		name = id
		if !o.Name.IsNull() {
			name = o.Name.ValueString()
		}
	}
	return name
}

// severitiesInWords lists the non-zero counts of a severity_counts map,
// highest severity first, then undocumented severities by name, then the
// AROs without one.
func severitiesInWords(counts map[string]int64) string {
	var parts []string
	for _, sev := range slices.Backward(aroSeverities) {
		if n := counts[sev]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	for _, sev := range slices.Sorted(maps.Keys(counts)) {
		if n := counts[sev]; n > 0 && sev != noValueKey && !slices.Contains(aroSeverities, sev) {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	if n := counts[noValueKey]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d without a severity", n))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// ageInWords is how long ago d was, in days and hours (hours and minutes
// when under a day).
func ageInWords(d time.Duration) string {
	if d < 0 {
		return "in the future by this machine's clock"
	}
	days, hours, minutes := int64(d/(24*time.Hour)), int64(d/time.Hour)%24, int64(d/time.Minute)%60
	switch {
	case days > 0:
		return countOf(days, "day") + " " + countOf(hours, "hour") + " ago"
	case hours > 0:
		return countOf(hours, "hour") + " " + countOf(minutes, "minute") + " ago"
	default:
		return countOf(minutes, "minute") + " ago"
	}
}

// countOf is "1 ARO", "2 AROs".
func countOf(n int64, what string) string {
	return fmt.Sprintf("%d %s", n, plural(int(n), what, what+"s"))
}

// ephemeralAttributes are data source attributes as the attributes of an
// ephemeral resource, for an ephemeral resource that returns what a data
// source does: its schema then has one definition, descriptions and
// validators included. The framework's two attribute kinds have the same
// fields; a kind this provider does not use is an error (caught by the
// schema's tests), never dropped.
func ephemeralAttributes(in map[string]dsschema.Attribute) (map[string]schema.Attribute, error) {
	out := make(map[string]schema.Attribute, len(in))
	for _, name := range slices.Sorted(maps.Keys(in)) {
		a, err := ephemeralAttribute(in[name])
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", name, err)
		}
		out[name] = a
	}
	return out, nil
}

func ephemeralAttribute(a dsschema.Attribute) (schema.Attribute, error) {
	switch a := a.(type) {
	case dsschema.StringAttribute:
		return schema.StringAttribute(a), nil
	case dsschema.Int64Attribute:
		return schema.Int64Attribute(a), nil
	case dsschema.MapAttribute:
		return schema.MapAttribute(a), nil
	case dsschema.SingleNestedAttribute:
		attrs, err := ephemeralAttributes(a.Attributes)
		if err != nil {
			return nil, err
		}
		return schema.SingleNestedAttribute{
			Attributes: attrs, CustomType: a.CustomType,
			Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
			Description: a.Description, MarkdownDescription: a.MarkdownDescription,
			DeprecationMessage: a.DeprecationMessage, Validators: a.Validators,
		}, nil
	default:
		return nil, fmt.Errorf("a %T has no ephemeral counterpart here", a)
	}
}
