check "no_open_high_severity_aros" {
  data "covalence_aro_summary" "open_high" {
    resolution   = "Unresolved"
    min_severity = "High"
  }

  assert {
    condition = data.covalence_aro_summary.open_high.total == 0
    error_message = format(
      "%d unresolved High/Critical AROs (%d Critical), in: %s",
      data.covalence_aro_summary.open_high.total,
      data.covalence_aro_summary.open_high.severity_counts["Critical"],
      join(", ", sort([for org in data.covalence_aro_summary.open_high.organizations : org.name if org.total > 0])),
    )
  }
}
