# Unit tests of the weekly report, without a portal (see fleet-gate/tests).
mock_provider "covalence" {}

run "quiet_week_passes" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.week
    values = {
      total                = 0
      severity_counts      = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 0 }
      type_counts          = { Action = 0, Recommendation = 0, Observation = 0 }
      newest_creation_time = null
      organizations        = {}
      unassigned = {
        name                             = null
        total                            = 0
        severity_counts                  = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 0 }
        oldest_creation_time             = null
        oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = null }
      }
    }
  }

  assert {
    condition     = output.weekly_report.total == 0 && length(output.weekly_report.by_client) == 0
    error_message = "a quiet week should report nothing"
  }
}

run "week_with_critical_warns" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.week
    values = {
      total                = 4
      severity_counts      = { Informational = 1, Warning = 0, Low = 1, Medium = 0, High = 0, Critical = 2 }
      type_counts          = { Action = 2, Recommendation = 1, Observation = 1 }
      newest_creation_time = "2026-01-14T09:30:00Z"
      organizations = {
        org-acme = {
          name                             = "Acme Inc."
          total                            = 3
          severity_counts                  = { Informational = 1, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 2 }
          oldest_creation_time             = "2026-01-09T10:00:00Z"
          oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = "2026-01-09T10:00:00Z" }
        }
        org-globex = {
          name                             = "Globex"
          total                            = 0
          severity_counts                  = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 0 }
          oldest_creation_time             = null
          oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = null }
        }
      }
      unassigned = {
        name                             = null
        total                            = 1
        severity_counts                  = { Informational = 0, Warning = 0, Low = 1, Medium = 0, High = 0, Critical = 0 }
        oldest_creation_time             = "2026-01-12T00:00:00Z"
        oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = "2026-01-12T00:00:00Z", Medium = null, High = null, Critical = null }
      }
    }
  }

  # The client list leaves out clients without AROs.
  assert {
    condition     = output.weekly_report.by_client == { "Acme Inc." = 3 } && output.weekly_report.by_type["Action"] == 2 && output.weekly_report.unassigned == 1
    error_message = "the report does not count by client and type as expected"
  }

  expect_failures = [check.no_new_critical_aros]
}
