# A compliance gate that leaves nothing behind: plan and apply fail while any
# unresolved High or Critical ARO exists, with an error naming the clients,
# the counts per severity and the age of the oldest; the state and the plan
# hold nothing of what it read. Nothing needs to reference it.
ephemeral "covalence_aro_summary" "gate" {
  resolution   = "Unresolved"
  min_severity = "High" # an ARO with a missing or unknown severity is kept: fail closed
  max_total    = 0
}
