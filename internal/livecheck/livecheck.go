// Package livecheck checks a real FES Portal against the contract the
// provider is written to (internal/covalence/CONTRACT.md): a read-only
// conformance check that sends GET requests only, paced and bounded, chooses
// its probes from what the portal returns, and reports each contract point as
// held, deviated (handled by the provider or not) or not testable, with the
// evidence. Run then drives terraform with the provider against the same
// portal (terraform.go).
//
// It talks plain net/http and encoding/json rather than the provider's client,
// because the probes must see the raw answers (page numbers, refusals, types);
// it decodes what it got into the provider's types (internal/covalence) to
// know whether the provider could read it.
//
// The report never holds the API key, answer bodies, or the personal data of
// contacts: evidence is counts, IDs and statuses, and the Scrubber removes the
// key, every personal value the portal sent, and anything shaped like an
// email address or a phone number.
package livecheck

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// Defaults of Config.
const (
	DefaultRequestsPerSecond = 5
	DefaultMaxRequests       = 80
	DefaultBaseURL           = covalence.DefaultBaseURL
)

// Config is what a check needs. Only APIKey is required.
type Config struct {
	BaseURL    string // default DefaultBaseURL
	APIKey     string
	ProviderID string // "" : the first of GET my_providers, as the provider does
	// RequestsPerSecond paces the check's requests (default 5); the
	// terraform stage gives it to the provider as requests_per_second too.
	RequestsPerSecond float64
	// MaxRequests bounds the check's own requests, refusals included
	// (default 80). The terraform stage's requests are counted apart.
	MaxRequests int
	HTTPClient  *http.Client  // default: a client with a 60 s timeout
	Backoff     time.Duration // first pause after a 429/503 without Retry-After (default 1 s)
	// Terraform, when set, runs the terraform stage after the probes.
	Terraform *TerraformConfig
}

// Page sizes the probes ask for: the public clients' size, and a small one
// that makes a few pages of any estate.
const (
	largePage      = covalence.PageLimit
	smallPage      = 5
	largeWalkPages = 4
	smallWalkPages = 4
)

// Run checks the portal of cfg. The error is for a Config that cannot run;
// whatever the portal does ends up in the Report. The Scrubber knows the
// secrets seen, for Report.Write.
func Run(ctx context.Context, cfg Config) (*Report, *Scrubber, error) {
	if cfg.APIKey == "" {
		return nil, nil, errors.New("no API key (COVALENCE_API_KEY)")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := covalence.ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, nil, fmt.Errorf("base URL: %w", err)
	}
	if cfg.RequestsPerSecond <= 0 {
		cfg.RequestsPerSecond = DefaultRequestsPerSecond
	}
	if cfg.MaxRequests <= 0 {
		cfg.MaxRequests = DefaultMaxRequests
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	scrub := &Scrubber{}
	scrub.Add(cfg.APIKey)
	rep := &Report{
		Tool: "terraform-provider-covalence livecheck", Started: time.Now().UTC(), BaseURL: base.String(),
		RequestsPerSecond: cfg.RequestsPerSecond, MaxRequests: cfg.MaxRequests,
	}
	c := &check{
		cfg: cfg, rep: rep, scrub: scrub,
		g: &getter{base: base, key: cfg.APIKey, hc: cfg.HTTPClient, max: cfg.MaxRequests, backoff: cfg.Backoff, rep: rep,
			pace: rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), 1)},
	}
	start := time.Now()
	c.run(ctx)
	rep.Oddities = c.odd.list()
	c.fieldsPoint()
	c.rateLimitPoint()
	if cfg.Terraform != nil {
		c.terraform(ctx, *cfg.Terraform)
	} else {
		rep.Notes = append(rep.Notes, "The terraform stage was not run (no terraform CLI given).")
	}
	rep.Seconds = time.Since(start).Seconds()
	rep.finish()
	return rep, scrub, nil
}

// aroInfo is one ARO as the probes use it.
type aroInfo struct {
	id, status, resolution, typ, severity, orgID string
	created                                      time.Time
	hasCreated                                   bool
	raw                                          map[string]any
}

