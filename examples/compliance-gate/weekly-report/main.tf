# Weekly report: AROs created in the last 7 days, by type, severity and
# client, from one summary read. The check block warns (does not fail the
# run) when a Critical ARO was raised this week.

data "covalence_aro_summary" "week" {
  since = "7 days"
}

output "weekly_report" {
  value = {
    total       = data.covalence_aro_summary.week.total
    by_type     = data.covalence_aro_summary.week.type_counts
    by_severity = data.covalence_aro_summary.week.severity_counts
    by_client = {
      for id, org in data.covalence_aro_summary.week.organizations : org.name => org.total if org.total > 0
    }
    unassigned = data.covalence_aro_summary.week.unassigned.total
    newest     = data.covalence_aro_summary.week.newest_creation_time
  }
}

check "no_new_critical_aros" {
  assert {
    condition     = data.covalence_aro_summary.week.severity_counts["Critical"] == 0
    error_message = "${data.covalence_aro_summary.week.severity_counts["Critical"]} Critical AROs were raised in the last 7 days."
  }
}
