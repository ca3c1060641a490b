output "a_org_inventory" {
  description = "(a) The organizations, by name."
  value = {
    for name, org in terraform_data.org : name => format(
      "%s  email=%s  aro_details=%s",
      org.output.id,
      coalesce(org.output.email, "-"),
      org.output.email_aro_details ? "yes" : "no",
    )
  }
}

output "b_aro_report_7d" {
  description = "(b) AROs created in the report window, per organization and severity."
  value = {
    for name, q in data.covalence_aros.last_7_days : name => q.total == 0 ? "  0 AROs" : format(
      "%3d AROs: %s", q.total,
      join(", ", [for s in local.severities : "${q.severity_counts[s]} ${s}" if q.severity_counts[s] > 0]),
    )
  }
}

output "b_aro_report_7d_total" {
  description = "(b) AROs created in the report window, all organizations."
  value       = sum(concat([0], [for q in data.covalence_aros.last_7_days : q.total]))
}

output "c_compliance_gate" {
  description = "(c) The compliance gate on unresolved High/Critical AROs."
  value = {
    status              = local.open_high_count == 0 ? "PASS" : (var.enforce_compliance ? "FAIL (enforced)" : "WARN (not enforced)")
    unresolved_high     = local.open_high.severity_counts["High"]
    unresolved_critical = local.open_high.severity_counts["Critical"]
    clients             = local.open_high_clients
  }
}
