# Counts of the unresolved AROs at or above High, fleet-wide and per client.
data "covalence_aro_summary" "open" {
  resolution   = "Unresolved"
  min_severity = "High"
}

output "open_high_or_critical" {
  value = data.covalence_aro_summary.open.total
}

output "open_by_severity" {
  value = data.covalence_aro_summary.open.severity_counts
}

# Clients with open findings, by name.
output "open_by_client" {
  value = {
    for id, org in data.covalence_aro_summary.open.organizations : org.name => org.total if org.total > 0
  }
}

# The same filters as covalence_aros, e.g. the last 7 days of one client.
data "covalence_aro_summary" "acme_week" {
  org   = "Acme"
  since = "7 days"
}

# The oldest unresolved ARO of each severity (null where none), for SLAs
# tiered by severity: see examples/compliance-gate/tiered-sla.
output "oldest_open_critical" {
  value = data.covalence_aro_summary.open.oldest_creation_time_by_severity["Critical"]
}
