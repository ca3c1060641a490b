# Client policy gate: every client organization has active response on (not
# `Off`), a `Technical - Primary` contact, and is not a trial older than 30
# days. One covalence_orgs read with include_details carries every client's
# detail (one request per client, made concurrently). It fails closed: a
# client whose detail is missing (null: the portal left it out, or the
# client was deleted during the read) fails the checks it cannot pass.

variable "max_trial_days" {
  description = "How long a client may stay on a trial, counted from the organization's creation."
  type        = number
  default     = 30
}

data "covalence_orgs" "clients" {
  include_details = true
}

locals {
  trial_deadline = timeadd(plantimestamp(), "-${var.max_trial_days * 24}h")

  # What each client fails, by organization ID (names need not be unique).
  problems = {
    for o in data.covalence_orgs.clients.orgs : o.id => compact([
      o.active_response_policy == null ? "active response policy unknown" : (
        o.active_response_policy == "Off" ? "active response Off" : ""
      ),
      (o.contacts == null ? 0 : length([for c in o.contacts : c if c.type == "Technical - Primary"])) == 0 ? "no Technical - Primary contact" : "",
      o.is_trial == null ? "trial status unknown" : (
        !o.is_trial ? "" : (
          o.created_time == null ? "trial of unknown age" : (
            timecmp(o.created_time, local.trial_deadline) < 0 ? "trial older than ${var.max_trial_days} days" : ""
          )
        )
      ),
    ])
  }

  failing = [
    for o in data.covalence_orgs.clients.orgs : "${o.name} [${o.id}]: ${join(", ", local.problems[o.id])}"
    if length(local.problems[o.id]) > 0
  ]
}

resource "terraform_data" "onboarding" {
  input = length(data.covalence_orgs.clients.orgs) # stands for what the policy guards

  lifecycle {
    precondition {
      condition     = length(local.failing) == 0
      error_message = "Client policy not met by ${length(local.failing)} clients: ${join("; ", local.failing)}."
    }
  }
}

output "clients_checked" {
  value = length(data.covalence_orgs.clients.orgs)
}
