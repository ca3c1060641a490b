# Fleet gate: block the change while any unresolved High or Critical ARO
# exists. A failed precondition is an error: plan and apply stop before
# touching anything. One summary read: counts, not AROs, go into the state.
terraform {
  required_providers {
    covalence = {
      source = "covalence-oss/covalence"
    }
  }
}

data "covalence_aro_summary" "open" {
  resolution   = "Unresolved"
  min_severity = "High" # an ARO with a missing or unknown severity is kept: fail closed
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
