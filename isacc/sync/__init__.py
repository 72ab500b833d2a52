"""Turning iSeller records into Accurate documents: what to send, when, in which order."""
