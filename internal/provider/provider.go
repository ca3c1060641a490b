package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// Environment variables read by the provider.
const (
	EnvAPIKey              = "COVALENCE_API_KEY"
	EnvBaseURL             = "COVALENCE_BASE_URL"
	EnvProviderID          = "COVALENCE_PROVIDER_ID"
	EnvMaxRetries          = "COVALENCE_MAX_RETRIES"
	EnvRequestTimeout      = "COVALENCE_REQUEST_TIMEOUT"
	EnvMaxParallelRequests = "COVALENCE_MAX_PARALLEL_REQUESTS"
	EnvRequestsPerSecond   = "COVALENCE_REQUESTS_PER_SECOND"
)

// rateLimitTimeout is how long the portal may refuse every request before
// reads fail (covalence.DefaultRateLimitTimeout). Tests shorten it; it is not
// a setting, so that a rate-limited run always ends within this bound.
var rateLimitTimeout = covalence.DefaultRateLimitTimeout

var _ provider.Provider = (*covalenceProvider)(nil)
var _ provider.ProviderWithFunctions = (*covalenceProvider)(nil)
var _ provider.ProviderWithEphemeralResources = (*covalenceProvider)(nil)

type covalenceProvider struct {
	version string
	// configured is what Configure built; the fast read path reads it.
	configured atomic.Pointer[providerData]
}

// New returns a provider factory for the framework.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &covalenceProvider{version: version} }
}

type providerModel struct {
	APIKey              types.String  `tfsdk:"api_key"`
	BaseURL             types.String  `tfsdk:"base_url"`
	ProviderID          types.String  `tfsdk:"provider_id"`
	MaxRetries          types.Int64   `tfsdk:"max_retries"`
	RequestTimeout      types.String  `tfsdk:"request_timeout"`
	MaxParallelRequests types.Int64   `tfsdk:"max_parallel_requests"`
	RequestsPerSecond   types.Float64 `tfsdk:"requests_per_second"`
	CACertPEM           types.String  `tfsdk:"ca_cert_pem"`
	InsecureSkipVerify  types.Bool    `tfsdk:"insecure_skip_verify"`
	ProxyURL            types.String  `tfsdk:"proxy_url"`
}

// providerData is what data sources and ephemeral resources receive from Configure.
type providerData struct {
	client  *covalence.Client
	msspRef string // provider_id as configured: an ID, a name, or "" for the key's first MSSP provider
	log     tflogLogger
	// rateLimitWarned is set once a read of this configuration has warned
	// that it waited on rate limits.
	rateLimitWarned atomic.Bool
}

func (p *covalenceProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "covalence"
	resp.Version = p.version
}

