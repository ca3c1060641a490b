# Unit tests of the tiered SLA gate, without a portal (see fleet-gate/tests).
# override_data values cannot call functions, so the times are fixed: one
# long past (older than any SLA), one in the future (younger than any), and
# every map written out (they cannot come from variables either).
mock_provider "covalence" {}

run "young_aros_pass" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.open
    values = {
      total                            = 2
      severity_counts                  = { Informational = 0, Warning = 0, Low = 1, Medium = 0, High = 0, Critical = 1 }
      without_creation_time            = 0
      oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = "2021-05-11T12:58:26Z", Medium = null, High = null, Critical = "2999-01-01T00:00:00Z" }
      organizations = {
        org-acme = {
          name                             = "Acme Inc.", total = 2, severity_counts = { Informational = 0, Warning = 0, Low = 1, Medium = 0, High = 0, Critical = 1 },
          oldest_creation_time             = "2021-05-11T12:58:26Z"
          oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = "2021-05-11T12:58:26Z", Medium = null, High = null, Critical = "2999-01-01T00:00:00Z" }
        }
      }
      unassigned = { name = null, total = 0, severity_counts = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 0 }, oldest_creation_time = null, oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = null } }
    }
  }

  assert {
    condition     = local.sla_met
    error_message = "AROs younger than their tier (and a Low one, which has no SLA) should pass"
  }
}

run "old_high_fails_naming_tier_and_org" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.open
    values = {
      total                            = 1
      severity_counts                  = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 1, Critical = 0 }
      without_creation_time            = 0
      oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = "2021-05-11T12:58:26Z", Critical = null }
      organizations = {
        org-acme = {
          name                             = "Acme Inc.", total = 1, severity_counts = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 1, Critical = 0 },
          oldest_creation_time             = "2021-05-11T12:58:26Z"
          oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = "2021-05-11T12:58:26Z", Critical = null }
        }
      }
      unassigned = { name = null, total = 0, severity_counts = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 0 }, oldest_creation_time = null, oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = null } }
    }
  }

  expect_failures = [terraform_data.release]
}

run "aro_of_unknown_age_fails" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.open
    values = {
      total                            = 1
      severity_counts                  = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 1 }
      without_creation_time            = 1
      oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = null }
      organizations                    = {}
      unassigned                       = { name = null, total = 1, severity_counts = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 1 }, oldest_creation_time = null, oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = null } }
    }
  }

  expect_failures = [terraform_data.release]
}

run "aro_of_unknown_severity_fails" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.open
    values = {
      total                            = 1
      severity_counts                  = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 0, Severe = 1 }
      without_creation_time            = 0
      oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = null }
      organizations                    = {}
      unassigned                       = { name = null, total = 0, severity_counts = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 0 }, oldest_creation_time = null, oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = null } }
    }
  }

  expect_failures = [terraform_data.release]
}

run "bad_tier_name_is_rejected" {
  command = plan

  variables {
    sla_hours = { Urgent = 4 }
  }

  expect_failures = [var.sla_hours]
}
