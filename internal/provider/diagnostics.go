package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// notConfigured is the diagnostic for a read before the provider was configured.
func notConfigured() diag.Diagnostic {
	return diag.NewErrorDiagnostic("Provider not configured",
		"The covalence provider has no client: it was not configured before this data source or ephemeral resource was read. "+
			"Check the provider block (api_key / "+EnvAPIKey+") and any earlier errors.")
}

// apiErrorDiag turns a client error into a diagnostic a user can act on.
// what names the operation ("reading AROs").
func apiErrorDiag(what string, err error) diag.Diagnostic {
	summary := "FES Portal error while " + what
	detail := err.Error()
	var rl *covalence.RateLimitError
	var ae *covalence.APIError
	var te *covalence.TransportError
	var de *covalence.DecodeError
	var pe *covalence.PagingError
	switch {
	case errors.As(err, &rl):
		summary = "Rate limited by the FES Portal"
		detail += ". The provider slows down and retries when the portal answers HTTP 429; it gives up only when the portal " +
			"has refused every request for that long. Lower max_parallel_requests (requests in flight at once for this provider " +
			"configuration) or set requests_per_second to the portal's rate limit."
	case errors.As(err, &ae):
		switch {
		case ae.StatusCode == http.StatusUnauthorized:
			summary = "The API key was refused"
			detail += ". Check api_key or the " + EnvAPIKey + " environment variable."
		case ae.StatusCode == http.StatusForbidden:
			summary = "The API key lacks access"
			detail += ". The key is valid but not allowed this request; check provider_id and the key's permissions."
		case ae.StatusCode == http.StatusTooManyRequests:
			summary = "Rate limited by the FES Portal"
			detail += ". The portal asked for a longer wait than the provider waits for; try again later, " +
				"lower max_parallel_requests or set requests_per_second."
		case ae.StatusCode >= 500:
			summary = fmt.Sprintf("FES Portal server error (HTTP %d) while %s", ae.StatusCode, what)
		}
	case errors.As(err, &te):
		summary = "Could not reach the FES Portal while " + what
		detail += ". Check base_url, proxies and request_timeout."
	case errors.As(err, &de):
		summary = "Undecodable answer from the FES Portal while " + what
	case errors.As(err, &pe):
		summary = "Inconsistent pagination from the FES Portal while " + what
		detail += ". The read was stopped rather than return a partial or looping result; try again."
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		summary = "Interrupted while " + what
	}
	return diag.NewErrorDiagnostic(summary, detail)
}
