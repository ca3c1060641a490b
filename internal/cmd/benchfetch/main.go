// Command benchfetch is the yardstick of `make bench` (scripts/bench.sh): it
// reads every ARO of a portal the way a bare client would, with net/http and
// encoding/json into plain structs, no retries, checks or de-duplication,
// and prints the seconds it took.
//
//	benchfetch -base URL -key KEY -total 20000 -page-size 100 -parallel 8
//	benchfetch -base URL -key KEY -sequential -limit 500
//
// The first form knows the page count in advance and keeps -parallel
// requests in flight. The second is the SOAR integration's loop: one request
// at a time, limit=500, next page until the pages are read.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"
)

// plainARO is an ARO in plain types: what a bare fetch decodes into.
type plainARO struct {
	ID              string            `json:"ID"`
	AlertKey        *string           `json:"alert_key"`
	AnalystNotes    *string           `json:"analyst_notes"`
	Count           *json.Number      `json:"count"`
	CreationTime    *string           `json:"creation_time"`
	Details         *string           `json:"details"`
	DetailsMarkdown *string           `json:"details_markdown"`
	DisplayURL      *string           `json:"display_url"`
	ExternalBugID   *string           `json:"external_bug_id"`
	LastUpdatedTime *string           `json:"last_updated_time"`
	Notes           *string           `json:"notes"`
	Organization    *map[string]any   `json:"organization"`
	References      []json.RawMessage `json:"references"`
	Resolution      *string           `json:"resolution"`
	SerialID        json.RawMessage   `json:"serial_id"`
	Severity        *string           `json:"severity"`
	Status          *string           `json:"status"`
	Steps           []map[string]any  `json:"steps"`
	TemplateID      *string           `json:"template_id"`
	Title           *string           `json:"title"`
	TriageID        *string           `json:"triage_id"`
	Type            *string           `json:"type"`
}

type plainPage struct {
	Items []plainARO `json:"items"`
	Total int        `json:"total"`
	Page  int        `json:"page"`
}

func main() {
	base := flag.String("base", "", "portal base URL (…/v1)")
	key := flag.String("key", "", "API key")
	provider := flag.String("provider", "prov-0001", "MSSP provider ID")
	total := flag.Int("total", 20000, "AROs to read (parallel form)")
	pageSize := flag.Int("page-size", 100, "items per page the server sends (parallel form)")
	parallel := flag.Int("parallel", 8, "requests in flight (parallel form)")
	sequential := flag.Bool("sequential", false, "the SOAR loop: one request at a time")
	limit := flag.Int("limit", 500, "limit= asked for")
	firstPage := flag.Int("first-page", 1, "number of the first page")
	flag.Parse()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * *parallel}, Timeout: time.Minute}
	get := func(page int) (*plainPage, error) {
		req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/providers/%s/aros?limit=%d&page=%d", *base, *provider, *limit, page), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+*key)
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer func() { _ = resp.Body.Close() }()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("page %d: HTTP %d", page, resp.StatusCode)
		}
		var p plainPage
		return &p, json.NewDecoder(resp.Body).Decode(&p)
	}

	start := time.Now()
	read := 0
	if *sequential {
		for page := *firstPage; ; page++ {
			p, err := get(page)
			if err != nil {
				fail(err)
			}
			read += len(p.Items)
			if len(p.Items) == 0 || read >= p.Total {
				break
			}
		}
	} else {
		pages := (*total + *pageSize - 1) / *pageSize
		var wg sync.WaitGroup
		var mu sync.Mutex
		sem := make(chan struct{}, *parallel)
		for page := *firstPage; page < *firstPage+pages; page++ {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				p, err := get(page)
				if err != nil {
					fail(err)
				}
				mu.Lock()
				read += len(p.Items)
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	elapsed := time.Since(start)
	if !*sequential && read != *total {
		fail(fmt.Errorf("read %d AROs, want %d", read, *total))
	}
	fmt.Printf("%.3f %d\n", elapsed.Seconds(), read)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchfetch:", err)
	os.Exit(1)
}
