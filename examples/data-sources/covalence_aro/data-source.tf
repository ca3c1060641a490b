# One ARO by its ID. An ID that matches no ARO is an error
# (covalence_aros with id = ... gives an empty list instead).
data "covalence_aro" "malware" {
  id = "5026382f-09de-440c-b97d-784006fcbe1d"
}

output "aro_summary" {
  value = {
    title        = data.covalence_aro.malware.title
    severity     = data.covalence_aro.malware.severity
    organization = try(data.covalence_aro.malware.organization.name, null)
    open_steps   = [for s in coalesce(data.covalence_aro.malware.steps, []) : s.label if !s.completed]
    # count is alert_count at the top level (Terraform reserves "count").
    fired = data.covalence_aro.malware.alert_count
  }
}
