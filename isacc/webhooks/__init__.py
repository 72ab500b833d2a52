"""Accurate -> iSeller: Accurate's webhooks received, each event a webhook log row, applied to
iSeller stock exactly once and told to iSeller; plus the daily renewal Accurate needs and a
catch-up through webhook-history.do for notices that never arrived."""