func (p *covalenceProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads organizations and AROs (Actions, Recommendations, Observations) from Field Effect's " +
			"Covalence Managed Security portal (the FES Portal API). Every attribute can also come from an environment variable.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "FES Portal API key, sent as `Authorization: Bearer …`. May also be set with the `" + EnvAPIKey + "` environment variable. Required in one of the two places.",
				Optional:            true,
				Sensitive:           true,
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the FES Portal API: an absolute `http://` or `https://` URL (a trailing slash is fine). May also be set with `" + EnvBaseURL + "`. Defaults to `" + covalence.DefaultBaseURL + "`.",
				Optional:            true,
				Validators:          []validator.String{baseURLValidator{}},
			},
			"provider_id": schema.StringAttribute{
				MarkdownDescription: "The MSSP provider to act as, by its ID or its exact name (looked up with `GET providers`). May also be set with `" + EnvProviderID + "`. Defaults to the first provider the API key belongs to (`GET my_providers`).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request is retried after HTTP 500, 502, 503 (without `Retry-After`), 504 or a dropped connection, with exponential backoff and jitter that honours `Retry-After`. `0` disables these retries. Rate limiting (HTTP 429, or 503 with `Retry-After`) does not use them up: the provider slows down and tries again, and fails only when the portal has refused every request for 2 minutes. From `0` to `20`. May also be set with `" + EnvMaxRetries + "`. Defaults to `" + strconv.Itoa(covalence.DefaultMaxRetries) + "`.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 20)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit for each HTTP request, as a Go duration (`\"30s\"`, `\"2m\"`) from `\"100ms\"` to `\"1h\"`. May also be set with `" + EnvRequestTimeout + "`. Defaults to `\"30s\"`.",
				Optional:            true,
				Validators:          []validator.String{durationValidator{}},
			},
			"max_parallel_requests": schema.Int64Attribute{
				MarkdownDescription: "The most requests in flight to the portal at once, across every data source of this provider configuration (ARO pages of one read are fetched in parallel within this budget; reads take turns). When the portal answers HTTP 429, the provider lowers its own limit below this and raises it back step by step. From `1` to `64`. May also be set with `" + EnvMaxParallelRequests + "`. Defaults to `" + strconv.Itoa(covalence.DefaultMaxParallel) + "`.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 64)},
			},
			"requests_per_second": schema.Float64Attribute{
				MarkdownDescription: "The most requests per second sent to the portal, across every data source of this provider configuration, evenly spaced (e.g. `20`, or `0.5` for one every two seconds): set it to the portal's rate limit when it is known. From `0.01` to `10000`. May also be set with `" + EnvRequestsPerSecond + "`. Unset means no client-side rate; the provider still slows down when the portal answers HTTP 429.",
				Optional:            true,
				Validators:          []validator.Float64{float64validator.Between(minRequestsPerSecond, maxRequestsPerSecond)},
			},
			"ca_cert_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificate(s) to trust in addition to the system's, e.g. for a TLS-inspecting proxy.",
				Optional:            true,
			},
			"insecure_skip_verify": schema.BoolAttribute{
				MarkdownDescription: "Skip TLS certificate verification. Defaults to `false`; `true` gives a warning, as anyone on the path can then read the API key.",
				Optional:            true,
			},
			"proxy_url": schema.StringAttribute{
				MarkdownDescription: "HTTP(S) proxy for every request. Without it, `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` are honoured (read at each request).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

// unknownHint is the framework's guidance for provider configuration that
// is unknown at plan time.
func unknownHint(env string) string {
	s := "The value depends on something not known until apply. Either apply the source of the value first " +
		"(-target), set the value statically in the configuration"
	if env != "" {
		s += ", or use the " + env + " environment variable"
	}
	return s + "."
}

func (p *covalenceProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}

	unknown := map[string]struct {
		unknown bool
		env     string
	}{
		"api_key":               {m.APIKey.IsUnknown(), EnvAPIKey},
		"base_url":              {m.BaseURL.IsUnknown(), EnvBaseURL},
		"provider_id":           {m.ProviderID.IsUnknown(), EnvProviderID},
		"max_retries":           {m.MaxRetries.IsUnknown(), EnvMaxRetries},
		"request_timeout":       {m.RequestTimeout.IsUnknown(), EnvRequestTimeout},
		"max_parallel_requests": {m.MaxParallelRequests.IsUnknown(), EnvMaxParallelRequests},
		"requests_per_second":   {m.RequestsPerSecond.IsUnknown(), EnvRequestsPerSecond},
		"ca_cert_pem":           {m.CACertPEM.IsUnknown(), ""},
		"insecure_skip_verify":  {m.InsecureSkipVerify.IsUnknown(), ""},
		"proxy_url":             {m.ProxyURL.IsUnknown(), ""},
	}
	for _, name := range slices.Sorted(maps.Keys(unknown)) {
		if u := unknown[name]; u.unknown {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown value for "+name, unknownHint(u.env))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	cfg := covalence.Config{
		APIKey:    stringOrEnv(m.APIKey, EnvAPIKey),
		BaseURL:   stringOrEnv(m.BaseURL, EnvBaseURL),
		UserAgent: fmt.Sprintf("terraform-provider-covalence/%s (+https://registry.terraform.io/providers/covalence-oss/covalence) Terraform/%s", p.version, req.TerraformVersion),
		CACertPEM: m.CACertPEM.ValueString(),
		ProxyURL:  m.ProxyURL.ValueString(),

		RateLimitTimeout: rateLimitTimeout,
	}
	if cfg.APIKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing API key",
			"Set the provider attribute api_key or the "+EnvAPIKey+" environment variable to an FES Portal API key.")
	} else if strings.IndexFunc(cfg.APIKey, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Invalid API key",
			"api_key (or "+EnvAPIKey+") contains a space or a control character, which an HTTP header cannot carry. Check how the key is read (e.g. a file with a line break inside).")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = covalence.DefaultBaseURL
	}
	if _, err := covalence.ParseBaseURL(cfg.BaseURL); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid base_url",
			fmt.Sprintf("base_url (or %s): %v", EnvBaseURL, err))
	}

	retries, ok := int64OrEnv(m.MaxRetries, EnvMaxRetries, 0, 20, covalence.DefaultMaxRetries, &resp.Diagnostics, "max_retries")
	if ok {
		cfg.MaxRetries = new(int(retries))
	}
	parallel, ok := int64OrEnv(m.MaxParallelRequests, EnvMaxParallelRequests, 1, 64, covalence.DefaultMaxParallel, &resp.Diagnostics, "max_parallel_requests")
	if ok {
		cfg.MaxParallel = int(parallel)
	}
	cfg.RequestsPerSecond = float64OrEnv(m.RequestsPerSecond, EnvRequestsPerSecond, &resp.Diagnostics, "requests_per_second")
	if t := stringOrEnv(m.RequestTimeout, EnvRequestTimeout); t != "" {
		d, err := parseTimeout(t)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("request_timeout (or %s): %v", EnvRequestTimeout, err))
		}
		cfg.RequestTimeout = d
	}
	if m.InsecureSkipVerify.ValueBool() {
		cfg.InsecureSkipVerify = true
		resp.Diagnostics.AddAttributeWarning(path.Root("insecure_skip_verify"), "TLS verification is off",
			"insecure_skip_verify = true: the portal's certificate is not checked, so anyone on the network path can read the API key and the data. Use ca_cert_pem to trust a private CA instead.")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	apiKey := cfg.APIKey
	cfg.WrapTransport = func(next http.RoundTripper) http.RoundTripper {
		return newLoggingTransport(next, apiKey)
	}
	logger := tflogLogger{secret: apiKey}
	cfg.Logger = logger
	client, err := covalence.New(cfg)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(configErrorAttribute(err)), "Invalid provider configuration", err.Error())
		return
	}
	pd := &providerData{client: client, msspRef: stringOrEnv(m.ProviderID, EnvProviderID), log: logger}
	p.configured.Store(pd)
	resp.DataSourceData = pd
	resp.EphemeralResourceData = pd
	tflog.Debug(ctx, "covalence provider configured", map[string]any{
		"base_url": cfg.BaseURL, "max_retries": retries, "max_parallel_requests": cfg.MaxParallel,
		"requests_per_second": cfg.RequestsPerSecond, "request_timeout": cfg.RequestTimeout.String(),
	})
}

