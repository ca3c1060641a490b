# Warn on every plan and apply while unresolved High or Critical AROs exist.
# A failed check is a warning: the run goes on.
data "covalence_aros" "open_high" {
  resolution      = "Unresolved"
  min_severity    = "High"
  include_details = false
}

check "no_open_high_severity_aros" {
  assert {
    condition = data.covalence_aros.open_high.total == 0
    error_message = format(
      "%d unresolved High/Critical AROs, e.g. %s",
      data.covalence_aros.open_high.total,
      join("; ", [for a in slice(data.covalence_aros.open_high.aros, 0, min(3, data.covalence_aros.open_high.total)) : "[${a.severity}] ${a.title} (${try(a.organization.name, "no organization")})"]),
    )
  }
}
