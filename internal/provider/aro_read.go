package provider

import (
	"context"
	"fmt"
	"sort"
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
	severity string
}

type aroResult struct {
	order   []int            // items to return, newest first, after limit
	counts  map[string]int64 // severity -> AROs in order
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
			sev := ""
			if a.Severity != nil {
				sev = *a.Severity
			}
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
	res.matched = len(recs)
	if st.Stopped && st.Total > res.matched {
		res.matched = st.Total
	}
	if in.limit > 0 && int64(res.matched) > in.limit {
		if int64(len(res.order)) > in.limit {
			res.order = res.order[:in.limit]
		}
		diags.AddAttributeWarning(path.Root("limit"), "Result cut by limit",
			fmt.Sprintf("%d AROs matched; limit = %d keeps the %d newest. total and severity_counts count the AROs returned. Raise or remove limit to see them all.",
				res.matched, in.limit, len(res.order)))
	}
	res.counts = make(map[string]int64, len(aroSeverities))
	for _, s := range aroSeverities {
		res.counts[s] = 0
	}
	for _, i := range res.order {
		if s := recs[i].severity; s != "" {
			res.counts[s]++
		}
	}
	return res, diags
}
