package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/provider/fastread"
)

// aroCollector keeps each ARO handed to it, in the form one read path needs;
// the i-th call to Add is item i.
type aroCollector interface {
	Add(a *covalence.ARO) error
}

var (
	_ aroCollector = (*tfCollector)(nil)
	_ aroCollector = (*fastread.Items[covalence.ARO])(nil)
)

// tfCollector builds tftypes values (the framework path).
type tfCollector struct {
	elem *fastread.Type
	vals []tftypes.Value
}

func (c *tfCollector) Add(a *covalence.ARO) error {
	v, err := fastread.Value(c.elem, func(w fastread.Writer) { aroMapping.write(a, w) })
	c.vals = append(c.vals, v)
	return err
}

// newAROItems encodes each ARO to msgpack as it arrives (the fast path): the
// decoded page can be dropped at once, and only the encoded bytes are kept.
func newAROItems(elem *fastread.Type) *fastread.Items[covalence.ARO] {
	return fastread.NewItems(elem, aroMapping.write)
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
			if !in.includeDetails {
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
