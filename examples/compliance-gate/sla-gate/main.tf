variable "sla_hours" {
  description = "How long an unresolved Critical ARO may stay open."
  type        = number
  default     = 72
}

data "covalence_aro_summary" "critical" {
  resolution   = "Unresolved"
  min_severity = "Critical"
}

locals {
  oldest   = data.covalence_aro_summary.critical.oldest_creation_time
  deadline = timeadd(plantimestamp(), "-${var.sla_hours}h")
  # No ARO of unknown age, and the oldest (if any) within the SLA.
  sla_met = data.covalence_aro_summary.critical.without_creation_time == 0 && (
    local.oldest == null ? true : timecmp(local.oldest, local.deadline) >= 0
  )
}

resource "terraform_data" "release" {
  input = "v1.2.3"

  lifecycle {
    precondition {
      condition     = local.sla_met
      error_message = "SLA breached: unresolved Critical AROs open for more than ${var.sla_hours} hours or of unknown age (oldest since ${coalesce(local.oldest, "-")}; ${data.covalence_aro_summary.critical.without_creation_time} of unknown age)."
    }
  }
}
