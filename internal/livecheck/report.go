package livecheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Verdict is what the check found for one contract point.
type Verdict string

// Verdicts.
const (
	Held        Verdict = "held"
	Deviated    Verdict = "deviated"
	NotTestable Verdict = "not testable"
)

// Impact says what a deviation means for the provider.
type Impact string

// Impacts of a deviation.
const (
	// Handled: the portal differs from the contract in a way the provider copes with.
	Handled Impact = "handled by the provider"
	// Breaks: the provider would give a wrong answer or fail.
	Breaks Impact = "the provider would give a wrong answer or fail"
	// Informational: the portal's answer differs from what the check
	// expected, and the provider passes it on as it is.
	Informational Impact = "no effect on the provider"
)

// Evidence is one request of a probe and a summary of what came back (counts,
// IDs, statuses: never a raw body).
type Evidence struct {
	Request string `json:"request"`
	Answer  string `json:"answer"`
}

// Point is one contract point and what the portal did about it.
type Point struct {
	ID       string     `json:"id"`
	Contract string     `json:"contract"`
	Verdict  Verdict    `json:"verdict"`
	Impact   Impact     `json:"impact,omitempty"`
	Detail   string     `json:"detail"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Oddity is a field of an unexpected type, an undocumented field or an
// undocumented value: listed, not failed.
type Oddity struct {
	Object  string `json:"object"` // "ARO", "organization", ...
	Field   string `json:"field"`
	Kind    string `json:"kind"`              // "undocumented field", "unexpected type", "undocumented value"
	Value   string `json:"value,omitempty"`   // the JSON type, or the value of an enumerated field
	Count   int    `json:"count"`             // how many objects had it
	Example string `json:"example,omitempty"` // the ID of one such object
}

// RateLimits counts the refusals seen: by the check's own requests and, in
// the terraform stage, by the provider's.
type RateLimits struct {
	TooMany           int      `json:"status_429_with_retry_after"`
	TooManyBare       int      `json:"status_429_without_retry_after"`
	Unavailable       int      `json:"status_503_with_retry_after"`
	UnavailableBare   int      `json:"status_503_without_retry_after"`
	RetryAfterValues  []string `json:"retry_after_values,omitempty"`
	ProviderRefusals  int      `json:"provider_refusals"`
	WaitedSeconds     float64  `json:"waited_seconds"`
	UnparsableHeaders int      `json:"unparsable_retry_after"`
}

func (r *RateLimits) total() int {
	return r.TooMany + r.TooManyBare + r.Unavailable + r.UnavailableBare
}

// Report is the outcome of a check, written as live-report.md and
// live-report.json.
type Report struct {
	Tool              string     `json:"tool"`
	Started           time.Time  `json:"started"`
	Seconds           float64    `json:"seconds"`
	BaseURL           string     `json:"base_url"`
	ProviderID        string     `json:"provider_id,omitempty"`
	RequestsPerSecond float64    `json:"requests_per_second"`
	MaxRequests       int        `json:"max_requests"`
	Requests          int        `json:"requests"`
	ProviderRequests  int        `json:"provider_requests"`
	BudgetUsedUp      bool       `json:"budget_used_up"`
	Points            []Point    `json:"points"`
	Oddities          []Oddity   `json:"oddities"`
	RateLimits        RateLimits `json:"rate_limits"`
	// Failed: some point Breaks (the provider would give a wrong answer or fail).
	Failed   bool     `json:"failed"`
	Failures []string `json:"failures"`
	Notes    []string `json:"notes,omitempty"`
}

func (r *Report) add(p Point) {
	if p.Verdict == Held || p.Verdict == NotTestable {
		p.Impact = ""
	}
	r.Points = append(r.Points, p)
}

// Point returns the point with this ID (nil if absent).
func (r *Report) Point(id string) *Point {
	for i := range r.Points {
		if r.Points[i].ID == id {
			return &r.Points[i]
		}
	}
	return nil
}

// finish fills Failed and Failures and sorts the oddities.
func (r *Report) finish() {
	r.Failures = []string{}
	for _, p := range r.Points {
		if p.Verdict == Deviated && p.Impact == Breaks {
			r.Failures = append(r.Failures, p.ID)
		}
	}
	r.Failed = len(r.Failures) > 0
	sort.Slice(r.Oddities, func(i, j int) bool {
		a, b := r.Oddities[i], r.Oddities[j]
		return a.Object+"\x00"+a.Field+"\x00"+a.Kind+"\x00"+a.Value < b.Object+"\x00"+b.Field+"\x00"+b.Kind+"\x00"+b.Value
	})
	if r.Oddities == nil {
		r.Oddities = []Oddity{}
	}
}

// Markdown renders the report for people.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# FES Portal conformance check\n\n")
	counts := map[Verdict]int{}
	for _, p := range r.Points {
		counts[p.Verdict]++
	}
	result := "PASS: no point where the provider would give a wrong answer or fail"
	if r.Failed {
		result = "FAIL: the provider would give a wrong answer or fail on: " + strings.Join(r.Failures, ", ")
	}
	if n := counts[NotTestable]; n > 0 {
		result += fmt.Sprintf("; %d points not testable", n)
	}
	fmt.Fprintf(&b, "**%s**\n\n", result)
	fmt.Fprintf(&b, "| | |\n| --- | --- |\n")
	fmt.Fprintf(&b, "| portal | `%s` |\n", r.BaseURL)
	if r.ProviderID != "" {
		fmt.Fprintf(&b, "| MSSP provider | `%s` |\n", r.ProviderID)
	}
	fmt.Fprintf(&b, "| started | %s |\n", r.Started.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "| time used | %.1f s |\n", r.Seconds)
	fmt.Fprintf(&b, "| requests of the check | %d of at most %d, GET only, at most %g per second |\n", r.Requests, r.MaxRequests, r.RequestsPerSecond)
	fmt.Fprintf(&b, "| requests of the provider (terraform stage) | %d, GET only |\n", r.ProviderRequests)
	if r.BudgetUsedUp {
		fmt.Fprintf(&b, "| request budget | used up: the points left were not tested |\n")
	}
	fmt.Fprintf(&b, "| points | %d held, %d deviated, %d not testable |\n\n", counts[Held], counts[Deviated], counts[NotTestable])
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
	}

	b.WriteString("## Contract points\n\n| point | verdict | detail |\n| --- | --- | --- |\n")
	for _, p := range r.Points {
		v := string(p.Verdict)
		if p.Impact != "" {
			v += " (" + string(p.Impact) + ")"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", p.ID, v, cell(p.Detail))
	}
	b.WriteString("\n## Evidence\n")
	for _, p := range r.Points {
		fmt.Fprintf(&b, "\n### `%s`: %s\n\n%s\n", p.ID, p.Verdict, p.Contract)
		if len(p.Evidence) > 0 {
			b.WriteString("\n")
		}
		for _, e := range p.Evidence {
			req := e.Request
			if !strings.HasPrefix(req, "terraform ") {
				req = "GET " + req
			}
			fmt.Fprintf(&b, "- `%s` → %s\n", req, e.Answer)
		}
	}
	b.WriteString("\n## Fields of unexpected types, undocumented fields and values\n\n")
	if len(r.Oddities) == 0 {
		b.WriteString("None seen.\n")
	} else {
		b.WriteString("| object | field | kind | value or type | count | example ID |\n| --- | --- | --- | --- | --- | --- |\n")
		for _, o := range r.Oddities {
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %d | %s |\n", o.Object, o.Field, o.Kind, cell(o.Value), o.Count, o.Example)
		}
	}
	rl := r.RateLimits
	b.WriteString("\n## Rate limiting seen\n\n")
	fmt.Fprintf(&b, "- check: 429 with Retry-After %d, 429 without %d, 503 with Retry-After %d, 503 without %d; %.1f s waited\n",
		rl.TooMany, rl.TooManyBare, rl.Unavailable, rl.UnavailableBare, rl.WaitedSeconds)
	if len(rl.RetryAfterValues) > 0 {
		fmt.Fprintf(&b, "- Retry-After values: %s\n", strings.Join(rl.RetryAfterValues, ", "))
	}
	fmt.Fprintf(&b, "- provider (terraform stage): %d answers 429 or 503\n", rl.ProviderRefusals)
	return b.String()
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// Write writes live-report.md and live-report.json into dir, scrubbed of
// every secret in secrets (the API key, contacts' personal data).
func (r *Report) Write(dir string, scrub *Scrubber) (mdPath, jsonPath string, err error) {
	// Scrubbing the encoded JSON could break an escape sequence: scrub the
	// strings of the report before encoding instead.
	clean := *r
	scrub.report(&clean)
	js, err := json.MarshalIndent(&clean, "", "  ")
	if err != nil {
		return "", "", err
	}
	md := scrub.String(clean.Markdown())
	mdPath, jsonPath = filepath.Join(dir, "live-report.md"), filepath.Join(dir, "live-report.json")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(mdPath, []byte(md), 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(jsonPath, append(js, '\n'), 0o644); err != nil {
		return "", "", err
	}
	return mdPath, jsonPath, nil
}

// Scrubber removes secrets from text: the API key, the personal data seen
// in the portal's answers (contacts, ARO free text), and anything shaped
// like an email address or a phone number.
type Scrubber struct {
	secrets []string
	seen    map[string]bool
	// sorted: secrets are longest first (Add appends; String sorts once).
	sorted bool
}

// Add registers secret strings (empty and very short ones are ignored: they
// would match everywhere). A check registers a value per ARO and field, so
// adding is a set insertion, and the sort waits for String.
func (s *Scrubber) Add(v ...string) {
	for _, x := range v {
		if x = strings.TrimSpace(x); len(x) >= 3 && !s.seen[x] {
			if s.seen == nil {
				s.seen = map[string]bool{}
			}
			s.seen[x] = true
			s.secrets = append(s.secrets, x)
			s.sorted = false
		}
	}
}

var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	phoneRE = regexp.MustCompile(`\+[0-9][0-9 ().\-]{6,}[0-9]`)
)

// Redacted replaces what the Scrubber removes.
const Redacted = "[redacted]"

// String returns v with every secret replaced by Redacted.
func (s *Scrubber) String(v string) string {
	if s != nil {
		if !s.sorted {
			// Longest first, so that a secret containing another goes whole.
			sort.SliceStable(s.secrets, func(i, j int) bool { return len(s.secrets[i]) > len(s.secrets[j]) })
			s.sorted = true
		}
		for _, x := range s.secrets {
			v = strings.ReplaceAll(v, x, Redacted)
		}
	}
	v = emailRE.ReplaceAllString(v, Redacted)
	return phoneRE.ReplaceAllString(v, Redacted)
}

// Bytes is String for a byte slice.

// report scrubs every string of r in place (its slices are copied first).
func (s *Scrubber) report(r *Report) {
	r.BaseURL = s.String(r.BaseURL)
	r.ProviderID = s.String(r.ProviderID)
	r.Points = slices.Clone(r.Points)
	for i := range r.Points {
		p := &r.Points[i]
		p.Detail = s.String(p.Detail)
		p.Evidence = slices.Clone(p.Evidence)
		for j := range p.Evidence {
			p.Evidence[j].Request = s.String(p.Evidence[j].Request)
			p.Evidence[j].Answer = s.String(p.Evidence[j].Answer)
		}
	}
	r.Oddities = slices.Clone(r.Oddities)
	for i := range r.Oddities {
		r.Oddities[i].Value = s.String(r.Oddities[i].Value)
		r.Oddities[i].Field = s.String(r.Oddities[i].Field)
	}
	r.Notes = slices.Clone(r.Notes)
	for i := range r.Notes {
		r.Notes[i] = s.String(r.Notes[i])
	}
	r.RateLimits.RetryAfterValues = slices.Clone(r.RateLimits.RetryAfterValues)
	for i := range r.RateLimits.RetryAfterValues {
		r.RateLimits.RetryAfterValues[i] = s.String(r.RateLimits.RetryAfterValues[i])
	}
}