// field is the string at a dotted path of the ARO's JSON (organization.ID),
// "" where it is absent, null or not a string.
func (a aroInfo) field(path string) string {
	var v any = a.raw
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

func newAROInfo(m map[string]any) aroInfo {
	s := func(k string) string { v, _ := m[k].(string); return v }
	a := aroInfo{id: s("ID"), status: s("status"), resolution: s("resolution"), typ: s("type"), severity: s("severity"), raw: m}
	if o, ok := m["organization"].(map[string]any); ok {
		a.orgID, _ = o["ID"].(string)
	}
	if t, err := time.Parse(portalTime, s("creation_time")); err == nil {
		a.created, a.hasCreated = t, true
	}
	return a
}

// check is the state of one run: what the probes learnt, for the next ones.
type check struct {
	cfg   Config
	g     *getter
	rep   *Report
	scrub *Scrubber
	odd   oddities
	// checked: the AROs whose fields were checked (each once)
	checked map[string]bool

	provider string
	orgs     []string // organization IDs in the list's order
	orgNames map[string]string

	prefix      []aroInfo // the newest AROs, from the walk with the large page
	firstTotal  int       // total of the first unfiltered answer
	maxTotal    int       // largest unfiltered total seen
	orderHeld   bool      // the walk came newest first
	walkHeld    bool      // the walk's pagination held
	aroAnswered bool      // an unfiltered ARO page was read

	tf tfFacts // what the terraform stage reads and expects
}

// failed reports whether a probe's request got no usable answer (budget used
// up, no answer, a status other than 200) and records why in the point p.
func (c *check) failed(p *Point, r *reply, err error) bool {
	switch {
	case errors.Is(err, errBudget):
		p.Verdict, p.Detail = NotTestable, "the request budget was used up before this probe"
		return true
	case err != nil:
		p.Verdict, p.Impact, p.Detail = Deviated, Breaks, "no answer: "+c.scrub.String(err.Error())
		return true
	case r.status != http.StatusOK:
		p.Verdict, p.Impact = Deviated, Breaks
		p.Detail = fmt.Sprintf("answered HTTP %d", r.status)
		switch r.status {
		case http.StatusUnauthorized:
			p.Detail += ": the API key was refused"
		case http.StatusForbidden:
			p.Detail += ": the API key lacks access"
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			if d, ok := covalence.ParseRetryAfter(r.header.Get("Retry-After"), time.Now()); ok && d > maxRetryAfter {
				p.Detail += fmt.Sprintf(" with Retry-After %s, beyond the %s the provider waits: its read would fail", d, maxRetryAfter)
				break
			}
			p.Verdict, p.Impact = NotTestable, ""
			p.Detail += fmt.Sprintf(" %d times in a row: not tested (the provider keeps trying for up to 2 minutes; lower LIVE_REQUESTS_PER_SECOND)", refusalRetries+1)
		}
		return true
	}
	return false
}

func evidence(r *reply, err error, req string) []Evidence {
	if r == nil {
		msg := "no answer"
		if err != nil {
			msg = err.Error()
		}
		return []Evidence{{Request: req, Answer: msg}}
	}
	return []Evidence{{Request: r.req, Answer: describe(r)}}
}

func (c *check) run(ctx context.Context) {
	if !c.providers(ctx) {
		c.notTestable("no MSSP provider to act as", append([]string{"organizations.list", "organizations.detail",
			"aros.page.shape", "aros.page.numbering", "aros.page.cap", "aros.page.follow", "aros.page.total",
			"aros.page.duplicates", "aros.page.size", "aros.order"}, filterPoints()...)...)
		return
	}
	c.organizations(ctx)
	c.pages(ctx)
	c.filters(ctx)
	c.orgDetail(ctx)
}

func (c *check) notTestable(why string, ids ...string) {
	for _, id := range ids {
		c.rep.add(Point{ID: id, Contract: contracts[id], Verdict: NotTestable, Detail: why})
	}
}

// contracts states each point's promise, as the report shows it.
var contracts = map[string]string{
	"my_providers":                "GET my_providers answers a JSON array of {\"ID\", \"name\"}; the first one's ID is the default provider.",
	"providers":                   "GET providers answers a JSON array of the same objects (used to resolve a provider_id given by name or ID).",
	"provider_id":                 "The MSSP provider to act as: COVALENCE_PROVIDER_ID (ID or exact name) or the first of my_providers.",
	"organizations.list":          "GET my_providers/{id}/organizations answers a JSON array of {ID, name, email (or null), email_aro_details}.",
	"organizations.detail":        "GET organizations/{id} (or my_organizations/{id}) answers one organization with its detail.",
	"aros.page.shape":             "GET providers/{id}/aros answers {\"items\": [ARO…], \"total\": N, \"page\": P}, every ARO with an ID.",
	"aros.page.numbering":         "Whether the first page is 0 or 1 is not documented: the client follows the page the server returns.",
	"aros.page.cap":               "The server may return fewer items than limit asked for (a server-side cap).",
	"aros.page.follow":            "Asked for page P+1 (P the page of the last answer), the server answers page P+1, with items until total is reached.",
	"aros.page.total":             "total counts every match; it may grow while paging (AROs arriving), never shrink.",
	"aros.page.duplicates":        "No ARO comes twice across the pages of one read (beyond what arrivals push onto later pages).",
	"aros.page.size":              "A page never holds more items than limit asked for.",
	"aros.order":                  "AROs come newest first (creation_time).",
	"aros.filter.organization_id": "organization_id=X answers only X's AROs, no more than the unfiltered read.",
	"aros.filter.since":           "since=T answers only AROs created at or after T (inclusive, UTC).",
	"aros.filter.until":           "until=T answers only AROs created at or before T (inclusive, UTC).",
	"aros.filter.since_until":     "since and until together answer the AROs of the window, bounds included.",
	"aros.filter.id":              "id=X answers that one ARO.",
	"aros.by_id":                  "The ARO read by id is the one the list holds.",
	"fields":                      "Fields have the contract's types and values; a client ignores fields it does not know.",
	"rate_limits":                 "Rate limits are undocumented: 429 (sometimes 503) with or without Retry-After (seconds or an HTTP date).",
	"terraform.apply":             "terraform apply of a read-only configuration using every data source (covalence_orgs without include_details, which reads every organization's detail; both functions on Terraform 1.8+) succeeds.",
	"terraform.answers":           "What the provider returns agrees with what the portal answered the probes.",
	"terraform.functions":         "provider::covalence::severity_rank and severity_at_least answer as documented.",
	"terraform.plan":              "terraform plan right after shows no changes (-detailed-exitcode 0).",
}

// The promise of the probe of each enumerated filter (status=S answers ...).
func init() {
	for _, f := range covalence.AROFilters {
		if id := "aros.filter." + f.Param; f.Values != nil && contracts[id] == "" {
			contracts[id] = fmt.Sprintf("%s=%s answers only AROs of that %s, no more than the unfiltered read.", f.Param, strings.ToUpper(f.Param[:1]), f.Param)
		}
	}
}

func (c *check) point(id string) Point { return Point{ID: id, Contract: contracts[id], Verdict: Held} }

// providers reads my_providers and providers and picks the provider to act
// as; it reports whether there is one.
func (c *check) providers(ctx context.Context) bool {
	var mine, visible []covalence.Provider
	for _, ep := range []string{"my_providers", "providers"} {
		p := c.point(ep)
		r, err := c.g.get(ctx, nil, ep)
		p.Evidence = evidence(r, err, ep)
		if c.failed(&p, r, err) {
			if ep == "providers" && r != nil && (r.status == http.StatusForbidden || r.status == http.StatusNotFound) {
				p.Impact = Handled
				p.Detail += "; the provider then resolves provider_id among my_providers only"
			} else if ep == "providers" && c.cfg.ProviderID == "" && p.Verdict == Deviated {
				p.Impact = Handled
				p.Detail += "; the provider reads it only to resolve a provider_id given in the configuration"
			}
			c.rep.add(p)
			if ep == "my_providers" {
				return false
			}
			continue
		}
		list, ok := c.array(&p, r, "provider", providerRules, nil)
		var typed []covalence.Provider
		if ok {
			if derr := json.Unmarshal(r.body, &typed); derr != nil {
				p.Verdict, p.Impact, p.Detail = Deviated, Breaks, "the provider cannot decode it: "+derr.Error()
			} else {
				p.Detail = "a JSON array of " + plural(len(list), "provider", "providers")
				for _, x := range typed {
					if x.ID == "" {
						p.Verdict, p.Impact, p.Detail = Deviated, Breaks, "a provider without an ID"
					}
				}
			}
		}
		if ep == "my_providers" {
			mine = typed
			for _, x := range typed {
				c.tf.myProviders = append(c.tf.myProviders, x.ID)
			}
		} else {
			visible = typed
		}
		c.rep.add(p)
	}

	p := c.point("provider_id")
	switch {
	case c.cfg.ProviderID != "":
		all := append(append([]covalence.Provider{}, mine...), visible...)
		for _, x := range all {
			if x.ID == c.cfg.ProviderID {
				c.provider = x.ID
				break
			}
		}
		if c.provider == "" {
			var ids []string
			for _, x := range all {
				if x.Name == c.cfg.ProviderID && x.ID != "" && !slices.Contains(ids, x.ID) {
					ids = append(ids, x.ID)
				}
			}
			if len(ids) == 1 {
				c.provider = ids[0]
			}
		}
		if c.provider == "" {
			p.Verdict, p.Impact, p.Detail = Deviated, Breaks, "COVALENCE_PROVIDER_ID matches no provider of my_providers or providers by ID or exact name (or several by name)"
		} else {
			p.Detail = "COVALENCE_PROVIDER_ID resolved to " + c.provider
		}
	case len(mine) == 0 || mine[0].ID == "":
		p.Verdict, p.Impact, p.Detail = Deviated, Breaks, "my_providers is empty: the key belongs to no MSSP provider (the provider says so and stops)"
	default:
		c.provider = mine[0].ID
		p.Detail = "the first of my_providers: " + c.provider
	}
	c.rep.add(p)
	c.rep.ProviderID = c.provider
	return c.provider != ""
}

// array checks that r is a JSON array of objects following rules and
// returns them; object names the objects in oddities.
func (c *check) array(p *Point, r *reply, object string, rules map[string]rule, newer []string) ([]map[string]any, bool) {
	v, err := decodeJSON(r.body)
	if err != nil {
		p.Verdict, p.Impact, p.Detail = Deviated, Breaks, "not JSON: "+err.Error()
		return nil, false
	}
	arr, ok := v.([]any)
	if !ok {
		p.Verdict, p.Impact, p.Detail = Deviated, Breaks, "a JSON "+jsonType(v)+", not an array"
		return nil, false
	}
	out := make([]map[string]any, 0, len(arr))
	for _, e := range arr {
		m, ok := e.(map[string]any)
		if !ok {
			p.Verdict, p.Impact, p.Detail = Deviated, Breaks, "an entry is a JSON "+jsonType(e)+", not an object"
			return nil, false
		}
		id, _ := m["ID"].(string)
		c.odd.check(object, id, "", m, rules, newer, c.secret)
		out = append(out, m)
	}
	return out, true
}

// secret registers a personal value (and every string inside it) for scrubbing.
func (c *check) secret(v any) { allStrings(v, func(s string) { c.scrub.Add(s) }) }

func (c *check) organizations(ctx context.Context) {
	p := c.point("organizations.list")
	r, err := c.g.get(ctx, nil, "my_providers", c.provider, "organizations")
	p.Evidence = evidence(r, err, "my_providers/"+c.provider+"/organizations")
	defer func() { c.rep.add(p) }()
	if c.failed(&p, r, err) {
		return
	}
	list, ok := c.array(&p, r, "organization", orgListRules, orgListNewer)
	if !ok {
		return
	}
	var typed []covalence.Organization
	if derr := json.Unmarshal(r.body, &typed); derr != nil {
		p.Verdict, p.Impact, p.Detail = Deviated, Breaks, "the provider cannot decode it: "+derr.Error()
		return
	}
	c.orgNames = map[string]string{}
	dups := 0
	for _, m := range list {
		id, _ := m["ID"].(string)
		name, _ := m["name"].(string)
		if _, dup := c.orgNames[id]; dup {
			dups++
			continue
		}
		c.orgNames[id] = name
		c.orgs = append(c.orgs, id)
	}
	p.Detail = "a JSON array of " + plural(len(list), "organization", "organizations")
	if dups > 0 {
		p.Verdict, p.Impact = Deviated, Informational
		p.Detail += fmt.Sprintf("; %d repeat an ID listed before", dups)
	}
	c.tf.orgCount = len(list)
}

// urlValues builds a query from key, value pairs.
func urlValues(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// joinIDs lists the first three IDs and how many more there are.
func joinIDs(ids []string) string {
	const n = 3
	if len(ids) > n {
		return strings.Join(ids[:n], ", ") + fmt.Sprintf(" and %d more", len(ids)-n)
	}
	return strings.Join(ids, ", ")
}
