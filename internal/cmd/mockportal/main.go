// Command mockportal serves a mock FES Portal API (internal/mockportal) over
// HTTP for demos and manual testing.
//
//	go run ./internal/cmd/mockportal -api-key demo-api-key -aros 300
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mockportal:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if *pageBase != 0 && *pageBase != 1 {
		return fmt.Errorf("-page-base must be 0 or 1, got %d", *pageBase)
	}

	var data *mockportal.Data
	if *fixtures {
		data = mockportal.FixtureData()
	} else {
		data = mockportal.Generate(*seed, *orgs, *aros, time.Now().UTC().Truncate(time.Second))
	}
	handler := mockportal.New(data, mockportal.Options{
		APIKey: *apiKey, PageCap: *pageCap, PageBase: *pageBase, Latency: *latency,
	})

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

	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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
