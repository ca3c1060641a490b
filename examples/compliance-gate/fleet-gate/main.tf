data "covalence_aro_summary" "open" {
  resolution   = "Unresolved"
  min_severity = "High"
}

resource "terraform_data" "release" {
  input = "v1.2.3" # stands for whatever the configuration deploys

  lifecycle {
    precondition {
      condition     = data.covalence_aro_summary.open.total == 0
      error_message = "Release blocked: ${data.covalence_aro_summary.open.total} unresolved High/Critical AROs (${jsonencode(data.covalence_aro_summary.open.severity_counts)})."
    }
  }
}
