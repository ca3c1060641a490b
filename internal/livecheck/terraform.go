package livecheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"text/template"
	"time"
)

// TerraformConfig is how the terraform stage runs the real CLI.
type TerraformConfig struct {
	CLI         string // terraform or tofu binary
	ProviderDir string // directory holding the built terraform-provider-covalence
	WorkDir     string // scratch directory: configuration, state, CLI config (created)
}

// tfFacts is what the probes learnt for the terraform stage: the data its
// configuration reads and the answers it expects.
type tfFacts struct {
	orgCount     int
	myProviders  []string // IDs of GET my_providers, in order
	org          string
	aro          *aroInfo
	since, until string
	windowIDs    []string
}

// proxy forwards the provider's requests to the portal, counting them and
// refusing anything but GET, so that the report can state the terraform
// stage's requests and that they were reads.
type proxy struct {
	requests, refused, rateLimited atomic.Int64
	url                            string
	srv                            *http.Server
}

func startProxy(target *url.URL, transport http.RoundTripper) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{url: "http://" + ln.Addr().String() + "/"}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = target.Host
		},
		Transport: transport,
		ModifyResponse: func(resp *http.Response) error {
			if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
				p.rateLimited.Add(1)
			}
			return nil
		},
	}
	p.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		if r.Method != http.MethodGet {
			p.refused.Add(1)
			http.Error(w, "the live check forwards GET requests only", http.StatusMethodNotAllowed)
			return
		}
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

func (p *proxy) close() { _ = p.srv.Close() }

var configTemplate = template.Must(template.New("main.tf").Parse(`# Written by the live check: a read-only configuration of every data source
# (and both functions on Terraform 1.8+), with values the probes found.
terraform {
  required_providers {
    covalence = { source = "covalence-oss/covalence" }
  }
}

provider "covalence" {
  requests_per_second   = {{.Rate}}
  max_parallel_requests = 2
}

data "covalence_providers" "mine" {}

output "provider_ids" {
  value = [for p in data.covalence_providers.mine.providers : p.id]
}

data "covalence_orgs" "all" {}

output "orgs_count" {
  value = length(data.covalence_orgs.all.orgs)
}
{{if .Org}}
data "covalence_org" "one" {
  id = {{printf "%q" .Org}}
}

output "org_id" {
  value = data.covalence_org.one.id
}
{{end}}{{if .Since}}
data "covalence_aros" "window" {
  since           = {{printf "%q" .Since}}
  until           = {{printf "%q" .Until}}
  include_details = false
}

data "covalence_aro_summary" "window" {
  since = {{printf "%q" .Since}}
  until = {{printf "%q" .Until}}
}

output "window_ids" {
  value = [for a in data.covalence_aros.window.aros : a.id]
}

output "window_total" {
  value = data.covalence_aros.window.total
}

output "summary_total" {
  value = data.covalence_aro_summary.window.total
}
{{end}}{{if .ARO}}
data "covalence_aro" "one" {
  id = {{printf "%q" .ARO}}
}

output "aro" {
  value = {
    id         = data.covalence_aro.one.id
    status     = data.covalence_aro.one.status
    resolution = data.covalence_aro.one.resolution
    type       = data.covalence_aro.one.type
    severity   = data.covalence_aro.one.severity
  }
}
{{if .Functions}}
output "severity_rank" {
  value = provider::covalence::severity_rank(data.covalence_aro.one.severity)
}

output "severity_at_least" {
  value = provider::covalence::severity_at_least(data.covalence_aro.one.severity, "Informational")
}
{{end}}{{end}}{{if .Functions}}
output "rank_critical" {
  value = provider::covalence::severity_rank("Critical")
}

output "low_at_least_high" {
  value = provider::covalence::severity_at_least("Low", "High")
}
{{end}}`))

