# Block the change while unresolved High or Critical AROs exist: a failed
# precondition is an error, so plan and apply stop before touching anything.
data "covalence_aros" "open_high" {
  resolution      = "Unresolved"
  min_severity    = "High"
  include_details = false
}

resource "terraform_data" "release" {
  input = "v1.2.3" # stands for whatever the configuration deploys

  lifecycle {
    precondition {
      condition     = data.covalence_aros.open_high.total == 0
      error_message = "Release blocked: ${data.covalence_aros.open_high.total} unresolved High/Critical AROs (${jsonencode(data.covalence_aros.open_high.severity_counts)})."
    }
  }
}
