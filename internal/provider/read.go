package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/provider/fastread"
)

// rateLimitWarnAfter is how long a read may wait on rate limits before the
// provider configuration gets its one warning suggesting requests_per_second
// (a variable for tests).
var rateLimitWarnAfter = 10 * time.Second

// msspID resolves the MSSP provider to act as (cached by the client).
func (pd *providerData) msspID(ctx context.Context) (string, error) {
	p, err := pd.client.ResolveProvider(ctx, pd.msspRef)
	if err != nil {
		return "", err
	}
	return p.ID, nil
}

// organizations resolves the MSSP provider and lists its organizations (one
// request per provider configuration, shared by every data source).
func (pd *providerData) organizations(ctx context.Context) (string, []covalence.Organization, diag.Diagnostics) {
	var diags diag.Diagnostics
	pid, err := pd.msspID(ctx)
	if err != nil {
		diags.Append(apiErrorDiag("resolving the MSSP provider", err))
		return "", nil, diags
	}
	orgs, err := pd.client.Organizations(ctx, pid)
	if err != nil {
		diags.Append(apiErrorDiag("listing organizations", err))
	}
	return pid, orgs, diags
}

// portalQuery resolves the names in q (the MSSP provider, and org when set)
// and gives the MSSP provider's ID and the portal's filter. The caller sets
// PageSize and Want.
func (pd *providerData) portalQuery(ctx context.Context, q aroQuery) (string, covalence.AROQuery, diag.Diagnostics) {
	var diags diag.Diagnostics
	cq := q.AROQuery
	pid, err := pd.msspID(ctx)
	if err != nil {
		diags.Append(apiErrorDiag("resolving the MSSP provider", err))
		return "", cq, diags
	}
	if q.Org != "" {
		orgs, err := pd.client.Organizations(ctx, pid)
		if err != nil {
			diags.Append(apiErrorDiag("listing organizations to resolve org", err))
			return pid, cq, diags
		}
		o, err := covalence.ResolveOrg(orgs, q.Org)
		if err != nil {
			diags.AddAttributeError(q.source("org"), "Unknown organization", err.Error())
			return pid, cq, diags
		}
		cq.OrganizationID = o.ID
	}
	return pid, cq, diags
}

// readARO is the read of covalence_aro: the id of cfg sent as the portal's
// id filter, and the ARO with that ID. The client hands over only AROs with
// that ID, whatever the portal sends; a portal that ignores id costs more
// pages and a warning. An ID that matches no ARO is an error on id.
func (pd *providerData) readARO(ctx context.Context, cfg tfsdk.Config) (*covalence.ARO, diag.Diagnostics) {
	var diags diag.Diagnostics
	if pd == nil {
		diags.Append(notConfigured())
		return nil, diags
	}
	var id types.String
	diags.Append(cfg.GetAttribute(ctx, path.Root("id"), &id)...)
	if diags.HasError() {
		return nil, diags
	}
	pid, err := pd.msspID(ctx)
	if err != nil {
		diags.Append(apiErrorDiag("resolving the MSSP provider", err))
		return nil, diags
	}
	want := id.ValueString()
	var found *covalence.ARO
	st, err := pd.client.StreamAROs(ctx, pid, covalence.AROQuery{ID: want}, func(items []covalence.ARO) (bool, error) {
		found = &items[0]
		return true, nil
	})
	if err != nil {
		diags.Append(apiErrorDiag("reading ARO "+want, err))
		return nil, diags
	}
	diags.Append(unappliedFilterWarning(st)...)
	if found == nil {
		diags.AddAttributeError(path.Root("id"), "ARO not found",
			fmt.Sprintf("No ARO with ID %q is visible to the MSSP provider %s.", want, pid))
	}
	return found, diags
}

// readKind is what a tracked read serves, as its log line names it.
type readKind struct{ message, field string }

var (
	readDataSource = readKind{"data source read: requests", "data_source"}
	openEphemeral  = readKind{"ephemeral resource open: requests", "ephemeral_resource"}
)