var versionRE = regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v((\d+)\.(\d+)\S*)`)

// terraform runs the terraform stage: apply, compare the outputs with the
// probes' answers, plan with -detailed-exitcode.
func (c *check) terraform(ctx context.Context, tc TerraformConfig) {
	apply, answers, funcs, plan := c.point("terraform.apply"), c.point("terraform.answers"), c.point("terraform.functions"), c.point("terraform.plan")
	skip := func(why string) {
		for _, p := range []*Point{&apply, &answers, &funcs, &plan} {
			if p.Detail == "" {
				p.Verdict, p.Detail = NotTestable, why
			}
			c.rep.add(*p)
		}
	}
	if c.provider == "" {
		skip("no MSSP provider to act as (see provider_id)")
		return
	}
	if err := os.MkdirAll(tc.WorkDir, 0o755); err != nil {
		skip("work directory: " + err.Error())
		return
	}
	// Asked without any CLI configuration: the machine's may name a missing
	// file, and tofu then prints a warning first.
	vcmd := exec.CommandContext(ctx, tc.CLI, "version")
	vcmd.Env = tfEnv(os.Environ(), map[string]string{"TF_CLI_CONFIG_FILE": os.DevNull, "CHECKPOINT_DISABLE": "1"})
	out, err := vcmd.Output()
	m := versionRE.FindStringSubmatch(string(out))
	if err != nil || m == nil {
		skip(fmt.Sprintf("%s version did not answer a version (%v)", tc.CLI, err))
		return
	}
	major, _ := strconv.Atoi(m[3])
	minor, _ := strconv.Atoi(m[4])
	cliName := m[1] + " " + m[2]
	functions := major > 1 || minor >= 8 || (m[1] == "OpenTofu" && minor >= 7)
	if !functions {
		funcs.Verdict, funcs.Detail = NotTestable, cliName+" has no provider functions (Terraform 1.8 or OpenTofu 1.7 needed)"
	}

	transport := http.DefaultTransport
	if c.cfg.HTTPClient.Transport != nil {
		transport = c.cfg.HTTPClient.Transport
	}
	px, err := startProxy(c.g.base, transport)
	if err != nil {
		skip("proxy: " + err.Error())
		return
	}
	defer px.close()
	defer func() {
		c.rep.ProviderRequests = int(px.requests.Load())
		c.rep.RateLimits.ProviderRefusals = int(px.rateLimited.Load())
	}()

	data := map[string]any{"Rate": strconv.FormatFloat(c.cfg.RequestsPerSecond, 'f', -1, 64), "Functions": functions,
		"Org": c.tf.org, "Since": c.tf.since, "Until": c.tf.until, "ARO": ""}
	if c.tf.aro != nil {
		data["ARO"] = c.tf.aro.id
	}
	var cfgText bytes.Buffer
	if err := configTemplate.Execute(&cfgText, data); err != nil {
		skip("configuration: " + err.Error())
		return
	}
	confDir := filepath.Join(tc.WorkDir, "config")
	if err := os.MkdirAll(confDir, 0o755); err != nil {
		skip(err.Error())
		return
	}
	cliConfig := filepath.Join(tc.WorkDir, "cli.tfrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		"registry.terraform.io/covalence-oss/covalence", tc.ProviderDir, "registry.opentofu.org/covalence-oss/covalence", tc.ProviderDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		skip(err.Error())
		return
	}
	if err := os.WriteFile(filepath.Join(confDir, "main.tf"), cfgText.Bytes(), 0o644); err != nil {
		skip(err.Error())
		return
	}
	env := tfEnv(os.Environ(), map[string]string{
		"TF_CLI_CONFIG_FILE": cliConfig, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1",
		"TF_DATA_DIR": filepath.Join(tc.WorkDir, "tfdata"), "COVALENCE_API_KEY": c.cfg.APIKey,
		"COVALENCE_BASE_URL": px.url, "COVALENCE_PROVIDER_ID": c.provider,
	})
	runTF := func(args ...string) (string, int, error) {
		cmd := exec.CommandContext(ctx, tc.CLI, append([]string{"-chdir=" + confDir}, args...)...)
		cmd.Env = env
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return buf.String(), ee.ExitCode(), nil
		}
		return buf.String(), 0, err
	}
	var sources []string
	for _, s := range []struct{ name, on string }{{"covalence_providers", "x"}, {"covalence_orgs", "x"}, {"covalence_org", c.tf.org}, {"covalence_aros", c.tf.since},
		{"covalence_aro_summary", c.tf.since}, {"covalence_aro", fmt.Sprint(c.tf.aro != nil)}} {
		if s.on != "" && s.on != "false" {
			sources = append(sources, s.name)
		}
	}
	ev := func(cmd, outText string, code int) Evidence {
		return Evidence{Request: fmt.Sprintf("terraform %s (%s, through the counting proxy)", cmd, cliName), Answer: fmt.Sprintf("exit %d%s", code, tail(c.scrub.String(outText), 12))}
	}

	start := time.Now()
	text, code, err := runTF("apply", "-auto-approve", "-input=false", "-no-color")
	switch {
	case err != nil:
		skip("terraform could not run: " + c.scrub.String(err.Error()))
		return
	case code != 0:
		apply.Verdict, apply.Impact = Deviated, Breaks
		apply.Detail = fmt.Sprintf("terraform apply failed (exit %d)", code)
		apply.Evidence = []Evidence{ev("apply", text, code)}
		answers.Verdict, answers.Detail = NotTestable, "the apply failed"
		plan.Verdict, plan.Detail = NotTestable, "the apply failed"
		if funcs.Detail == "" {
			funcs.Verdict, funcs.Detail = NotTestable, "the apply failed"
		}
		skip("")
		return
	}
	apply.Detail = fmt.Sprintf("%s applied data sources %s in %.1f s with %d requests", cliName, strings.Join(sources, ", "), time.Since(start).Seconds(), px.requests.Load())
	missing := []string{"covalence_org", "covalence_aros", "covalence_aro_summary", "covalence_aro"}
	missing = slices.DeleteFunc(missing, func(s string) bool { return slices.Contains(sources, s) })
	if len(missing) > 0 {
		apply.Detail += "; not read for want of data: " + strings.Join(missing, ", ")
	}
	apply.Evidence = []Evidence{ev("apply", "", 0)}
	if px.refused.Load() > 0 {
		apply.Verdict, apply.Impact = Deviated, Breaks
		apply.Detail += fmt.Sprintf("; the provider sent %d requests other than GET (refused by the proxy)", px.refused.Load())
	}

	outJSON, code, err := runTF("output", "-json", "-no-color")
	var outputs map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err != nil || code != 0 || json.Unmarshal([]byte(outJSON), &outputs) != nil {
		answers.Verdict, answers.Impact, answers.Detail = Deviated, Breaks, "terraform output -json did not answer JSON"
	} else {
		c.compareOutputs(&answers, &funcs, outputs, functions)
	}

	text, code, err = runTF("plan", "-detailed-exitcode", "-input=false", "-no-color")
	switch {
	case err != nil:
		plan.Verdict, plan.Detail = NotTestable, "terraform could not run: "+c.scrub.String(err.Error())
	case code == 0:
		plan.Detail = "no changes (-detailed-exitcode 0)"
	case code == 2:
		plan.Verdict, plan.Impact, plan.Detail = Deviated, Breaks, "the plan right after apply has changes (-detailed-exitcode 2)"
		plan.Evidence = []Evidence{ev("plan -detailed-exitcode", text, code)}
	default:
		plan.Verdict, plan.Impact, plan.Detail = Deviated, Breaks, fmt.Sprintf("terraform plan failed (exit %d)", code)
		plan.Evidence = []Evidence{ev("plan -detailed-exitcode", text, code)}
	}
	for _, p := range []Point{apply, answers, funcs, plan} {
		c.rep.add(p)
	}
}

// compareOutputs holds the provider's answers to what the probes read.
func (c *check) compareOutputs(answers, funcs *Point, outputs map[string]struct {
	Value json.RawMessage `json:"value"`
}, functions bool) {
	var wrong, ok []string
	get := func(name string, v any) bool {
		o, found := outputs[name]
		return found && json.Unmarshal(o.Value, v) == nil
	}
	var provs []string
	if get("provider_ids", &provs) {
		if !slices.Equal(provs, c.tf.myProviders) {
			wrong = append(wrong, fmt.Sprintf("covalence_providers lists %d providers (%s), my_providers %d", len(provs), joinIDs(provs), len(c.tf.myProviders)))
		} else {
			ok = append(ok, "covalence_providers: "+plural(len(provs), "provider", "providers"))
		}
	}
	var n int
	if get("orgs_count", &n) {
		if n != c.tf.orgCount {
			wrong = append(wrong, fmt.Sprintf("covalence_orgs has %d organizations, the portal listed %d", n, c.tf.orgCount))
		} else {
			ok = append(ok, fmt.Sprintf("covalence_orgs: %d organizations", n))
		}
	}
	var s string
	if c.tf.org != "" && get("org_id", &s) {
		if s != c.tf.org {
			wrong = append(wrong, fmt.Sprintf("covalence_org read %q for %q", s, c.tf.org))
		} else {
			ok = append(ok, "covalence_org: "+s)
		}
	}
	if c.tf.since != "" {
		var ids []string
		var total, summary int
		if get("window_ids", &ids) && get("window_total", &total) && get("summary_total", &summary) {
			want := slices.Clone(c.tf.windowIDs)
			got := slices.Clone(ids)
			sort.Strings(want)
			sort.Strings(got)
			switch {
			case !slices.Equal(got, want):
				wrong = append(wrong, fmt.Sprintf("covalence_aros for since=%s until=%s has %d AROs, the portal's list %d in that window", c.tf.since, c.tf.until, len(ids), len(want)))
			case total != len(want) || summary != len(want):
				wrong = append(wrong, fmt.Sprintf("covalence_aros total %d and covalence_aro_summary total %d for a window of %d AROs", total, summary, len(want)))
			default:
				ok = append(ok, fmt.Sprintf("covalence_aros and covalence_aro_summary: the %d AROs of %s..%s", len(want), c.tf.since, c.tf.until))
			}
		}
	}
	if a := c.tf.aro; a != nil {
		var got map[string]*string
		if get("aro", &got) {
			for k, want := range map[string]string{"id": a.id, "status": a.status, "resolution": a.resolution, "type": a.typ, "severity": a.severity} {
				if v := got[k]; (v == nil && want != "") || (v != nil && *v != want) {
					wrong = append(wrong, fmt.Sprintf("covalence_aro %s: %s differs from the portal's", a.id, k))
				}
			}
			ok = append(ok, "covalence_aro: "+a.id)
		}
		if functions {
			var rank *int
			var atLeast bool
			if get("severity_rank", &rank) && get("severity_at_least", &atLeast) {
				idx := slices.Index(severities, a.severity)
				if (idx < 0 && rank != nil) || (idx >= 0 && (rank == nil || *rank != idx)) || !atLeast {
					funcs.Verdict, funcs.Impact = Deviated, Breaks
					funcs.Detail = fmt.Sprintf("for severity %q: severity_rank and severity_at_least answered otherwise than documented", short(a.severity))
				}
			}
		}
	}
	if functions && funcs.Verdict == Held {
		var rank int
		var lowHigh bool
		if get("rank_critical", &rank) && get("low_at_least_high", &lowHigh) && rank == 5 && !lowHigh {
			funcs.Detail = "severity_rank and severity_at_least answered as documented"
		} else {
			funcs.Verdict, funcs.Impact, funcs.Detail = Deviated, Breaks, "severity_rank(\"Critical\") is not 5, or severity_at_least(\"Low\", \"High\") is not false"
		}
	}
	if len(wrong) > 0 {
		answers.Verdict, answers.Impact, answers.Detail = Deviated, Breaks, strings.Join(wrong, "; ")
	} else {
		answers.Detail = strings.Join(ok, "; ")
	}
}

// tfEnv is env without any TF_ or COVALENCE_ variable, plus set.
func tfEnv(env []string, set map[string]string) []string {
	out := make([]string, 0, len(env)+len(set))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "COVALENCE_") || k == "CHECKPOINT_DISABLE" {
			continue
		}
		out = append(out, kv)
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, k+"="+set[k])
	}
	return out
}

// tail is the last n non-empty lines of s, after ": ".
func tail(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(strings.Trim(l, "│╷╵ ")); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return ": " + strings.Join(lines, " / ")
}
