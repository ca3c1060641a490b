variable "enforce_compliance" {
  description = "Fail the run (precondition) instead of warning (check block) while unresolved High or Critical AROs exist."
  type        = bool
  default     = false
}

variable "report_window" {
  description = "How far back the per-organization ARO report looks: a relative time such as \"7 days\", or an RFC 3339 timestamp."
  type        = string
  default     = "7 days"
}
