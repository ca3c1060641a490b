# SLA gate: no unresolved Critical ARO may be older than 72 hours. Compare
# against plantimestamp() (known at plan time), not timestamp(). With no
# unresolved Critical ARO, oldest_creation_time is null and the gate passes;
# AROs whose creation time is unknown keep it failing (fail closed).
terraform {
  required_providers {
    covalence = {
      source = "covalence-oss/covalence"
    }
  }
}

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
  sla_met  = local.oldest == null ? data.covalence_aro_summary.critical.total == 0 : timecmp(local.oldest, local.deadline) >= 0
}

resource "terraform_data" "release" {
  input = "v1.2.3"

  lifecycle {
    precondition {
      condition     = local.sla_met
      error_message = "SLA breached: an unresolved Critical ARO has been open since ${coalesce(local.oldest, "an unknown time")} (more than ${var.sla_hours} hours)."
    }
  }
}
