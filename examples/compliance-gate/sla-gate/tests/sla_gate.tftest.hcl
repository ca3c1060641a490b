# Unit tests of the SLA gate, without a portal (see fleet-gate/tests).
# override_data values cannot call functions, so the times are fixed: one
# long past (older than any SLA), one in the future (younger than any).
mock_provider "covalence" {}

run "no_critical_passes" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.critical
    values = { total = 0, oldest_creation_time = null }
  }

  assert {
    condition     = local.sla_met
    error_message = "an estate without Critical AROs should meet the SLA"
  }
}

run "recent_critical_passes" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.critical
    values = { total = 1, oldest_creation_time = "2999-01-01T00:00:00Z" }
  }

  assert {
    condition     = local.sla_met
    error_message = "a Critical ARO younger than the SLA should pass"
  }
}

run "old_critical_fails" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.critical
    values = { total = 2, oldest_creation_time = "2021-05-11T12:58:26Z" }
  }

  expect_failures = [terraform_data.release]
}

run "critical_of_unknown_age_fails" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.critical
    values = { total = 1, oldest_creation_time = null, without_creation_time = 1 }
  }

  expect_failures = [terraform_data.release]
}

run "unknown_age_beside_a_recent_critical_fails" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.critical
    values = { total = 2, oldest_creation_time = "2999-01-01T00:00:00Z", without_creation_time = 1 }
  }

  expect_failures = [terraform_data.release]
}