// stringOrEnv takes the attribute, else the environment variable, trimmed
// of surrounding white space (e.g. the line break of a key read with file()).
func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return strings.TrimSpace(v.ValueString())
	}
	return strings.TrimSpace(os.Getenv(env))
}

// configErrorAttribute names the attribute a *covalence.ConfigError is about.
func configErrorAttribute(err error) string {
	var ce *covalence.ConfigError
	if errors.As(err, &ce) {
		switch ce.Field {
		case "BaseURL":
			return "base_url"
		case "CACertPEM":
			return "ca_cert_pem"
		case "ProxyURL":
			return "proxy_url"
		}
	}
	return "api_key"
}

// Bounds of requests_per_second.
const (
	minRequestsPerSecond = 0.01
	maxRequestsPerSecond = 10000
)

// float64OrEnv takes requests_per_second from the attribute, else the
// environment variable; 0 means unset.
func float64OrEnv(v types.Float64, env string, diags *diag.Diagnostics, attr string) float64 {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueFloat64()
	}
	raw := strings.TrimSpace(os.Getenv(env))
	if raw == "" {
		return 0
	}
	n, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(n) || n < minRequestsPerSecond || n > maxRequestsPerSecond {
		diags.AddAttributeError(path.Root(attr), "Invalid "+env,
			fmt.Sprintf("%s=%q: %s must be a number from %g to %g.", env, raw, attr, float64(minRequestsPerSecond), float64(maxRequestsPerSecond)))
		return 0
	}
	return n
}

// int64OrEnv takes the attribute, else the environment variable, else def.
func int64OrEnv(v types.Int64, env string, lo, hi, def int64, diags *diag.Diagnostics, attr string) (int64, bool) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueInt64(), true
	}
	raw := strings.TrimSpace(os.Getenv(env))
	if raw == "" {
		return def, true
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < lo || n > hi {
		diags.AddAttributeError(path.Root(attr), "Invalid "+env,
			fmt.Sprintf("%s=%q: %s must be a whole number from %d to %d.", env, raw, attr, lo, hi))
		return 0, false
	}
	return n, true
}

func parseTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as \"30s\" or \"2m\"", s)
	}
	if d < 100*time.Millisecond || d > time.Hour {
		return 0, fmt.Errorf("%q must be between 100ms and 1h", s)
	}
	return d, nil
}

func (p *covalenceProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *covalenceProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newOrgsDataSource,
		newArosDataSource,
		newAroDataSource,
		newOrgDataSource,
		newAroSummaryDataSource,
		newProvidersDataSource,
	}
}

// EphemeralResources are the ephemeral resources (Terraform 1.10 and later,
// OpenTofu 1.11 and later): results kept out of state and plan.
func (p *covalenceProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		newAroSummaryEphemeralResource,
	}
}

// Functions are the provider-defined functions (Terraform 1.8 and later).
func (p *covalenceProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		newSeverityRankFunction,
		newSeverityAtLeastFunction,
	}
}