// trackRead marks ctx as one read (a data source read, or the opening of an
// ephemeral resource) for the client's request scheduler (reads take turns
// within the configuration's request budget). The returned end logs what
// the read cost at DEBUG (covalence_http) and gives, once per provider
// configuration, a warning when the read waited more than
// rateLimitWarnAfter on the portal's rate limits.
//
// server.go calls it around every data source read, fast path or not, and
// every opening of an ephemeral resource, so neither needs anything to take
// part.
func (pd *providerData) trackRead(ctx context.Context, kind readKind, typeName string) (context.Context, func() diag.Diagnostics) {
	ctx, rd := covalence.StartRead(ctx)
	start := time.Now()
	return ctx, func() diag.Diagnostics {
		st := rd.Stats()
		pd.log.Debug(ctx, kind.message, map[string]any{
			kind.field:           typeName,
			"requests":           st.Requests,
			"retries":            st.Retries,
			"rate_limited":       st.RateLimited,
			"wait_ms":            st.Waited.Milliseconds(),
			"rate_limit_wait_ms": st.RateLimitWait.Milliseconds(),
			"duration_ms":        time.Since(start).Milliseconds(),
		})
		if st.RateLimitWait <= rateLimitWarnAfter || !pd.rateLimitWarned.CompareAndSwap(false, true) {
			return nil
		}
		var diags diag.Diagnostics
		diags.AddWarning("Slowed down by the FES Portal's rate limits",
			fmt.Sprintf("This %s read waited %s on the portal's rate limits (%d of its %d requests were refused with HTTP 429 or 503). "+
				"If the portal's limit is known, set requests_per_second (or %s) to it, so that requests are spaced "+
				"instead of refused; max_parallel_requests bounds the requests in flight. This warning is given once per provider configuration.",
				typeName, st.RateLimitWait.Round(time.Second), st.RateLimited, st.Requests, EnvRequestsPerSecond))
		return diags
	}
}

// readAROs is the one read of covalence_aros from the configuration to the
// client, whichever encoder serves it (arosDataSource.Read, fastReadAROs in
// server.go): the configuration into arosModel, its typed inputs and the
// shape each ARO is written in (aros, or items when fields is set), the
// query handing each kept ARO to the collector newCol makes for that shape,
// and every top-level attribute but the shape's. The caller writes that one
// from the collector's items in order. Both encoders write the AROs through
// the one mapping (aro_mapping.go), so both give the same state.
func (pd *providerData) readAROs(ctx context.Context, config tfsdk.Config, root *fastread.Type, newCol func(aroShape) aroCollector) (vals map[string]tftypes.Value, shape aroShape, order []int, diags diag.Diagnostics) {
	if pd == nil {
		diags.Append(notConfigured())
		return nil, shape, nil, diags
	}
	var m arosModel
	diags.Append(config.Get(ctx, &m)...)
	if diags.HasError() {
		return nil, shape, nil, diags
	}
	in, d := m.inputs(ctx, nowFunc())
	diags.Append(d...)
	if diags.HasError() {
		return nil, shape, nil, diags
	}
	shape = in.shape(root)
	res, d := pd.queryAROs(ctx, in, newCol(shape))
	diags.Append(d...)
	if diags.HasError() {
		return nil, shape, nil, diags
	}
	vals, err := arosStateValues(config.Raw, root, in, shape, res)
	if err != nil {
		diags.AddError("Internal error", "building the covalence_aros state: "+err.Error())
		return nil, shape, nil, diags
	}
	return vals, shape, res.order, diags
}

