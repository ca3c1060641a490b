# Unresolved High and Critical AROs of every organization.
# min_severity is applied by the provider; an ARO with an unknown severity is kept.
data "covalence_aros" "open_high" {
  resolution      = "Unresolved"
  min_severity    = "High"
  include_details = false
}

# One organization's AROs of the last 7 days, by name: an exact name match
# (ignoring case) wins, otherwise the name must match exactly one organization.
data "covalence_aros" "acme_last_week" {
  org   = "Acme"
  since = "7 days"
}

# A fixed window, in RFC 3339 or the portal's "YYYY-MM-DD HH:MM:SS" (UTC).
# plantimestamp() is stable between plan and apply, timestamp() is not.
data "covalence_aros" "recommendations_last_month" {
  type  = "Recommendation"
  since = timeadd(plantimestamp(), "-720h")
  until = plantimestamp()
  limit = 100 # the newest 100; a warning says how many matched
}

# A ticket per unresolved Critical ARO, from five fields instead of every
# attribute: items holds them (aros is null), so a large read stays fast and
# its state small.
data "covalence_aros" "critical" {
  resolution   = "Unresolved"
  min_severity = "Critical"
  fields       = ["id", "title", "severity", "creation_time", "organization.name"]
}

resource "terraform_data" "ticket" {
  for_each = { for a in data.covalence_aros.critical.items : a.id => a }
  input    = "[${each.value.severity}] ${each.value.organization.name}: ${each.value.title} (${each.value.creation_time})"
}

# Migrating from the SOAR integration: its query string is accepted as is.
data "covalence_aros" "migrated" {
  query = "resolution=Unresolved&type=Action&since=2024-01-01 00:00:00"
}

output "open_high_by_severity" {
  value = data.covalence_aros.open_high.severity_counts
}

output "acme_last_week" {
  value = [for a in data.covalence_aros.acme_last_week.aros : "${a.creation_time} [${a.severity}] ${a.title}"]
}
