package covalence

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseTimeBoundAbsolute(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 30, 45, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2021-01-31T14:00:00Z":           time.Date(2021, 1, 31, 14, 0, 0, 0, time.UTC),
		"2021-01-31T14:00:00+02:00":      time.Date(2021, 1, 31, 12, 0, 0, 0, time.UTC),
		"2021-01-31T14:00:00-05:30":      time.Date(2021, 1, 31, 19, 30, 0, 0, time.UTC),
		"2021-01-31T23:30:00-01:00":      time.Date(2021, 2, 1, 0, 30, 0, 0, time.UTC),
		"2021-01-31T14:00:00.123456789Z": time.Date(2021, 1, 31, 14, 0, 0, 123456789, time.UTC),
		"2021-01-31 14:00:00":            time.Date(2021, 1, 31, 14, 0, 0, 0, time.UTC),
		"  2021-01-31 14:00:00 ":         time.Date(2021, 1, 31, 14, 0, 0, 0, time.UTC),
		"2021-01-31":                     time.Date(2021, 1, 31, 0, 0, 0, 0, time.UTC),
		"0001-01-01":                     time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		"9999-12-31 23:59:59":            time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		"2024-02-29":                     time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
	} {
		got, err := ParseTimeBound(in, now)
		if err != nil {
			t.Errorf("ParseTimeBound(%q): %v", in, err)
			continue
		}
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTimeBound(%q) = %v, want %v (UTC)", in, got, want)
		}
	}
}

func TestParseTimeBoundRelative(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 30, 45, 600, time.FixedZone("X", 3600)) // 11:30:45.0000006 UTC
	base := time.Date(2025, 6, 1, 11, 30, 45, 0, time.UTC)
	for in, ago := range map[string]time.Duration{
		"12 hours":      12 * time.Hour,
		"1 hour":        time.Hour,
		"1 day":         24 * time.Hour,
		"7 days ago":    7 * 24 * time.Hour,
		"7 DAYS AGO":    7 * 24 * time.Hour,
		"2 weeks":       14 * 24 * time.Hour,
		"1 Week":        7 * 24 * time.Hour,
		"30 minutes":    30 * time.Minute,
		"30 min":        30 * time.Minute,
		"5 mins ago":    5 * time.Minute,
		"1 minute":      time.Minute,
		"0 days":        0,
		"12hours":       12 * time.Hour,
		" 3  days   ":   3 * 24 * time.Hour,
		"3 days\tago":   3 * 24 * time.Hour,
		"36500 days":    36500 * 24 * time.Hour,
		"000000007 day": 7 * 24 * time.Hour,
	} {
		got, err := ParseTimeBound(in, now)
		if err != nil {
			t.Errorf("ParseTimeBound(%q): %v", in, err)
			continue
		}
		if want := base.Add(-ago); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTimeBound(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseTimeBoundErrors(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, in := range []string{
		"", "   ", "7 fortnights", "-1 days", "+1 days", "1.5 days", "days", "7", "7 days later", "ago",
		"1 month", "1 year",
		"999999999 days",   // more than 100 years back
		"999999999 weeks",  // would overflow time.Duration
		"9999999999 hours", // 10 digits
		"99999999999999999999999999 minutes",
		"0000-01-01", "0000-12-31 23:59:59", "0000-01-01T00:00:00Z",
		"2021-02-30", "2021-13-01", "2021-01-31 25:00:00", "31/01/2021", "2021-01-31T14:00:00",
		"10000-01-01", "yesterday", "now",
	} {
		got, err := ParseTimeBound(in, now)
		if err == nil {
			t.Errorf("ParseTimeBound(%q) = %v, want an error", in, got)
			continue
		}
		if in != "" && strings.TrimSpace(in) != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
			t.Errorf("ParseTimeBound(%q) error does not quote the value: %v", in, err)
		}
	}
}

func TestParseTimeBoundYearLimitsInUTC(t *testing.T) {
	// The year bounds hold for the UTC result, not for the written offset.
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, in := range []string{"9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"} {
		if got, err := ParseTimeBound(in, now); err == nil {
			t.Errorf("ParseTimeBound(%q) = %v (year %d), want an error", in, got, got.Year())
		}
	}
	if got, err := ParseTimeBound("0001-01-01T00:30:00-01:00", now); err != nil || got.Year() != 1 {
		t.Errorf("a year-1 time with a negative offset: %v, %v", got, err)
	}
}

var fuzzNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func FuzzParseTimeBound(f *testing.F) {
	for _, s := range []string{
		"2021-01-31T14:00:00Z", "2021-01-31T14:00:00+02:00", "2021-01-31 14:00:00", "2021-01-31",
		"12 hours", "7 days ago", "2 WEEKS", "30 minutes", "7 fortnights", "-1 days", "",
		"999999999 weeks", "0000-01-01", "9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTimeBound(s, fuzzNow)
		if err != nil {
			if !got.IsZero() {
				t.Errorf("ParseTimeBound(%q) returned %v with error %v", s, got, err)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Errorf("ParseTimeBound(%q) = %v, not UTC", s, got)
		}
		if y := got.Year(); y < 1 || y > 9999 {
			t.Errorf("ParseTimeBound(%q) = %v, year %d out of [1, 9999]", s, got, y)
		}
		// The result can be sent to the portal and read back.
		if back, ok := ParsePortalTime(got.Format(PortalTimeLayout)); !ok || !back.Equal(got.Truncate(time.Second)) {
			t.Errorf("ParseTimeBound(%q) = %v does not round-trip through the portal layout (%v, %v)", s, got, back, ok)
		}
	})
}
