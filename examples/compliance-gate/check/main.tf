# Warn on every plan and apply while unresolved High or Critical AROs exist.
# A failed check is a warning: the run goes on. The summary is a scoped data
# source of the check, so a portal outage is a warning too, not an error.
terraform {
  required_providers {
    covalence = {
      source = "covalence-oss/covalence"
    }
  }
}

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
