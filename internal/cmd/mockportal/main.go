// Command mockportal serves a mock FES Portal API (internal/mockportal) over
// HTTP for demos and manual testing.
//
//	go run ./internal/cmd/mockportal -api-key demo-api-key -aros 300
//
// The API is served under /v1 (the base URL it prints). Rate limits
// (mockportal.Limits) come from -max-in-flight, -per-second, -burst,
// -refuse-all and -limit-retry-after; -ignore-params makes the ARO list
// ignore the named filter parameters, -shift-params apply since or until
// moved by a duration. Outside the API, GET /_mock/stats
// answers the server's mockportal.Stats as JSON (snake_case keys, times in RFC
// 3339 UTC with nanoseconds or null, plus aro_window_seconds) and
// POST /_mock/stats/reset zeroes them:
//
//	curl -s http://127.0.0.1:PORT/_mock/stats
//	{"requests":381,"refused":0,"max_in_flight":8,"first_aro":"2026-12-01T14:00:00.123456789Z",...}
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mockportal:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done.
func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("mockportal", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
	apiKey := fs.String("api-key", "demo-api-key", "Bearer token accepted")
	orgs := fs.Int("orgs", 6, "number of generated organizations")
	aros := fs.Int("aros", 300, "number of generated AROs")
	seed := fs.Int64("seed", 1, "generator seed")
	fixtures := fs.Bool("fixtures", false, "serve the embedded fixtures instead of a generated estate")
	pageCap := fs.Int("page-cap", 100, "server-side cap on items per page")
	pageBase := fs.Int("page-base", 1, "number of the first page (0 or 1)")
	latency := fs.Duration("latency", 0, "latency added to every request")
	addrFile := fs.String("addr-file", "", "write the base URL to this file once listening")
	ignore := fs.String("ignore-params", "", "comma-separated ARO filter parameters to ignore, like a portal that does not apply them: any of "+strings.Join(mockportal.AROFilterParams, ", "))
	shift := fs.String("shift-params", "", "comma-separated name=duration: ARO time parameters to apply moved by the duration, like a portal that reads them in another time zone: any of "+strings.Join(mockportal.TimeParams, ", ")+" (e.g. until=1h)")
	var lim mockportal.Limits
	fs.IntVar(&lim.MaxInFlight, "max-in-flight", 0, "429 to any request arriving while this many are being served (0: no limit)")
	fs.Float64Var(&lim.PerSecond, "per-second", 0, "token bucket: requests per second, 429 beyond (0: no limit)")
	fs.IntVar(&lim.Burst, "burst", 0, "token bucket size (0: max(1, ceil(per-second)))")
	fs.BoolVar(&lim.RefuseAll, "refuse-all", false, "429 to every request")
	fs.StringVar(&lim.RetryAfter, "limit-retry-after", "", "Retry-After header sent with the rate limits' 429s (empty: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if *pageBase != 0 && *pageBase != 1 {
		return fmt.Errorf("-page-base must be 0 or 1, got %d", *pageBase)
	}
	if lim.MaxInFlight < 0 || lim.PerSecond < 0 || lim.Burst < 0 || math.IsNaN(lim.PerSecond) || math.IsInf(lim.PerSecond, 0) {
		return fmt.Errorf("-max-in-flight, -per-second and -burst must be finite and >= 0")
	}

	var ignored []string
	for _, p := range strings.Split(*ignore, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if !slices.Contains(mockportal.AROFilterParams, p) {
			return fmt.Errorf("-ignore-params: %q is not one of %s", p, strings.Join(mockportal.AROFilterParams, ", "))
		}
		ignored = append(ignored, p)
	}
	shifts := map[string]time.Duration{}
	for _, p := range strings.Split(*shift, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		name, v, _ := strings.Cut(p, "=")
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if name = strings.TrimSpace(name); err != nil || !slices.Contains(mockportal.TimeParams, name) {
			return fmt.Errorf("-shift-params: %q is not name=duration with a name among %s", p, strings.Join(mockportal.TimeParams, ", "))
		}
		shifts[name] = d
	}

	var data *mockportal.Data
	if *fixtures {
		data = mockportal.FixtureData()
	} else {
		data = mockportal.Generate(*seed, *orgs, *aros, time.Now().UTC().Truncate(time.Second))
	}
	portal := mockportal.New(data, mockportal.Options{
		APIKey: *apiKey, PageCap: *pageCap, PageBase: *pageBase, Latency: *latency, Limits: lim,
	})

	if len(ignored) > 0 || len(shifts) > 0 {
		f := &mockportal.Fault{IgnoreParams: ignored, ShiftParams: shifts}
		portal.SetFault(func(ep mockportal.Endpoint, _ int, _ *http.Request) *mockportal.Fault {
			if ep == mockportal.EndpointAROs {
				return f
			}
			return nil
		})
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String() + "/v1"
	if *addrFile != "" {
		if err := writeAtomic(*addrFile, base); err != nil {
			_ = ln.Close()
			return err
		}
	}
	fmt.Printf("mockportal listening on %s\n", base)

	srv := &http.Server{Handler: handler(portal), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// handler serves the API and, beside it, the stats endpoints.
func handler(portal *mockportal.Server) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(mockportal.StatsPath, portal.StatsHandler())
	mux.Handle(mockportal.StatsPath+"/", portal.StatsHandler())
	mux.Handle("/", portal)
	return mux
}

// writeAtomic writes content to a temporary file next to path, then renames it.
func writeAtomic(path, content string) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.WriteString(content); err != nil {
		_ = f.Close()
		_ = os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
