// Command livecheck runs the read-only conformance check of internal/livecheck
// against the portal of COVALENCE_API_KEY, COVALENCE_BASE_URL and
// COVALENCE_PROVIDER_ID, and writes live-report.md and live-report.json.
// `make test-live` (scripts/test-live.sh) builds it with the provider and runs
// it with the terraform CLI.
//
//	livecheck [-terraform PATH -provider-dir DIR -work-dir DIR] [-report-dir DIR]
//
// Environment: LIVE_REQUESTS_PER_SECOND (default 5) paces the check and the
// provider, LIVE_MAX_REQUESTS (default 80) bounds the check's own requests,
// LIVE_REPORT_DIR is where the report goes (default: the current directory).
// Without COVALENCE_API_KEY it says it skipped and exits 0. Exit status 1
// means the provider would give a wrong answer or fail against this portal;
// 2 a usage error.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/covalence-oss/terraform-provider-covalence/internal/livecheck"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("livecheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tf := fs.String("terraform", "", "terraform (or tofu) CLI for the terraform stage; empty skips it")
	providerDir := fs.String("provider-dir", "", "directory of the built terraform-provider-covalence binary (with -terraform)")
	workDir := fs.String("work-dir", "", "scratch directory of the terraform stage (with -terraform)")
	reportDir := fs.String("report-dir", "", "where to write the report (default $LIVE_REPORT_DIR, else .)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	key := getenv("COVALENCE_API_KEY")
	if key == "" {
		fmt.Fprintln(stdout, "livecheck: skipped: COVALENCE_API_KEY is not set (the check needs a real portal's API key)")
		return 0
	}
	cfg := livecheck.Config{BaseURL: getenv("COVALENCE_BASE_URL"), APIKey: key, ProviderID: getenv("COVALENCE_PROVIDER_ID")}
	if v := getenv("LIVE_REQUESTS_PER_SECOND"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || f > 100 {
			fmt.Fprintf(stderr, "livecheck: LIVE_REQUESTS_PER_SECOND=%q: want a number above 0, at most 100\n", v)
			return 2
		}
		cfg.RequestsPerSecond = f
	}
	if v := getenv("LIVE_MAX_REQUESTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fmt.Fprintf(stderr, "livecheck: LIVE_MAX_REQUESTS=%q: want a whole number of at least 1\n", v)
			return 2
		}
		cfg.MaxRequests = n
	}
	if *tf != "" {
		if *providerDir == "" || *workDir == "" {
			fmt.Fprintln(stderr, "livecheck: -terraform needs -provider-dir and -work-dir")
			return 2
		}
		cfg.Terraform = &livecheck.TerraformConfig{CLI: *tf, ProviderDir: *providerDir, WorkDir: *workDir}
	}
	dir := *reportDir
	if dir == "" {
		dir = getenv("LIVE_REPORT_DIR")
	}
	if dir == "" {
		dir = "."
	}

	rep, scrub, err := livecheck.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "livecheck:", err)
		return 2
	}
	md, js, err := rep.Write(dir, scrub)
	if err != nil {
		fmt.Fprintln(stderr, "livecheck: writing the report:", err)
		return 2
	}
	counts := map[livecheck.Verdict]int{}
	for _, p := range rep.Points {
		counts[p.Verdict]++
	}
	fmt.Fprintf(stdout, "livecheck: %d held, %d deviated, %d not testable; %d requests of the check (at most %d), %d of the provider, %.1f s\n",
		counts[livecheck.Held], counts[livecheck.Deviated], counts[livecheck.NotTestable], rep.Requests, rep.MaxRequests, rep.ProviderRequests, rep.Seconds)
	fmt.Fprintf(stdout, "livecheck: report in %s and %s\n", md, js)
	if rep.Failed {
		fmt.Fprintf(stdout, "livecheck: FAIL: the provider would give a wrong answer or fail on: %v\n", rep.Failures)
		return 1
	}
	fmt.Fprintln(stdout, "livecheck: PASS")
	return 0
}