// readAROSummary is the read of a summary, for the data source and the
// ephemeral resource: the filter of cfg turned into the portal's query, the
// AROs streamed and counted (summaryCounter). It gives the model (filter,
// id and counts) and the typed query it ran.
func (pd *providerData) readAROSummary(ctx context.Context, cfg tfsdk.Config) (aroSummaryModel, aroQuery, diag.Diagnostics) {
	var m aroSummaryModel
	filter, _, diags := readAROFilter(ctx, cfg)
	if diags.HasError() {
		return m, aroQuery{}, diags
	}
	q, qd := filter.typedQuery(summaryFilterScope, types.StringNull(), nowFunc())
	diags.Append(qd...)
	if diags.HasError() {
		return m, q, diags
	}
	pid, cq, qd := pd.portalQuery(ctx, q)
	diags.Append(qd...)
	if diags.HasError() {
		return m, q, diags
	}
	orgs, err := pd.client.Organizations(ctx, pid)
	if err != nil {
		diags.Append(apiErrorDiag("listing organizations", err))
		return m, q, diags
	}

	c := newSummaryCounter(orgs, cq.OrganizationID)
	st, err := pd.client.StreamAROSummaries(ctx, pid, cq, func(items []covalence.AROSummaryItem) (bool, error) {
		for i := range items {
			if q.keeps(items[i].Severity) {
				c.add(&items[i])
			}
		}
		return false, nil
	})
	if err != nil {
		diags.Append(apiErrorDiag("reading AROs", err))
		return m, q, diags
	}
	diags.Append(unappliedFilterWarning(st)...)

	m = c.model()
	m.aroFilterModel = filter
	m.ID = types.StringValue(stableID(q.idInputs()))
	return m, q, diags
}

// aroCollector keeps each ARO handed to it, in the form one read path needs;
// the i-th call to Add is item i.
type aroCollector interface {
	Add(a *covalence.ARO) error
}

var (
	_ aroCollector = (*tfCollector)(nil)
	_ aroCollector = (*fastread.Items[covalence.ARO])(nil)
)

// aroShape is what each ARO of one covalence_aros read is written as: the
// attribute holding the list (aros, or items), the list's element type and
// the mapping that writes an element.
type aroShape struct {
	attr  string
	elem  *fastread.Type
	write func(a *covalence.ARO, w fastread.Writer)
}

// tfCollector builds tftypes values (the framework path).
type tfCollector struct {
	shape aroShape
	vals  []tftypes.Value
}

func (c *tfCollector) Add(a *covalence.ARO) error {
	v, err := fastread.Value(c.shape.elem, func(w fastread.Writer) { c.shape.write(a, w) })
	c.vals = append(c.vals, v)
	return err
}

// newAROItems encodes each ARO to msgpack as it arrives (the fast path): the
// decoded page can be dropped at once, and only the encoded bytes of the
// attributes asked for are kept.
func newAROItems(s aroShape) *fastread.Items[covalence.ARO] {
	return fastread.NewItems(s.elem, s.write)
}

// aroRecord is what ordering, limiting and counting need of an ARO.
type aroRecord struct {
	created  time.Time
	hasTime  bool
	id       string
	severity string // valueKey of the severity
}

type aroResult struct {
	order   []int            // items to return, newest first, after limit
	counts  map[string]int64 // severity (noValueKey for null) -> AROs in order
	matched int              // AROs that matched before limit
}

// limitReached reports whether more AROs can no longer change the newest
// limit: the portal sends newest first, so once the last ARO received is
// strictly older than the limit-th newest so far, the rest are older still.
// Ties on creation_time (ordered by ID here, perhaps not by the portal) and
// AROs without a time keep the read going.
func limitReached(recs []aroRecord, limit int64) bool {
	if int64(len(recs)) < limit {
		return false
	}
	last := recs[len(recs)-1]
	if !last.hasTime {
		return false
	}
	times := make([]time.Time, 0, len(recs))
	for _, r := range recs {
		if r.hasTime {
			times = append(times, r.created)
		}
	}
	if int64(len(times)) < limit {
		return false
	}
	sort.Slice(times, func(i, j int) bool { return times[i].After(times[j]) })
	return last.created.Before(times[limit-1])
}

