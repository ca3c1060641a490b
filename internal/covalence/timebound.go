package covalence

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// PortalTimeLayout is the portal's timestamp format: UTC, no zone designator.
const PortalTimeLayout = "2006-01-02 15:04:05"

var timeLayouts = []string{
	PortalTimeLayout,
	"2006-01-02 15:04:05.999999999",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
}

// ParsePortalTime parses a timestamp as the portal writes it (UTC when no zone is given).
func ParsePortalTime(s string) (time.Time, bool) {
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// RFC3339 converts a portal timestamp to RFC 3339 UTC ("2021-05-11T12:58:26Z").
// A value that is not a timestamp is returned unchanged; nil stays nil.
func RFC3339(s *string) *string {
	if s == nil {
		return nil
	}
	t, ok := ParsePortalTime(*s)
	if !ok {
		return s
	}
	out := t.Format(time.RFC3339Nano)
	return &out
}

var relativeTime = regexp.MustCompile(`^(\d{1,9})\s*(minute|minutes|min|mins|hour|hours|day|days|week|weeks)(\s+ago)?$`)

// maxRelative bounds a relative time ("100 years") so it cannot overflow.
const maxRelative = 100 * 366 * 24 * time.Hour

// ParseTimeBound reads a since/until value: RFC 3339, the portal's
// "YYYY-MM-DD HH:MM:SS" (UTC), a date "YYYY-MM-DD" (midnight UTC), or a
// relative "<n> <unit>" (minutes, hours, days, weeks; singular or plural,
// optionally followed by "ago") meaning that long before now.
func ParseTimeBound(s string, now time.Time) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, fmt.Errorf("empty time")
	}
	if m := relativeTime.FindStringSubmatch(strings.ToLower(v)); m != nil {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q: %w", s, err)
		}
		unit := map[string]time.Duration{
			"minute": time.Minute, "minutes": time.Minute, "min": time.Minute, "mins": time.Minute,
			"hour": time.Hour, "hours": time.Hour,
			"day": 24 * time.Hour, "days": 24 * time.Hour,
			"week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
		}[m[2]]
		if n > int64(maxRelative/unit) {
			return time.Time{}, fmt.Errorf("%q reaches back more than 100 years", s)
		}
		return now.UTC().Add(-time.Duration(n) * unit).Truncate(time.Second), nil
	}
	for _, layout := range []string{time.RFC3339Nano, PortalTimeLayout, "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
			if t = t.UTC(); t.Year() < 1 || t.Year() > 9999 {
				break
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time: use RFC 3339 (2021-01-31T14:00:00Z), the portal's \"2021-01-31 14:00:00\" (UTC), or a relative time such as \"12 hours\" or \"7 days\"", s)
}
