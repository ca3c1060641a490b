package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/livecheck"
	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestSkipsWithoutKey(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), nil, env(nil), &out, &errOut); code != 0 || !strings.Contains(out.String(), "skipped") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	// The script says it skipped before building anything.
	cmd := exec.Command("bash", filepath.Join(repoRoot(t), "scripts", "test-live.sh"))
	cmd.Env = withoutCovalence(os.Environ())
	b, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(b), "test-live: skipped: COVALENCE_API_KEY is not set") {
		t.Fatalf("script: %v: %s", err, b)
	}
}

func TestBadSettings(t *testing.T) {
	for _, m := range []map[string]string{
		{"COVALENCE_API_KEY": "k", "LIVE_REQUESTS_PER_SECOND": "fast"},
		{"COVALENCE_API_KEY": "k", "LIVE_REQUESTS_PER_SECOND": "0"},
		{"COVALENCE_API_KEY": "k", "LIVE_MAX_REQUESTS": "-3"},
		{"COVALENCE_API_KEY": "k", "COVALENCE_BASE_URL": "ftp://x"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"-report-dir", t.TempDir()}, env(m), &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, %s", m, code, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-terraform", "terraform"}, env(map[string]string{"COVALENCE_API_KEY": "k"}), &out, &errOut); code != 2 {
		t.Errorf("-terraform without -provider-dir: exit %d", code)
	}
}

// TestWronglyAppliedFilterFails: a portal that applies `until` in each
// organization's time zone (10 hours early for half of them, 3 hours late
// for the others) both loses AROs that match and adds AROs that do not. On
// an estate larger than the check's first walk reads, the AROs lost are not
// all among those it read: only the exact count tells them, and the check
// must fail, with exit status 1, on `until`.
func TestWronglyAppliedFilterFails(t *testing.T) {
	const key = "shift-live-key-2c7e41"
	data := mockportal.Generate(7, 6, 2600, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	zones := map[string]time.Duration{}
	for i, o := range data.Orgs {
		if i%2 == 0 {
			zones[o.ID] = -10 * time.Hour
		}
	}
	f := &mockportal.Fault{ShiftParams: map[string]time.Duration{"until": 3 * time.Hour}, ShiftOrgs: zones}
	portal := mockportal.New(data, mockportal.Options{APIKey: key, PageBase: 1, PageCap: 1000})
	portal.SetFault(func(ep mockportal.Endpoint, _ int, _ *http.Request) *mockportal.Fault {
		if ep == mockportal.EndpointAROs {
			return f
		}
		return nil
	})
	srv := httptest.NewServer(portal)
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-report-dir", dir}, env(map[string]string{
		"COVALENCE_API_KEY": key, "COVALENCE_BASE_URL": srv.URL + "/v1", "LIVE_REQUESTS_PER_SECOND": "100",
	}), &out, &errOut)
	if code != 1 || !strings.Contains(out.String(), "livecheck: FAIL") {
		t.Fatalf("exit %d, want 1:\n%s%s", code, out.String(), errOut.String())
	}
	js, err := os.ReadFile(filepath.Join(dir, "live-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep livecheck.Report
	if err := json.Unmarshal(js, &rep); err != nil {
		t.Fatal(err)
	}
	if p := rep.Point("aros.filter.until"); p == nil || p.Verdict != livecheck.Deviated || p.Impact != livecheck.Breaks ||
		!slices.Contains(rep.Failures, "aros.filter.until") {
		t.Fatalf("aros.filter.until: %+v, failures %v", p, rep.Failures)
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func withoutCovalence(e []string) []string {
	return slices.DeleteFunc(slices.Clone(e), func(kv string) bool {
		return strings.HasPrefix(kv, "COVALENCE_") || strings.HasPrefix(kv, "LIVE_")
	})
}

// startMock builds and starts the standalone mock portal with args and
// returns its base URL; it is stopped at the end of the test.
func startMock(t *testing.T, bin, key string, args ...string) string {
	t.Helper()
	addr := filepath.Join(t.TempDir(), "addr")
	cmd := exec.Command(bin, append([]string{"-addr-file", addr, "-api-key", key, "-aros", "300"}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(addr); err == nil && len(b) > 0 {
			return string(b)
		}
	}
	t.Fatal("the mock portal wrote no address")
	return ""
}

// TestAccMakeTestLive runs scripts/test-live.sh, what `make test-live` runs,
// end to end against the standalone mock portal: the probes, the build of
// the provider, terraform apply and plan. Once against a conforming portal
// (exit 0) and once against one that ignores `status` (exit 0: the
// provider drops what does not match; the report names the parameter).
func TestAccMakeTestLive(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: runs terraform (make testacc, or TF_ACC=1 go test)")
	}
	root := repoRoot(t)
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+"/", "./internal/cmd/mockportal")
	build.Dir = root
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v: %s", err, b)
	}
	const key = "e2e-live-key-8d1f0b"
	for _, tc := range []struct {
		name string
		args []string
		exit int
	}{
		{"conforming", nil, 0},
		{"ignores status", []string{"-ignore-params", "status"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := startMock(t, filepath.Join(bin, "mockportal"), key, tc.args...)
			reports := t.TempDir()
			cmd := exec.Command("bash", "scripts/test-live.sh")
			cmd.Dir = root
			cmd.Env = append(withoutCovalence(os.Environ()), "COVALENCE_API_KEY="+key, "COVALENCE_BASE_URL="+base,
				"LIVE_REPORT_DIR="+reports, "LIVE_REQUESTS_PER_SECOND=20")
			out, err := cmd.CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.exit {
				t.Fatalf("exit %d, want %d:\n%s", code, tc.exit, out)
			}
			js, err := os.ReadFile(filepath.Join(reports, "live-report.json"))
			if err != nil {
				t.Fatal(err)
			}
			md, err := os.ReadFile(filepath.Join(reports, "live-report.md"))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(js, []byte(key)) || bytes.Contains(md, []byte(key)) || bytes.Contains(out, []byte(key)) {
				t.Fatal("the API key is in the report or the output")
			}
			var rep livecheck.Report
			if err := json.Unmarshal(js, &rep); err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{"terraform.apply", "terraform.answers", "terraform.functions", "terraform.plan"} {
				p := rep.Point(id)
				// A CLI older than Terraform 1.8 (make test-tf15) has no functions.
				older := p != nil && id == "terraform.functions" && p.Verdict == livecheck.NotTestable && strings.Contains(p.Detail, "has no provider functions")
				if p == nil || p.Verdict != livecheck.Held && !older {
					t.Errorf("%s: %+v", id, p)
				}
			}
			if rep.ProviderRequests == 0 {
				t.Error("no request of the provider counted")
			}
			if tc.args != nil {
				if p := rep.Point("aros.filter.status"); p == nil || p.Verdict != livecheck.Deviated || p.Impact != livecheck.Handled || !bytes.Contains(md, []byte("ignored `status`")) {
					t.Errorf("aros.filter.status: %+v; report:\n%s", p, md)
				}
			}
			if tc.exit == 0 && rep.Failed {
				t.Errorf("failures %v", rep.Failures)
			}
		})
	}
}