// queryAROs runs one covalence_aros read and hands every kept ARO to col. It
// is shared by the framework path and the fast path.
func (pd *providerData) queryAROs(ctx context.Context, in aroInputs, col aroCollector) (aroResult, diag.Diagnostics) {
	var res aroResult
	pid, q, diags := pd.portalQuery(ctx, in.query)
	if diags.HasError() {
		return res, diags
	}

	// Without a client-side filter the portal's total is the match count, so
	// a limit can stop paging early.
	earlyStop := in.limit > 0 && in.query.MinSeverity == ""
	if earlyStop {
		q.PageSize = int(min(in.limit, covalence.PageLimit))
		q.Want = int(in.limit)
	}
	var recs []aroRecord
	var mapErr error
	st, err := pd.client.StreamAROs(ctx, pid, q, func(items []covalence.ARO) (bool, error) {
		for i := range items {
			a := &items[i]
			if !in.query.keeps(a.Severity) {
				continue
			}
			sev := valueKey(a.Severity)
			if !in.includeDetails && in.fields == nil {
				a.Details, a.DetailsMarkdown = nil, nil
			}
			if err := col.Add(a); err != nil {
				mapErr = err
				return true, err
			}
			rec := aroRecord{id: a.ID, severity: sev}
			if a.CreationTime != nil {
				rec.created, rec.hasTime = covalence.ParsePortalTime(*a.CreationTime)
			}
			recs = append(recs, rec)
		}
		return earlyStop && limitReached(recs, in.limit), nil
	})
	if mapErr != nil {
		diags.AddError("Internal mapping error", fmt.Sprintf("%v. This is a bug in the provider; please report it.", mapErr))
		return res, diags
	}
	if err != nil {
		diags.Append(apiErrorDiag("reading AROs", err))
		return res, diags
	}

	res.order = make([]int, len(recs))
	for i := range res.order {
		res.order[i] = i
	}
	sort.SliceStable(res.order, func(i, j int) bool {
		a, b := &recs[res.order[i]], &recs[res.order[j]]
		if a.hasTime != b.hasTime {
			return a.hasTime
		}
		if !a.created.Equal(b.created) {
			return a.created.After(b.created)
		}
		return a.id < b.id
	})
	diags.Append(unappliedFilterWarning(st)...)
	res.matched = len(recs)
	// A read stopped early knows the match count from the portal's total,
	// unless the portal sent AROs outside the filter: then its total counts
	// those too, and only a lower bound is known.
	matched := fmt.Sprint(res.matched)
	if st.Stopped && st.Dropped > 0 {
		matched = "At least " + matched
	} else if st.Stopped && st.Total > res.matched {
		res.matched = st.Total
		matched = fmt.Sprint(res.matched)
	}
	if in.limit > 0 && int64(res.matched) > in.limit {
		if int64(len(res.order)) > in.limit {
			res.order = res.order[:in.limit]
		}
		diags.AddAttributeWarning(path.Root("limit"), "Result cut by limit",
			fmt.Sprintf("%s AROs matched; limit = %d keeps the %d newest. total and severity_counts count the AROs returned. Raise or remove limit to see them all.",
				matched, in.limit, len(res.order)))
	}
	res.counts = zeroCounts(aroSeverities)
	for _, i := range res.order {
		res.counts[recs[i].severity]++
	}
	return res, diags
}

// unappliedFilterWarning is the one warning of a read whose portal sent AROs
// outside the filter (the pager checks each one and drops them: see
// covalence.PageStats.Dropped); none when it sent only matching AROs.
func unappliedFilterWarning(st covalence.PageStats) diag.Diagnostics {
	var diags diag.Diagnostics
	if st.Dropped == 0 {
		return diags
	}
	what, it := "parameter "+st.Unapplied[0], "it"
	if len(st.Unapplied) > 1 {
		what, it = "parameters "+strings.Join(st.Unapplied, ", "), "them"
	}
	diags.AddWarning("The FES Portal did not apply the filter",
		fmt.Sprintf("The portal did not apply the query %s: it returned %d AROs that do not match %s. "+
			"The provider checks every ARO it receives against the filter and dropped those %d, so this answer is right, "+
			"but the read fetched more than it needed (%d AROs received, %d kept). "+
			"A proxy that drops query parameters, or a portal that names them differently, does this.",
			what, st.Dropped, it, st.Dropped, st.Distinct, st.Distinct-st.Dropped))
	return diags
}
