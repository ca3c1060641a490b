package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

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
